/**
 * Fresh process: Application Default Credentials from a service-account key file named by
 * GOOGLE_APPLICATION_CREDENTIALS (set by the parent), the way both libraries' READMEs start,
 * then the first request headers (one token mint from the emulator). Prints the milliseconds
 * since process start at which the headers were ready.
 * Usage: GOOGLE_APPLICATION_CREDENTIALS=key.json node first-token.js <warrant|gal> <tokenUrl>
 */
import { CLOUD_PLATFORM, galJwtOptions } from '../gal.js';

const [lib, tokenUrl] = process.argv.slice(2);

async function firstHeaders(): Promise<Headers> {
  if (lib === 'warrant') {
    const { defaultCredentials } = await import('warrant');
    const { credentials } = await defaultCredentials({ scopes: [CLOUD_PLATFORM] });
    return credentials.getRequestHeaders();
  }
  if (lib === 'gal') {
    const { GoogleAuth } = await import('google-auth-library');
    const auth = new GoogleAuth({
      scopes: [CLOUD_PLATFORM],
      clientOptions: galJwtOptions(tokenUrl),
    });
    const client = await auth.getClient();
    return client.getRequestHeaders();
  }
  throw new Error(`first-token child: unknown library ${lib}`);
}

const headers = await firstHeaders();
const ms = performance.now();
const bearer = /^Bearer ya29\./.test(headers.get('authorization') ?? '');
process.stdout.write(`${JSON.stringify({ ms, bearer })}\n`);
