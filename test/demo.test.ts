import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliProcess } from './support/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs the built tour as `npm start` does after building; resolves with its status and output. */
async function runDemo(): Promise<{ status: number; output: string; errors: string }> {
  const demo = new CliProcess(process.execPath, [`${root}dist/demo/demo.js`], {});
  const { code, stdout, stderr } = await demo.exited;
  // The steps report on stdout; stderr has what the library prints for users (the login URL).
  return { status: code, output: stdout, errors: stderr };
}

describe('npm start (the demo tour)', function () {
  // Fifteen steps against the emulator, with child processes, on a loaded machine.
  this.timeout(180_000);

  let status: number;
  let output: string;
  let errors: string;

  before(async () => {
    assert.ok(
      existsSync(`${root}dist/demo/demo.js`),
      'dist/ is missing: run `npm run build` first',
    );
    ({ status, output, errors } = await runDemo());
  });

  it('runs every step against the emulator, names the file of each, and ends with demo OK', () => {
    assert.equal(status, 0, output + errors);
    assert.equal(output.trim().split('\n').at(-1), 'demo OK', output);
    const steps = [...output.matchAll(/^\[(\d+)\/(\d+)\] /gm)];
    assert.ok(steps.length >= 15, output);
    assert.deepEqual(
      steps.map((m) => Number(m[1])),
      steps.map((_, i) => i + 1),
    );
    for (const [, file] of output.matchAll(/^ {4}code: (demo\/\S+)$/gm)) {
      assert.ok(existsSync(`${root}${file}`), `${file} exists`);
    }
    assert.equal([...output.matchAll(/^ {4}code: /gm)].length, steps.length, 'a file per step');
  });

  it("prints each 'tokens' event after the step that caused it, not before", () => {
    const userStep = output.indexOf('User credentials: the refresh-token grant');
    const userEvent = output.indexOf("'tokens' event on the user");
    const nextStep = output.indexOf('[3/');
    assert.ok(userStep >= 0 && userStep < userEvent && userEvent < nextStep, output);
  });
});
