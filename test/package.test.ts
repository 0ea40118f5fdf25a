import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

// These run the built package (`npm test` builds before mocha), as its users do.
describe('the published package', () => {
  before(function () {
    assert.ok(
      existsSync(`${root}dist/src/index.js`),
      'dist/ is missing: run `npm run build` first',
    );
  });

  it('works from CommonJS through require(esm), library and warrant/testing', async () => {
    const { stdout } = await run(process.execPath, ['test/fixtures/cjs-consumer.cjs'], {
      cwd: root,
    });
    assert.equal(stdout.trim(), 'cjs OK');
  });

  it('works from ESM by package name and ships its type declarations', async () => {
    const script =
      "const w = await import('warrant'); const t = await import('warrant/testing'); console.log(typeof w.ServiceAccountCredentials, typeof t.startEmulator);";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    });
    assert.equal(stdout.trim(), 'function function');
    assert.ok(existsSync(`${root}dist/src/index.d.ts`));
    assert.ok(existsSync(`${root}dist/src/testing/index.d.ts`));
  });

  it('serves the protocol halves, OAuth 1.0a and the constants from their subpaths', async () => {
    const script =
      "const p = await import('warrant/protocol'); const o = await import('warrant/oauth1'); const c = await import('warrant/constants'); console.log(typeof p.buildTokenRequest, typeof o.OAuth1Client, c.GOOGLE_TOKEN_URL);";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    });
    assert.equal(stdout.trim(), 'function function https://oauth2.googleapis.com/token');
    for (const entry of ['protocol', 'oauth1', 'constants']) {
      assert.ok(existsSync(`${root}dist/src/${entry}.d.ts`));
    }
  });
});
