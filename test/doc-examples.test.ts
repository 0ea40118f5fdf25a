import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CliProcess } from './support/cli.js';

const script = fileURLToPath(new URL('../scripts/check-doc-examples.mjs', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/doc-examples', import.meta.url));

/** Runs the doc-example check on a project folder, as `npm run doc-examples` does. */
async function checkDocExamples(root: string): Promise<{ status: number; output: string }> {
  const { code, stdout, stderr } = await new CliProcess(process.execPath, [script, root], {})
    .exited;
  return { status: code, output: stdout + stderr };
}

describe('doc-example check', function () {
  // tsc on a loaded 2-core machine: the check takes seconds, not the default 20 s budget.
  this.timeout(120_000);

  it('fails on a wrong Markdown block or TSDoc example, naming the line of the original file', async () => {
    const { status, output } = await checkDocExamples(fixture);

    assert.equal(status, 1, output);
    const errors = output.split('\n').filter((line) => /^\S+:\d+/.test(line));
    assert.deepEqual(
      errors.map((line) => line.replace(/: (TS\d+|@example).*/, '')),
      ['docs/guide.md:16:7', 'src/index.ts:18:15', 'src/index.ts:28'],
      output,
    );
    assert.match(
      output,
      /docs\/guide\.md:16:7: TS2322: Type 'string' is not assignable to type 'number'/,
    );
    assert.match(output, /src\/index\.ts:18:15: TS2345: .*'number'.*'string'/);
    assert.match(output, /src\/index\.ts:28: @example without a ```ts block/);
    assert.match(output, /5 doc examples \(3 Markdown, 2 TSDoc\): 3 errors/);
  });
});
