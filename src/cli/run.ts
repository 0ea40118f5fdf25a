import { AbortedError, AuthError, redactSecrets } from '../errors.js';
import { login } from './commands/login.js';
import { emulator } from './commands/emulator.js';
import { revoke } from './commands/revoke.js';
import { printAccessToken, printIdentityToken, tokenInfo } from './commands/tokens.js';
import { printableIo, type CliIo } from './io.js';
import { allowOnly, parseCommandLine, type CommandLine } from './options.js';
import { HELP, USAGE_LINE, UsageError } from './usage.js';
import { packageVersion } from './version.js';

/** Exit codes: success, an authentication error, a usage error, interrupted (128 + SIGINT). */
export const EXIT_OK = 0;
export const EXIT_AUTH_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

const COMMANDS: Record<string, (line: CommandLine, io: CliIo) => Promise<void>> = {
  login,
  'print-access-token': printAccessToken,
  'print-identity-token': printIdentityToken,
  'token-info': tokenInfo,
  revoke,
  emulator,
};

/**
 * Runs the `warrant` command line and returns its exit code. Tokens go to `io.stdout`, every
 * message to `io.stderr`; expected failures print their message, never a stack trace.
 */
export async function runCli(argv: readonly string[], rawIo: CliIo): Promise<number> {
  const io = printableIo(rawIo);
  try {
    const line = parseCommandLine(argv);
    if (line.options.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (line.options.version) {
      allowOnly(line, ['version']);
      io.stdout(`${await packageVersion()}\n`);
      return EXIT_OK;
    }
    if (line.command === undefined) throw new UsageError('no command given');
    const command = COMMANDS[line.command];
    if (!command) throw new UsageError(`unknown command '${line.command}'`);
    await command(line, io);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`warrant: ${error.message}\n${USAGE_LINE}\nRun 'warrant --help' for usage.\n`);
      return EXIT_USAGE;
    }
    if (error instanceof AbortedError && rawIo.signal?.aborted) {
      io.stderr('warrant: interrupted\n');
      return EXIT_INTERRUPTED;
    }
    if (error instanceof AuthError) {
      io.stderr(`warrant: ${error.message}\n`);
      return EXIT_AUTH_ERROR;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`warrant: unexpected error: ${redactSecrets(message)}\n`);
    return EXIT_AUTH_ERROR;
  }
}
