// Runs the warrant CLI in a test: in process with captured streams, or as a child process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';
import type { CliIo } from '../../src/cli/io.js';
import type { BrowserOpener } from '../../src/flows/browser.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An environment that sees no real credentials and never probes a real metadata server. */
export function isolatedEnv(
  dir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    WARRANT_CONFIG_DIR: `${dir}/warrant`,
    CLOUDSDK_CONFIG: `${dir}/gcloud`,
    HOME: dir,
    GCE_METADATA_HOST: '127.0.0.1:9',
    METADATA_SERVER_DETECTION: 'none',
    ...extra,
  };
}

let homes = 0;

/** A new empty home under `root` and the isolated environment that uses it. */
export async function freshHomeEnv(root: string): Promise<Record<string, string>> {
  const home = join(root, `home-${++homes}`);
  await mkdir(home);
  return isolatedEnv(home);
}

/** Runs `warrant argv` in this process. */
export async function runInProcess(
  argv: string[],
  env: Record<string, string>,
  options: { openBrowser?: BrowserOpener; signal?: AbortSignal } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env,
    homedir: env.HOME ?? '/nonexistent',
    platform: 'linux',
    openBrowser: options.openBrowser ?? (async () => false),
    signal: options.signal,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A spawned `warrant` with its output collected as it comes. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  readonly #child: ChildProcessWithoutNullStreams;

  constructor(command: string, args: string[], env: Record<string, string>) {
    this.#child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env } });
    this.#child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.#child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve, reject) => {
      this.#child.once('error', reject);
      this.#child.once('close', (code) =>
        resolve({ code: code ?? -1, stdout: this.stdout, stderr: this.stderr }),
      );
    });
  }

  /** Resolves with the first match of `pattern` in stderr, waiting for more output as needed. */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.stderr);
        if (match) {
          this.#child.stderr.off('data', check);
          resolve(match);
        }
      };
      this.#child.stderr.on('data', check);
      this.exited.then(
        () => reject(new Error(`warrant exited before printing ${pattern}: ${this.stderr}`)),
        reject,
      );
      check();
    });
  }
}
