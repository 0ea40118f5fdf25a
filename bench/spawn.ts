/** Running a child script as a fresh `node` process and reading the JSON line it prints. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nowMs } from './stats.js';

export interface ChildRun<T> {
  /** Spawn to exit, measured by the parent. */
  wallMs: number;
  /** The last line the child printed, parsed; undefined if it printed none or was killed. */
  output?: T;
  exitCode: number | null;
  timedOut: boolean;
  /** The end of stderr, for reporting a failure. */
  stderr: string;
}

/** Path of a compiled child script, e.g. `import` → dist/bench/children/import.js. */
export function childScript(name: string): string {
  return fileURLToPath(new URL(`./children/${name}.js`, import.meta.url));
}

/**
 * Runs `node <script> ...args` with exactly `env` (nothing inherited), killing it after
 * `timeoutMs`; `node` is the bench's own unless another binary is given.
 */
export function runChild<T>(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
  node = process.execPath,
): Promise<ChildRun<T>> {
  return new Promise((resolve, reject) => {
    const start = nowMs();
    const child = spawn(node, [script, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    let wallMs = 0;
    let exitCode: number | null = null;
    child.once('exit', (code) => {
      wallMs = nowMs() - start;
      exitCode = code;
    });
    // 'close' comes after 'exit', once the pipes have drained.
    child.once('close', () => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop();
      let output: T | undefined;
      try {
        output = last ? (JSON.parse(last) as T) : undefined;
      } catch {
        output = undefined;
      }
      resolve({ wallMs, output, exitCode, timedOut, stderr: stderr.slice(-2000) });
    });
  });
}

/** Why a child produced no result, in one line: killed, or the error it printed. */
export function childFailure(run: ChildRun<unknown>): string {
  if (run.timedOut) return 'timed out (killed)';
  const lines = run.stderr.split('\n').map((line) => line.trim());
  const error = lines.find((line) => /^(\w*Error|Error \[)/.test(line));
  const last = lines.filter((line) => line !== '' && !line.startsWith('Node.js v')).pop();
  return (error ?? last ?? `exited with code ${run.exitCode} and no output`).slice(0, 160);
}
