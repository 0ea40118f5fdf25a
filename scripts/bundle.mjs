/**
 * Bundles tsc's output (dist/src) for Node. `import('warrant')` should read as little as possible:
 * two modules, the entry's list of names and one `core.js` holding every class once. Code
 * splitting would give a dozen chunks, each a module to resolve, read and link (~5 ms on a cold
 * start), so the entries are laid out by hand:
 * - core.js: warrant, warrant/protocol and warrant/constants in one module, plus, as
 *   namespaces, the modules that the satellites use from outside their folders;
 * - index.js, protocol.js, constants.js: `export { … } from './core.js'`, each listing exactly
 *   its entry's names;
 * - the satellites (cache.js, testing.js, oauth1.js, node-wire.js, cli.js): their own folders
 *   bundled, importing everything else from core.js, so an `AuthError` thrown by the emulator is
 *   the `AuthError` users import.
 * Every package dependency (jose, gaxios, @redis/client) stays external, so what warrant imports
 * lazily stays lazy. Source maps chain back through tsc's maps to src/*.ts. Run after
 * `tsc -p tsconfig.build.json`.
 *
 * The edge entry (dist/edge/edge.js, for workerd, Deno, Bun, browsers) is tsc's modules with
 * each `x.js` that has an `x.web.js` sibling replaced by it; a Node built-in it can still reach
 * fails the build, so nothing Node-only can slip into it.
 */
import { copyFile, cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const common = {
  bundle: true,
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
};

const src = resolve('dist/src');
const out = resolve('dist/bundle');
const CORE_ENTRIES = ['index', 'protocol', 'constants'];
/** Bundled on their own, reaching core.js for what lies outside them: entry → what it owns. */
const SATELLITES = {
  cache: { entry: 'cache/index.js', owns: 'cache/' },
  testing: { entry: 'testing/index.js', owns: 'testing/' },
  // OAuth 1.0a: nothing else imports it, so `import('warrant')` does not read it.
  oauth1: { entry: 'oauth1.js', owns: 'oauth/oauth1/' },
  // Imported on the first request, so that `import('warrant')` does not load node:http.
  'node-wire': { entry: 'http/node-wire.js', owns: 'http/node-wire.js' },
  // The `warrant` command: a short process, so its start-up is most of what a user waits for.
  cli: { entry: 'cli/main.js', owns: 'cli/' },
};
const satelliteEntries = Object.fromEntries(
  Object.entries(SATELLITES).map(([name, { entry }]) => [name, join(src, entry)]),
);
const owned = (file) =>
  Object.values(SATELLITES).some(({ owns }) =>
    relative(src, file).split(sep).join('/').startsWith(owns),
  );

/** The satellite whose entry `file` is, if it is one: imported as `./<name>.js`, never bundled. */
const satelliteAt = (file) =>
  Object.keys(satelliteEntries).find((name) => satelliteEntries[name] === file);

/** An import of another satellite's entry, kept as an import of its file (`./<name>.js`). */
function toOtherSatellite(args) {
  if (args.kind === 'entry-point') return undefined;
  const name = satelliteAt(resolve(args.resolveDir, args.path));
  return name === undefined ? undefined : { path: `./${name}.js`, external: true };
}

/** The dist/src module a relative import from a satellite leaves it for, if it does. */
function linkedModule({ path, resolveDir }) {
  if (!path.startsWith('.')) return undefined;
  const file = resolve(resolveDir, path);
  return file.startsWith(src + sep) && !owned(file) ? file : undefined;
}

const nodeBuild = {
  ...common,
  // Less source for V8 to read on `import('warrant')`; identifiers are not mangled, so class
  // names stay (checked below) and the source maps still lead to src/*.ts.
  minifyWhitespace: true,
  minifySyntax: true,
  // An uncaught error prints its source line: keep that a line, not the whole bundle.
  lineLimit: 160,
  platform: 'node',
  target: 'node20',
  packages: 'external',
};

// 1. Which modules outside them do the satellites use?
const linked = new Map();
await build({
  ...nodeBuild,
  entryPoints: satelliteEntries,
  outdir: out,
  write: false,
  sourcemap: false,
  plugins: [
    {
      name: 'find-linked-modules',
      setup(find) {
        find.onResolve({ filter: /^\./ }, (args) => {
          const other = toOtherSatellite(args);
          if (other) return other;
          const file = linkedModule(args);
          if (file === undefined) return undefined;
          if (!linked.has(file)) linked.set(file, `__m${linked.size}`);
          return { path: file, external: true };
        });
      },
    },
  ],
});

// 2. core.js: the three entries' modules in one file, with the linked modules as namespaces.
const importPath = (file) => `./${relative(src, file).split(sep).join('/')}`;
const coreSource = [
  ...CORE_ENTRIES.map((entry) => `export * from './${entry}.js';`),
  ...[...linked].map(([file, name]) => `export * as ${name} from '${importPath(file)}';`),
].join('\n');
await build({
  ...nodeBuild,
  stdin: { contents: coreSource, resolveDir: src, sourcefile: 'core.js' },
  outfile: join(out, 'core.js'),
  plugins: [
    {
      name: 'satellites-stay-out',
      setup(core) {
        core.onResolve({ filter: /^\./ }, toOtherSatellite);
      },
    },
  ],
});

// 3. The satellites, reaching core.js for everything outside them.
const namesOf = async (file) => Object.keys(await import(pathToFileURL(file).href));
await build({
  ...nodeBuild,
  entryPoints: satelliteEntries,
  outdir: out,
  plugins: [
    {
      name: 'link-to-core',
      setup(link) {
        link.onResolve({ filter: /^\./ }, (args) => {
          if (args.namespace === 'core-link') return { path: './core.js', external: true };
          const other = toOtherSatellite(args);
          if (other) return other;
          const file = linkedModule(args);
          return file === undefined
            ? undefined
            : { path: importPath(file), namespace: 'core-link', pluginData: file };
        });
        link.onLoad({ filter: /.*/, namespace: 'core-link' }, async ({ pluginData: file }) => ({
          contents: `import { ${linked.get(file)} as m } from './core.js';\nexport const { ${(await namesOf(file)).join(', ')} } = m;`,
          loader: 'js',
        }));
      },
    },
  ],
});

// 4. The entries users import: their names, from core.js.
for (const entry of CORE_ENTRIES) {
  const names = await namesOf(join(src, `${entry}.js`));
  await writeFile(join(out, `${entry}.js`), `export { ${names.join(', ')} } from './core.js';\n`);
}

// Without esbuild's keepNames (its `__name()` calls cost ~4 ms of import), bundling can change a
// class's name, and errors take their `name` from their class: a class that names itself inside
// its body becomes `X=class _X`, given its name back here (what keepNames would do, for these
// few); a class renamed on a clash with another module's (`X2=class`) fails the build.
const sourceClasses = new Set();
for (const file of await readdir(src, { recursive: true })) {
  if (!file.endsWith('.js')) continue;
  for (const [, name] of (await readFile(join(src, file), 'utf8')).matchAll(/\bclass ([\w$]+)/g)) {
    sourceClasses.add(name);
  }
}
for (const file of ['core.js', ...Object.keys(SATELLITES).map((name) => `${name}.js`)]) {
  const path = join(out, file);
  const code = await readFile(path, 'utf8');
  const renamed = [];
  for (const [, outer, inner] of code.matchAll(
    /\b([\w$]+)=\s*class\b(?:\s+(?!extends\b)([\w$]+))?/g,
  )) {
    if (!sourceClasses.has(outer)) {
      throw new Error(
        `dist/bundle/${file}: class ${outer} was renamed by bundling; rename one of the clashing classes in src`,
      );
    }
    if (inner !== undefined && inner !== outer) renamed.push(outer);
  }
  const names = renamed.map((name) => `Object.defineProperty(${name},"name",{value:"${name}"});`);
  await writeFile(path, code.replace(/\n\/\/# sourceMappingURL=/, `\n${names.join('')}$&`));
}

/**
 * The edge entry: dist/src's modules, each one with a `.web.js` sibling replaced by it, kept as
 * separate modules so a Worker's bundler drops what the Worker does not use (with
 * `sideEffects: false`).
 */
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
        check.onResolve({ filter: /^node:|node-builtins\.js$/ }, ({ path, importer }) => ({
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
