/**
 * Bundles tsc's output (dist/src) into one ESM file per package entry (dist/bundle), so that
 * `import('warrant')` loads a handful of modules rather than ~80. Every package dependency
 * (jose, gaxios, lru-cache) stays external, so what warrant imports lazily stays lazy; code the
 * two entries share goes to a common chunk, keeping one copy of each class. Source maps chain
 * back through tsc's maps to src/*.ts. Run after `tsc -p tsconfig.build.json`.
 *
 * The edge entry (dist/edge/index.js, for workerd, Deno, Bun, browsers) is one file, its
 * dependencies external too (the user's bundler or runtime resolves their browser builds): each
 * module with a `.web.js` sibling is replaced by it, and any Node built-in left fails the build,
 * so nothing Node-only can slip into it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
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
  entryPoints: { index: 'dist/src/index.js', testing: 'dist/src/testing/index.js' },
  outdir: 'dist/bundle',
  splitting: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
});

/** Resolves `./x.js` to `./x.web.js` where that exists: the per-runtime seams of src/platform and others. */
const webVariants = {
  name: 'web-variants',
  setup(edge) {
    edge.onResolve({ filter: /^\.\.?\/.*\.js$/ }, ({ path, resolveDir }) => {
      const web = resolve(resolveDir, path.replace(/\.js$/, '.web.js'));
      return existsSync(web) ? { path: web } : undefined;
    });
    edge.onResolve({ filter: /^node:/ }, ({ path, importer }) => ({
      errors: [{ text: `${path} imported by ${importer}: the edge entry must not need Node` }],
    }));
  },
};

await build({
  ...common,
  entryPoints: { index: 'dist/src/edge.js' },
  outdir: 'dist/edge',
  platform: 'neutral',
  target: 'es2022',
  packages: 'external',
  plugins: [webVariants],
});
