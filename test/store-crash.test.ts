import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileForChild } from './support/compile-for-child.js';
import { crashRecord } from './support/crash-record.js';

const KILLS = 30;

/**
 * Starts a writer looping on the store, waits until it has finished one write (so it got past
 * the lock its killed predecessor left behind) and begun the next, lets it write for a random
 * moment, kills it with SIGKILL, and returns the last step it had started writing.
 */
async function killWriterMidway(script: string, path: string): Promise<number> {
  const child = spawn(process.execPath, [script, path, 'loop'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/^wrote \d+\nwriting \d+$/m.test(out)) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('close', (code) => reject(new Error(`writer exited early (${code}): ${err}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
  child.kill('SIGKILL');
  await exited;
  const started = [...out.matchAll(/^writing (\d+)$/gm)].map((m) => Number(m[1]));
  return Math.max(...started);
}

describe('FileTokenStore under SIGKILL', () => {
  let dir: string;
  let writer: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warrant-crash-'));
    writer = await compileForChild('test/support/store-writer.ts', join(dir, 'compiled'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`holds the old or the new content, never a torn file, across ${KILLS} kills mid-write`, async function () {
    this.timeout(60_000);
    const path = join(dir, 'credentials.json');
    let previous = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const started = await killWriterMidway(writer, path);
      const text = await readFile(path, 'utf8');
      let file: { version: number; entries: { crash: { n: number } } };
      try {
        file = JSON.parse(text) as typeof file;
      } catch {
        assert.fail(`after kill ${kill + 1} the file does not parse (${text.length} bytes)`);
      }
      const n = file.entries.crash.n;
      assert.ok(
        n === started || n === started - 1,
        `after kill ${kill + 1}: step ${n}, but step ${started} was being written`,
      );
      assert.ok(n >= previous, 'never goes back to older content');
      assert.deepEqual(
        file,
        { version: 1, entries: { crash: crashRecord(n) } },
        'the content is exactly one write',
      );
      previous = n;
    }
    assert.ok(
      previous >= KILLS,
      'every writer finished a write past the stale lock of its killed predecessor',
    );
  });
});
