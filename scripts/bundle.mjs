/**
 * Bundles tsc's output (dist/src) into one ESM file per package entry (dist/bundle: warrant and its subpaths), so that
 * `import('warrant')` loads a handful of modules rather than ~80. Every package dependency
 * (jose, gaxios, @redis/client) stays external, so what warrant imports lazily stays lazy; code the
 * entries share goes to a common chunk, keeping one copy of each class. Source maps chain
 * back through tsc's maps to src/*.ts. Run after `tsc -p tsconfig.build.json`.
 *
 * The edge entry (dist/edge/edge.js, for workerd, Deno, Bun, browsers) is tsc's modules with
 * each `x.js` that has an `x.web.js` sibling replaced by it; a Node built-in it can still reach
 * fails the build, so nothing Node-only can slip into it.
 */
import { copyFile, cp, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const common = {
  bundle: true,
  format: 'esm',
  // Bundling renames clashing top-level names (two modules' `invalid` become `invalid2`); errors
  // take their `name` from their class, and stack traces should show the source's names.
  keepNames: true,
  sourcemap: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: {
    index: 'dist/src/index.js',
    cache: 'dist/src/cache/index.js',
    testing: 'dist/src/testing/index.js',
    protocol: 'dist/src/protocol.js',
    oauth1: 'dist/src/oauth1.js',
    constants: 'dist/src/constants.js',
  },
  outdir: 'dist/bundle',
  // Less source for V8 to read on `import('warrant')` (the bench's cold-import metric); names
  // stay (keepNames, no identifier mangling) and the source maps still lead to src/*.ts.
  minifyWhitespace: true,
  minifySyntax: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
});

/**
 * The edge entry: dist/src's modules, each one with a `.web.js` sibling replaced by it, kept as
 * separate modules so a Worker's bundler drops what the Worker does not use (with
 * `sideEffects: false`).
 */
const src = resolve('dist/src');
const edge = resolve('dist/edge');
await cp(src, edge, {
  recursive: true,
  filter: (path) => !/[\\/](cli|testing)$/.test(path) && !path.endsWith('.d.ts'),
});
for (const file of await readdir(edge, { recursive: true })) {
  if (!/\.web\.js(\.map)?$/.test(file)) continue;
  await copyFile(join(edge, file), join(edge, file.replace('.web.js', '.js')));
  await rm(join(edge, file));
}

// Bundling the edge entries (warrant and warrant/protocol) proves them: any Node built-in they
// can reach fails the build, and so does the Buffer global (a Worker without nodejs_compat has
// none).
const edgeBundle = await build({
  ...common,
  entryPoints: [join(edge, 'edge.js'), join(edge, 'protocol.js')],
  outdir: edge,
  write: false,
  sourcemap: false,
  platform: 'neutral',
  packages: 'external',
  plugins: [
    {
      name: 'no-node-builtins',
      setup(check) {
        check.onResolve({ filter: /^node:/ }, ({ path, importer }) => ({
          errors: [{ text: `${path} imported by ${importer}: the edge entry must not need Node` }],
        }));
      },
    },
  ],
});
for (const { path, text } of edgeBundle.outputFiles) {
  const bufferUse = /\bBuffer\b.{0,60}/.exec(text);
  if (bufferUse) {
    throw new Error(
      `${path} uses the Buffer global (${bufferUse[0]}): use src/platform/base64url.ts`,
    );
  }
}
