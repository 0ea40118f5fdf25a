// Compiles a TypeScript entry point and the modules it imports to plain JavaScript, so tests
// that spawn many short-lived child processes start each one in a fraction of ts-node's time.
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Writes `entry` (a path relative to the repository root) and every module it imports
 * relatively to `outDir`, keeping the layout, and links the repository's node_modules so
 * packages resolve. Returns the compiled entry's path; it stays executable when it starts with
 * a shebang.
 */
export async function compileForChild(entry: string, outDir: string): Promise<string> {
  const root = process.cwd();
  const pending = [resolve(root, entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = await readFile(file, 'utf8');
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (fileName.startsWith('.'))
        pending.push(resolve(dirname(file), fileName.replace(/\.js$/, '.ts')));
    }
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    const out = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
    if (outputText.startsWith('#!')) await chmod(out, 0o755);
  }
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
  await symlink(join(root, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return join(outDir, entry).replace(/\.ts$/, '.js');
}
