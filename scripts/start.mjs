/**
 * `npm start`: builds warrant, saying what it is doing while tsc works, then runs the demo tour
 * (dist/demo/demo.js). Exits with the first failing status.
 */
import { spawn } from 'node:child_process';

const TICK_MS = 5_000;

/** Runs a command with inherited output; resolves with its exit status. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('error', reject);
    child.on('close', (status) => resolve(status ?? 1));
  });
}

const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);
process.stdout.write('Building warrant: TypeScript compile (tsc), then bundle (esbuild)…\n');
const ticker = setInterval(
  () => process.stdout.write(`  still building, ${seconds()} s\n`),
  TICK_MS,
);
const built = await run('npm', ['run', '--silent', 'build']);
clearInterval(ticker);
if (built !== 0) process.exit(built);
process.stdout.write(`Built in ${seconds()} s. Starting the tour.\n\n`);
process.exit(await run(process.execPath, ['dist/demo/demo.js']));
