/**
 * Measures what the Workers of docs/edge.md cost to deploy: each bundled as wrangler does
 * (esbuild, workerd export conditions, minified), then gzipped. Run after `npm run build`:
 * `node scripts/edge-sizes.mjs`.
 */
import { mkdtemp, mkdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const WORKERS = [
  'docs/edge/call-google-api.js',
  'docs/edge/verify-tokens.js',
  'docs/edge/federate.js',
];

// A project that depends on warrant, so `import 'warrant'` resolves through package.json's
// export conditions as it does for users.
const project = await mkdtemp(join(tmpdir(), 'warrant-sizes-'));
await mkdir(join(project, 'node_modules'));
await symlink(resolve('.'), join(project, 'node_modules', 'warrant'), 'dir');

for (const entry of WORKERS) {
  const { outputFiles } = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    nodePaths: [join(project, 'node_modules')],
    logLevel: 'warning',
  });
  const code = outputFiles[0].contents;
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  process.stdout.write(
    `${entry}: ${kib(code.length)} minified, ${kib(gzipSync(code, { level: 9 }).length)} gzipped\n`,
  );
}
await rm(project, { recursive: true, force: true });
