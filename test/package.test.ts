import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import semver from 'semver';
import { startEmulator } from '../src/testing/index.js';
import { userProject } from './support/edge-runtimes.js';

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

  it('loads warrant as two modules importing no Node built-in, each class once and by its own name', async () => {
    const script = `
      const before = new Set(process.moduleLoadList);
      const entries = { warrant: await import('warrant') };
      const builtins = process.moduleLoadList.filter((m) => !before.has(m) && /^NativeModule (crypto|net|http|https)$/.test(m));
      for (const sub of ['protocol', 'oauth1', 'constants', 'cache', 'testing']) entries[sub] = await import('warrant/' + sub);
      const misnamed = [];
      for (const [entry, names] of Object.entries(entries))
        for (const [name, value] of Object.entries(names))
          if (typeof value === 'function' && /^class\\b/.test(Function.prototype.toString.call(value)) && value.name !== name) misnamed.push(entry + '.' + name + ' is ' + value.name);
      console.log(JSON.stringify({ builtins, misnamed }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    });
    assert.deepEqual(JSON.parse(stdout), { builtins: [], misnamed: [] });
    const bundle = (file: string) => readFileSync(`${root}dist/bundle/${file}`, 'utf8');
    assert.match(bundle('index.js'), /^export \{[\w$, ]+\} from '\.\/core\.js';\n$/);
    // Every built-in comes through platform/node-builtins.ts on first use: a static import of
    // even an already loaded one (node:fs) builds its ES-module facade, ~3 ms of the import.
    assert.deepEqual(bundle('core.js').match(/(?:from|import)\s*["']node:[\w/]+["']/g), null);
    // A satellite holds its own modules only and reaches core.js for the rest (the shims
    // esbuild names core-link:), so a class exists once however the package is entered.
    const own = {
      cache: 'src/cache/',
      testing: 'src/testing/',
      oauth1: 'src/oauth1.ts|src/oauth/oauth1/',
      'node-wire': 'src/http/node-wire.ts',
      cli: 'src/cli/',
    };
    const sourcesOf = (file: string) =>
      (JSON.parse(bundle(`${file}.js.map`)) as { sources: string[] }).sources;
    const inCore = sourcesOf('core');
    for (const [satellite, folder] of Object.entries(own)) {
      const sources = sourcesOf(satellite);
      const owned = (s: string) => folder.split('|').some((f) => s.includes(f));
      assert.deepEqual(inCore.filter(owned), [], `core.js holds modules ${satellite}.js owns`);
      const foreign = sources.filter((s) => !s.startsWith('core-link:') && !owned(s));
      assert.deepEqual(foreign, [], `${satellite}.js bundles modules core.js holds`);
      assert.ok(
        sources.some((s) => s.startsWith('core-link:')),
        `${satellite}.js reaches core.js`,
      );
    }
  });

  it('runs the bundled warrant command: --version, and print-access-token through ADC', async () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
      version: string;
      bin: { warrant: string };
    };
    assert.equal(pkg.bin.warrant, './dist/bundle/cli.js');
    const bin = `${root}${pkg.bin.warrant.slice(2)}`;
    const version = await run(process.execPath, [bin, '--version'], { cwd: root });
    assert.equal(version.stdout, `${pkg.version}\n`);
    const emulator = await startEmulator();
    const dir = await mkdtemp(join(tmpdir(), 'warrant-bin-'));
    try {
      const keyFile = join(dir, 'key.json');
      await writeFile(keyFile, JSON.stringify(emulator.serviceAccountKey));
      const printed = await run(process.execPath, [bin, 'print-access-token'], {
        env: { PATH: process.env.PATH, HOME: dir, GOOGLE_APPLICATION_CREDENTIALS: keyFile },
      });
      assert.match(printed.stdout, /^ya29\.[\w.-]+\n$/);
      assert.equal(emulator.hits.token, 1);
    } finally {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bundles warrant/protocol for workerd without Node built-ins; oauth1, constants and cache stay Node builds', async () => {
    const project = await userProject();
    try {
      const bundleFor = (subpath: string, nodeImports: string[]) =>
        build({
          stdin: { contents: `export * from 'warrant/${subpath}';`, resolveDir: project.dir },
          bundle: true,
          write: false,
          format: 'esm',
          platform: 'neutral',
          mainFields: ['module', 'main'],
          conditions: ['workerd', 'worker', 'browser'],
          external: ['jose', 'gaxios', '@redis/client'],
          logLevel: 'silent',
          plugins: [
            {
              name: 'node-imports',
              setup(check) {
                check.onResolve({ filter: /^node:/ }, ({ path }) => {
                  nodeImports.push(path);
                  return { path, external: true };
                });
              },
            },
          ],
        });
      const protocolImports: string[] = [];
      const protocol = await bundleFor('protocol', protocolImports);
      assert.deepEqual(protocolImports, []);
      assert.doesNotMatch(protocol.outputFiles[0].text, /\bBuffer\b/);
      assert.match(protocol.outputFiles[0].text, /function buildTokenRequest/);
      for (const subpath of ['oauth1', 'constants', 'cache']) {
        const nodeImports: string[] = [];
        await bundleFor(subpath, nodeImports);
        assert.ok(nodeImports.length > 0, `warrant/${subpath} resolved to the edge build`);
      }
    } finally {
      await project.remove();
    }
  });

  it('serves warrant/cache, and loads the Redis client only when a RedisTokenCache is used', async () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((m) => m.includes('@redis'));",
      "await import('warrant');",
      "const { RedisTokenCache, MemoryTokenCache } = await import('warrant/cache');",
      'const before = loaded();',
      "const cache = new RedisTokenCache({ url: 'redis://127.0.0.1:9', key: Buffer.alloc(32), retryAfterFaultMs: 0 });",
      "const identity = { type: 't', principal: 'p', scopes: [], universe: 'u' };",
      "await cache.fetch({ identity, now: Date.now, mint: async () => ({ accessToken: 'a' }) });",
      'cache.close();',
      'console.log(typeof MemoryTokenCache, before, loaded());',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    });
    assert.equal(stdout.trim(), 'function false true');
    assert.ok(existsSync(`${root}dist/src/cache/index.d.ts`));
  });

  it('depends at run time only on packages that support every Node its engines allow', () => {
    interface LockedPackage {
      version?: string;
      dev?: boolean;
      devOptional?: boolean;
      engines?: { node?: string };
    }
    const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8')) as {
      packages: Record<string, LockedPackage>;
    };
    const supported = lock.packages[''].engines?.node;
    assert.ok(supported, 'package.json must declare engines.node');
    const narrower = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.dev && !entry.devOptional)
      .filter(([, entry]) => entry.engines?.node && !semver.subset(supported, entry.engines.node))
      .map(([path, entry]) => `${path}@${entry.version} wants node ${entry.engines?.node}`);
    assert.deepEqual(narrower, [], `runtime dependencies narrower than node ${supported}`);
  });
});
