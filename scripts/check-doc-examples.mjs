/**
 * Type-checks every code example a reader sees: the ```ts blocks of README.md and docs/*.md and
 * the TSDoc `@example` blocks of src/. Each block becomes one module under .doc-examples/
 * (gitignored, kept for inspection) and is compiled against the source: 'warrant' and each
 * subpath export of package.json map to src/, so an example is checked against the code of the
 * same commit, with no build. Errors are reported at the line of the original file.
 *
 * How a block gets its context (ARCHITECTURE.md, "Doc examples"):
 * - a Markdown block is a complete module: it imports what it uses, as a reader who copies it
 *   must; names it leaves free (a `credentials` made earlier on the page, an `idToken` from a
 *   request) come from the placeholders in scripts/doc-examples-prelude.d.ts;
 * - a TSDoc block is a fragment: it is given an import of every public name it mentions (from
 *   'warrant', else the first subpath export that has it), plus the same placeholders.
 *
 * Usage: node scripts/check-doc-examples.mjs [root]   (exit status 1 on any error)
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const TS_FENCE = /^\s*```(?:ts|typescript)\s*$/;
const FENCE_END = /^\s*```\s*$/;
const OUT = '.doc-examples';

const root = resolve(process.argv[2] ?? '.');
const out = join(root, OUT);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** 'warrant' → src/index.ts, 'warrant/testing' → src/testing/index.ts, … from package.json exports. */
function entryPoints() {
  const entries = new Map();
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    const types = typesOf(target);
    if (!types || !types.startsWith('./dist/src/')) continue;
    const source = types.replace('./dist/', '').replace(/\.d\.ts$/, '.ts');
    entries.set(key === '.' ? pkg.name : `${pkg.name}${key.slice(1)}`, join(root, source));
  }
  return entries;
}

/** The types of an export target as Node resolves it: the `node` condition wins over the others. */
function typesOf(target) {
  if (typeof target !== 'object' || target === null) return undefined;
  if (target.node) return typesOf(target.node);
  if (typeof target.types === 'string') return target.types;
  for (const condition of ['import', 'default']) {
    const found = typesOf(target[condition]);
    if (found) return found;
  }
  return undefined;
}

function markdownFiles() {
  const docs = join(root, 'docs');
  let names = [];
  try {
    names = readdirSync(docs).filter((n) => n.endsWith('.md'));
  } catch {
    // a project without docs/ has only its README to check
  }
  return [join(root, 'README.md'), ...names.sort().map((n) => join(docs, n))];
}

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}

/** ```ts blocks of a Markdown file: { file, line (1-based, first code line), code, kind }. */
function markdownBlocks(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (!TS_FENCE.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !FENCE_END.test(lines[end])) end++;
    const code = lines.slice(start, end).join('\n');
    blocks.push({ file, line: start + 1, code, kind: 'md', margins: [] });
    i = end;
  }
  return blocks;
}

/** ```ts blocks following `@example` in TSDoc comments, with the ` * ` margin removed. */
function tsdocBlocks(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  const margin = (line) => line.replace(/^\s*\*\s?/, '');
  const marginWidth = (line) => line.length - margin(line).length;
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i])) continue;
    let j = i + 1;
    while (j < lines.length && margin(lines[j]).trim() === '') j++;
    if (!TS_FENCE.test(margin(lines[j] ?? ''))) {
      blocks.push({ file, line: i + 1, code: null, kind: 'tsdoc' });
      continue;
    }
    const start = j + 1;
    let end = start;
    while (end < lines.length && !FENCE_END.test(margin(lines[end])) && !/\*\//.test(lines[end])) {
      end++;
    }
    const code = lines.slice(start, end).map(margin).join('\n');
    const margins = lines.slice(start, end).map(marginWidth);
    blocks.push({ file, line: start + 1, code, kind: 'tsdoc', margins });
    i = end;
  }
  return blocks;
}

function compilerOptions(entries) {
  const base = ts.parseJsonConfigFileContent(
    ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config,
    ts.sys,
    root,
  ).options;
  const paths = {};
  for (const [specifier, file] of entries) paths[specifier] = [relative(out, file)];
  return {
    ...base,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    // An example shows one call; the names it leaves unused are part of the lesson.
    noUnusedLocals: false,
    noUnusedParameters: false,
    // The project's ambient types, without the test runner's globals.
    types: (base.types ?? []).filter((t) => t !== 'mocha'),
    rootDir: undefined,
    baseUrl: out,
    paths,
  };
}

/** Public names → the specifier a fragment imports them from ('warrant' first). */
function publicNames(entries, options) {
  const program = ts.createProgram([...entries.values()], { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const names = new Map();
  for (const [specifier, file] of entries) {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(file));
    if (!symbol) continue;
    for (const exported of checker.getExportsOfModule(symbol)) {
      if (!names.has(exported.name)) names.set(exported.name, specifier);
    }
  }
  return { names, program };
}

/** Identifiers a fragment mentions, minus those its top level declares or imports. */
function freeNames(code) {
  const source = ts.createSourceFile('x.ts', code, ts.ScriptTarget.Latest, false);
  const declared = new Set();
  const bind = (name) => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) bind(d.name);
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
      statement.name
    ) {
      declared.add(statement.name.text);
    } else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) declared.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) declared.add(el.name.text);
      } else if (bindings) declared.add(bindings.name.text);
    }
  }
  const used = new Set();
  const visit = (node) => {
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...used].filter((n) => !declared.has(n));
}

function moduleFor(block, names) {
  const header = [];
  if (block.kind === 'tsdoc') {
    const bySpecifier = new Map();
    for (const name of freeNames(block.code)) {
      const specifier = names.get(name);
      if (!specifier) continue;
      if (!bySpecifier.has(specifier)) bySpecifier.set(specifier, []);
      bySpecifier.get(specifier).push(name);
    }
    for (const [specifier, list] of bySpecifier) {
      header.push(`import { ${list.sort().join(', ')} } from '${specifier}';`);
    }
  }
  // Every block is a module (top-level await allowed, no names leaking between blocks).
  header.push('export {};');
  return { header, text: `${header.join('\n')}\n${block.code}\n` };
}

const entries = entryPoints();
const options = compilerOptions(entries);
const blocks = [
  ...markdownFiles().flatMap(markdownBlocks),
  ...sourceFiles(join(root, 'src')).flatMap(tsdocBlocks),
];

/** { file, line, text } of each error, sorted by file and line when printed. */
const problems = [];
for (const block of blocks.filter((b) => b.code === null)) {
  const file = relative(root, block.file);
  problems.push({
    file,
    line: block.line,
    text: `${file}:${block.line}: @example without a \`\`\`ts block`,
  });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
const { names, program: entryProgram } = publicNames(entries, options);
const files = new Map();
for (const block of blocks.filter((b) => b.code !== null)) {
  const where = relative(root, block.file).replace(/[^A-Za-z0-9.-]+/g, '_');
  const path = join(out, `${where}_L${block.line}.ts`);
  const { header, text } = moduleFor(block, names);
  writeFileSync(path, text);
  files.set(path, { block, offset: header.length });
}
const prelude = join(root, 'scripts', 'doc-examples-prelude.d.ts');
writeFileSync(
  join(out, 'tsconfig.json'),
  `${JSON.stringify(
    {
      extends: '../tsconfig.json',
      compilerOptions: {
        noEmit: true,
        noUnusedLocals: false,
        noUnusedParameters: false,
        types: options.types,
        rootDir: '..',
        baseUrl: '.',
        paths: Object.fromEntries(Object.entries(options.paths)),
      },
      include: ['*.ts', relative(out, prelude)],
    },
    null,
    2,
  )}\n`,
);

const program = ts.createProgram([prelude, ...files.keys()], options, undefined, entryProgram);
for (const d of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  const origin = d.file && files.get(resolve(d.file.fileName));
  if (origin && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const codeLine = line - origin.offset;
    const at = origin.block.line + codeLine;
    const column = character + 1 + (origin.block.margins[codeLine] ?? 0);
    const file = relative(root, origin.block.file);
    problems.push({ file, line: at, text: `${file}:${at}:${column}: TS${d.code}: ${message}` });
  } else if (d.file) {
    const file = relative(root, d.file.fileName);
    const line = d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
    problems.push({ file, line, text: `${file}:${line}: TS${d.code}: ${message}` });
  } else {
    problems.push({ file: '', line: 0, text: `TS${d.code}: ${message}` });
  }
}

const checked = [...files.values()].map(({ block }) => block.kind);
const summary = `${checked.length} doc examples (${checked.filter((k) => k === 'md').length} Markdown, ${checked.filter((k) => k === 'tsdoc').length} TSDoc)`;
if (problems.length > 0) {
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const report = problems.map((p) => p.text).join('\n');
  const errors = problems.length === 1 ? '1 error' : `${problems.length} errors`;
  process.stderr.write(`${report}\n\n${summary}: ${errors}\n`);
  process.exit(1);
}
process.stdout.write(`${summary} type-check\n`);
