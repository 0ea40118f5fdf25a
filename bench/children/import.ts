/**
 * Fresh process: imports one library (or nothing, the baseline) and prints how long the
 * `await import()` itself took, its RSS, its anonymous memory (Linux: RSS without file-backed
 * pages such as the node binary's own code), and the time since process start. Both libraries
 * are imported by package name, so warrant loads what its users load (the bundled entry of
 * package.json `exports`). The script imports nothing statically: a built-in it imported
 * (node:fs's ES-module facade costs ~3 ms) would be paid before the timing for a library that
 * needs it too, so node:fs is taken afterwards, through `process.getBuiltinModule`.
 * Usage: node import.js <none|warrant|gal>
 */
const target = process.argv[2];
const start = performance.now();
if (target === 'warrant') await import('warrant');
else if (target === 'gal') await import('google-auth-library');
else if (target !== 'none') throw new Error(`import child: unknown target ${target}`);
const importMs = performance.now() - start;

/** Bytes of anonymous memory mapped in, from /proc/self/smaps_rollup; undefined off Linux. */
function anonymousBytes(): number | undefined {
  try {
    const rollup = process
      .getBuiltinModule('node:fs')
      .readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kib = /^Anonymous:\s+(\d+) kB/m.exec(rollup)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

process.stdout.write(
  `${JSON.stringify({ importMs, rss: process.memoryUsage().rss, anonymous: anonymousBytes(), ms: performance.now() })}\n`,
);
