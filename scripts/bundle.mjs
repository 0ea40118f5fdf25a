/**
 * Bundles tsc's output (dist/src) into one ESM file per package entry (dist/bundle: warrant and its subpaths), so that
 * `import('warrant')` loads a handful of modules rather than ~80. Every package dependency
 * (jose, gaxios, lru-cache) stays external, so what warrant imports lazily stays lazy; code the
 * entries share goes to a common chunk, keeping one copy of each class. Source maps chain
 * back through tsc's maps to src/*.ts. Run after `tsc -p tsconfig.build.json`.
 */
import { build } from 'esbuild';

await build({
  entryPoints: {
    index: 'dist/src/index.js',
    testing: 'dist/src/testing/index.js',
    protocol: 'dist/src/protocol.js',
    oauth1: 'dist/src/oauth1.js',
    constants: 'dist/src/constants.js',
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // Bundling renames clashing top-level names (two modules' `invalid` become `invalid2`); errors
  // take their `name` from their class, and stack traces should show the source's names.
  keepNames: true,
  sourcemap: true,
  logLevel: 'warning',
});
