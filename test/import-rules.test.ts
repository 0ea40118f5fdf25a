import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Every relative import in src/ (type-only ones too) as `from → to`, paths relative to src/. */
function sourceImports(): Array<{ from: string; to: string }> {
  const edges: Array<{ from: string; to: string }> = [];
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(join(src, file), 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = normalize(join(dirname(file), match[1]!));
      edges.push({ from: file, to: relative('.', target).replace(/\.js$/, '.ts') });
    }
  }
  return edges;
}

/** The layer of a file: its folder under src/, or the file itself for top-level files. */
function layer(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? file : file.slice(0, slash);
}

/** The rules of the house; returns one line per broken rule. */
function importViolations(edges: ReadonlyArray<{ from: string; to: string }>): string[] {
  const broken: string[] = [];
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const [a, b] = [layer(from), layer(to)];
    if ((b === 'testing' || b === 'cli') && a !== 'testing' && a !== 'cli') {
      broken.push(`${from} imports ${to}: the library never imports testing/ or cli/`);
    }
    if (
      a === 'metadata' &&
      !['metadata', 'http', 'platform', 'errors.ts', 'options.ts'].includes(b)
    ) {
      broken.push(`${from} imports ${to}: metadata/ is a leaf over http/`);
    }
    if (a !== b) {
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
    }
  }
  for (const cycle of folderCycles(graph)) broken.push(`folder cycle: ${cycle.join(' → ')}`);
  return broken;
}

function folderCycles(graph: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at !== -1) {
      cycles.push([...path.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    done.add(node);
  };
  for (const node of graph.keys()) visit(node, []);
  return cycles;
}

describe('the import rules of the house', () => {
  it('holds for src/: no imports of testing/ or cli/, metadata/ a leaf, no folder cycles', () => {
    assert.deepEqual(importViolations(sourceImports()), []);
  });

  it('fails on a library file importing the emulator', () => {
    const edges = [{ from: 'credentials/a.ts', to: 'testing/emulator.ts' }];
    assert.match(importViolations(edges).join('\n'), /never imports testing/);
  });

  it('fails on metadata/ importing credentials/', () => {
    const edges = [{ from: 'metadata/client.ts', to: 'credentials/credentials.ts' }];
    assert.match(importViolations(edges).join('\n'), /metadata\/ is a leaf/);
  });

  it('fails on a cycle between folders', () => {
    const edges = [
      { from: 'credentials/a.ts', to: 'service-account/b.ts' },
      { from: 'service-account/b.ts', to: 'credentials/c.ts' },
    ];
    assert.match(importViolations(edges).join('\n'), /folder cycle: .*credentials/);
  });
});
