// A child process for the token store's crash and concurrency tests.
//   store-writer <file> loop          rewrites key 'crash' with ever larger numbers until killed,
//                                     printing "writing N" before and "wrote N" after each write
//   store-writer <file> keys <prefix> <count>
//                                     sets <prefix>-0 ... <prefix>-<count-1>, then exits
//   store-writer <file> set <key>     sets one key, printing the error code if it fails
import { FileTokenStore } from '../../src/store/file-token-store.js';
import { crashRecord } from './crash-record.js';

const [file, mode, ...rest] = process.argv.slice(2);
if (file && mode) {
  const store = new FileTokenStore(file, { timeoutMs: 10_000 });
  if (mode === 'loop') {
    const current = await store.get('crash');
    let n = typeof current?.n === 'number' ? current.n : 0;
    for (;;) {
      n++;
      process.stdout.write(`writing ${n}\n`);
      await store.set('crash', crashRecord(n));
      process.stdout.write(`wrote ${n}\n`);
    }
  } else if (mode === 'keys') {
    const [prefix, count] = rest;
    for (let i = 0; i < Number(count); i++) await store.set(`${prefix}-${i}`, { i, by: prefix });
  } else if (mode === 'set') {
    try {
      await store.set(rest[0], { written: true });
      process.stdout.write('ok\n');
    } catch (error) {
      process.stdout.write(`${(error as { code?: string }).code}\n`);
    }
  }
}
