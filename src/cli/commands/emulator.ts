import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AuthError } from '../../errors.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import type { CliIo } from '../io.js';
import { allowOnly, integerOption, stringOption, type CommandLine } from '../options.js';

/**
 * `warrant emulator [--port N] [--dir DIR]`: runs the emulator of Google's auth endpoints until
 * Ctrl-C, having written a service-account key, an OAuth client secrets file and an
 * `authorized_user` ADC file that point at it, and printed its URLs and the settings that point
 * an app at it.
 */
export async function emulator(line: CommandLine, io: CliIo): Promise<void> {
  allowOnly(line, ['port', 'dir']);
  const port = integerOption(line, 'port', 0, 65_535) ?? 0;
  const dir = resolve(stringOption(line, 'dir') ?? 'warrant-emulator');
  // Loaded only for this command: the rest of the CLI never needs the emulator.
  const { startEmulator, createClientSecrets } = await import('../../testing/index.js');
  const running = await startEmulator({ port });
  try {
    const files = {
      key: join(dir, 'service-account-key.json'),
      clientSecrets: join(dir, 'client_secret.json'),
      adc: join(dir, 'application_default_credentials.json'),
    };
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(files.key, `${JSON.stringify(running.serviceAccountKey, null, 2)}\n`);
      await writeFileAtomic(
        files.clientSecrets,
        `${JSON.stringify(createClientSecrets(running), null, 2)}\n`,
      );
      await writeFileAtomic(files.adc, `${JSON.stringify(running.authorizedUser, null, 2)}\n`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new AuthError(
        'ERR_INVALID_OPTIONS',
        `cannot write the emulator's files to ${dir} (${code}); pass --dir`,
      );
    }
    io.stderr(
      [
        `Emulator of Google's auth endpoints running at ${running.url}`,
        `  token endpoint    ${running.tokenUrl}`,
        `  OIDC discovery    ${running.url}/.well-known/openid-configuration`,
        `  protected API     ${running.url}/api/... (and ${running.echoUrl})`,
        `  metadata server   GCE_METADATA_HOST=${running.host}`,
        'Files:',
        `  service account key  ${files.key}`,
        `  OAuth client secrets ${files.clientSecrets}   (warrant login --client-secrets ...)`,
        `  user ADC             ${files.adc}`,
        'Point an app at it:',
        `  export GOOGLE_APPLICATION_CREDENTIALS=${files.key}`,
        'Ctrl-C stops it.',
        '',
      ].join('\n'),
    );
    await new Promise<void>((done) => {
      if (!io.signal || io.signal.aborted) return done();
      io.signal.addEventListener('abort', () => done(), { once: true });
    });
  } finally {
    await running.stop();
  }
  io.stderr('Emulator stopped.\n');
}
