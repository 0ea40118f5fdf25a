/**
 * Fresh process: Application Default Credentials as a library finds them from this process's
 * environment (the parent sets HOME, GCE_METADATA_HOST and maybe GOOGLE_APPLICATION_CREDENTIALS).
 * The library is imported first; the clock runs from the search until credentials and project
 * are known, or until the search fails. Usage: node adc.js <warrant|gal>
 */
import { describeError } from '../report.js';

export interface AdcOutcome {
  ms: number;
  /** The credentials found (a type or class name); undefined when the search failed. */
  credentials?: string;
  projectId?: string;
  /** Why the credentials search failed. */
  error?: string;
  /** Why the project search failed, after credentials were found. */
  projectError?: string;
}

async function warrant(): Promise<AdcOutcome> {
  const { defaultCredentials } = await import('warrant');
  const start = performance.now();
  try {
    const found = await defaultCredentials();
    return {
      ms: performance.now() - start,
      credentials: found.credentials.type,
      projectId: found.projectId,
    };
  } catch (error) {
    return { ms: performance.now() - start, error: describeError(error) };
  }
}

async function gal(): Promise<AdcOutcome> {
  const { GoogleAuth } = await import('google-auth-library');
  const auth = new GoogleAuth();
  const start = performance.now();
  let credentials: string;
  try {
    credentials = (await auth.getClient()).constructor.name;
  } catch (error) {
    return { ms: performance.now() - start, error: describeError(error) };
  }
  try {
    const projectId = (await auth.getProjectId()) ?? undefined;
    return { ms: performance.now() - start, credentials, projectId };
  } catch (error) {
    return { ms: performance.now() - start, credentials, projectError: describeError(error) };
  }
}

const lib = process.argv[2];
const outcome = lib === 'warrant' ? await warrant() : lib === 'gal' ? await gal() : undefined;
if (!outcome) throw new Error(`adc child: unknown library ${lib}`);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
// Sockets left open to a black hole must not keep the process (and the parent) waiting.
process.exit(0);
