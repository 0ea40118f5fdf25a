import { nodeFsPromises } from '../platform/node-builtins.js';
import { SubjectTokenError, TimeoutError } from '../errors.js';
import { MAX_EXECUTABLE_TIMEOUT_MS } from './config.js';
import {
  parseExecutableResponse,
  readExecutableResponse,
  type ExecutableToken,
} from './executable-response.js';
import {
  MAX_SUBJECT_TOKEN_BYTES,
  type SubjectTokenContext,
  type SubjectTokenSupplier,
} from './subject-token.js';

export const ALLOW_EXECUTABLES_ENV = 'GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES';

export interface ExecutableSourceOptions {
  command: string;
  timeoutMs: number;
  outputFile?: string;
  /** The service account impersonated after STS, passed to the executable. */
  impersonatedEmail?: string;
  /** The environment checked for the opt-in and passed on. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A subject token printed by a local executable (Google's "executable-sourced credentials").
 * Runs only when `GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1`, because the credentials file
 * decides what runs. A cached response in `output_file` is used while it has not expired.
 */
export class ExecutableSubjectTokenSource implements SubjectTokenSupplier {
  readonly #options: ExecutableSourceOptions;
  readonly #now: () => number;

  constructor(options: ExecutableSourceOptions, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
  }

  async getSubjectToken(context: SubjectTokenContext): Promise<string> {
    const env = this.#options.env ?? process.env;
    const command = this.#options.command;
    if (env[ALLOW_EXECUTABLES_ENV] !== '1') {
      throw new SubjectTokenError(
        `credential_source.executable wants to run ${describe(command)}, but executables are not allowed; set ${ALLOW_EXECUTABLES_ENV}=1 if you trust this credentials file`,
        describe(command),
        'ERR_EXECUTABLE_NOT_ALLOWED',
      );
    }
    const cached = await this.#cachedResponse();
    if (cached) return cached.token;
    const run = await runExecutable(command, this.#options.timeoutMs, {
      ...env,
      GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE: context.audience,
      GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE: context.subjectTokenType,
      GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE: '0',
      ...(this.#options.impersonatedEmail && {
        GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL: this.#options.impersonatedEmail,
      }),
      ...(this.#options.outputFile && {
        GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE: this.#options.outputFile,
      }),
    });
    const { output, failure } = run;
    if (failure && output.trim() === '') {
      throw new SubjectTokenError(
        `executable ${describe(command)} ${failure} without printing a response (run it by hand to see why)`,
        describe(command),
      );
    }
    // A failing executable prints an error response; parsing it first reports its code and message.
    const response = parseExecutableResponse(output, describe(command));
    if (failure) {
      throw new SubjectTokenError(
        `executable ${describe(command)} ${failure} after printing a token (it must exit with 0 on success)`,
        describe(command),
      );
    }
    if (this.#options.outputFile && response.expirationTime === undefined) {
      throw new SubjectTokenError(
        `executable ${describe(command)} printed no expiration_time, which is required when credential_source.executable.output_file is set (print expiration_time)`,
        describe(command),
      );
    }
    this.#checkUnexpired(response, describe(command));
    return response.token;
  }

  /** The output file's response when it holds an unexpired token; undefined to run the executable. */
  async #cachedResponse(): Promise<ExecutableToken | undefined> {
    const file = this.#options.outputFile;
    if (!file) return undefined;
    let text: string;
    try {
      text = await nodeFsPromises().readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    if (text.trim() === '') return undefined;
    if (text.length > MAX_SUBJECT_TOKEN_BYTES) return undefined;
    // An error response left there by an earlier run is no answer: run the executable again.
    const response = readExecutableResponse(text, `output file ${file}`);
    if (!('token' in response)) return undefined;
    if (response.expirationTime === undefined || this.#expired(response)) return undefined;
    return response;
  }

  #expired(response: ExecutableToken): boolean {
    return response.expirationTime !== undefined && response.expirationTime * 1000 <= this.#now();
  }

  #checkUnexpired(response: ExecutableToken, source: string): void {
    if (this.#expired(response)) {
      throw new SubjectTokenError(
        `executable ${source} returned a token that expired at ${new Date(response.expirationTime! * 1000).toISOString()} (the executable must return a fresh token)`,
        source,
        'ERR_SUBJECT_TOKEN_EXPIRED',
      );
    }
  }
}

/** The program name only: arguments may carry secrets. */
function describe(command: string): string {
  return splitCommand(command)[0] ?? command;
}

/** Splits a command line on spaces, keeping "double-quoted" or 'single-quoted' parts whole. */
export function splitCommand(command: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (const char of command) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (char === ' ' || char === '\t') {
      if (started) parts.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) parts.push(current);
  return parts;
}

/** Runs the command without a shell and returns its stdout; bounded in time and size. */
async function runExecutable(
  command: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
): Promise<{ output: string; failure?: string }> {
  const [program, ...args] = splitCommand(command);
  const name = describe(command);
  // Loaded on first use: only executable-sourced credentials spawn processes.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: Error | undefined, failure?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve({ output: Buffer.concat(chunks).toString('utf8'), failure });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(
        new TimeoutError(
          `executable ${name} did not finish within ${timeoutMs} ms (raise credential_source.executable.timeout_millis, up to ${MAX_EXECUTABLE_TIMEOUT_MS})`,
          timeoutMs,
        ),
      );
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SUBJECT_TOKEN_BYTES) {
        child.kill('SIGKILL');
        finish(
          new SubjectTokenError(
            `executable ${name} printed more than ${MAX_SUBJECT_TOKEN_BYTES} bytes (it must print one JSON response)`,
            name,
          ),
        );
      } else chunks.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        new SubjectTokenError(
          `executable ${name} could not be started (${error.code ?? 'unknown error'}); check credential_source.executable.command`,
          name,
        ),
      );
    });
    child.on('close', (code, signal) => {
      finish(
        undefined,
        code === 0
          ? undefined
          : `exited with ${code === null ? `signal ${signal}` : `code ${code}`}`,
      );
    });
  });
}
