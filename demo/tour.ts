// The frame of `npm start`: numbered steps, each with a one-line explanation, the file that shows
// its code, its results, then the 'tokens' events it caused.
import { execFile } from 'node:child_process';
import type { Credentials } from '../src/index.js';
import type { Emulator } from '../src/testing/index.js';

export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/** What every step gets: the running emulator, and where to report. */
export interface Tour {
  readonly emulator: Emulator;
  /** Prints one result line of the current step. */
  show(label: string, value: unknown): void;
  /** Reports each 'tokens' event of `credentials` after the step that caused it. */
  watchTokens(credentials: Credentials, name: string): void;
  /** Fails the tour (and `npm start`) with a message when `ok` is false. */
  check(ok: boolean, what: string): void;
}

export interface Step {
  title: string;
  /** One or two sentences; jargon explained in a line. */
  explain: string;
  /** The file under demo/ whose code this step runs. */
  file: string;
  run(tour: Tour): Promise<void>;
}

/** Shows the start and end of a token, never the whole of it. */
export function preview(token: string): string {
  return `${token.slice(0, 12)}…${token.slice(-4)} (${token.length} chars)`;
}

/** Runs `steps` in order against `emulator`; throws on the first failed check. */
export async function runTour(emulator: Emulator, steps: readonly Step[]): Promise<void> {
  let events: string[] = [];
  const tour: Tour = {
    emulator,
    show: (label, value) => console.log(`    ${label.padEnd(10)} ${String(value)}`),
    watchTokens(credentials, name) {
      credentials.on('tokens', (tokens) => {
        const rotated = tokens.refreshToken ? ', with a rotated refresh token' : '';
        events.push(`'tokens' event on ${name}: new access token${rotated}`);
      });
    },
    check(ok, what) {
      if (!ok) throw new Error(`demo step failed: ${what}`);
    },
  };
  for (const [index, step] of steps.entries()) {
    console.log(`\n[${index + 1}/${steps.length}] ${step.title}`);
    console.log(`    ${step.explain}`);
    console.log(`    code: demo/${step.file}`);
    await step.run(tour);
    for (const event of events) console.log(`    ↳ ${event}`);
    events = [];
  }
}

/** Runs a Node.js script as a child process; resolves with its stdout, rejects with its stderr. */
export function runNode(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, options, (error, stdout, stderr) => {
      if (error) reject(new Error(`node ${args.join(' ')} failed: ${stderr.trim()}`));
      else resolve(stdout.trim());
    });
  });
}
