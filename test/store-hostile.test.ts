import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileTokenStore } from '../src/store/file-token-store.js';
import { MemoryTokenStore } from '../src/store/memory-token-store.js';
import { TokenStoreError } from '../src/store/token-store.js';
import { compileForChild } from './support/compile-for-child.js';
import { caught } from './support/login.js';

describe('token stores against hostile paths and keys', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warrant-store-hostile-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('the file lock', () => {
    // Each of these kept set() pending, spinning, long past its timeoutMs.
    it('fails with ERR_TOKEN_STORE naming the lock path when a directory sits there', async () => {
      const path = join(dir, 'dir-lock.json');
      await mkdir(`${path}.lock`);
      const error = await caught(new FileTokenStore(path, { timeoutMs: 200 }).set('k', {}));
      assert.ok(error instanceof TokenStoreError);
      assert.equal(error.code, 'ERR_TOKEN_STORE');
      assert.equal(error.path, `${path}.lock`);
      assert.match(error.message, /is a directory, which warrant never creates there; remove it/);
    });

    it('fails with ERR_TOKEN_STORE naming the lock path when a dangling symlink sits there', async () => {
      const path = join(dir, 'link-lock.json');
      await symlink(join(dir, 'nowhere'), `${path}.lock`);
      const error = await caught(new FileTokenStore(path, { timeoutMs: 200 }).set('k', {}));
      assert.ok(error instanceof TokenStoreError);
      assert.equal(error.path, `${path}.lock`);
      assert.match(error.message, /is a symbolic link/);
    });

    // ulimit -f 0 makes the owner line's write fail (EFBIG) right after the O_EXCL create,
    // exactly where a full disk fails with ENOSPC.
    it('removes the lock again when its owner line cannot be written (a full disk)', async function () {
      this.timeout(60_000);
      const writer = await compileForChild('test/support/store-writer.ts', join(dir, 'compiled'));
      const path = join(dir, 'full-disk', 'credentials.json');
      await mkdir(join(dir, 'full-disk'));
      const { stdout } = await promisify(execFile)('bash', [
        '-c',
        'ulimit -f 0 && exec "$0" "$@"',
        process.execPath,
        writer,
        path,
        'set',
        'k',
      ]);
      assert.equal(stdout, 'ERR_TOKEN_STORE\n');
      assert.deepEqual(await readdir(join(dir, 'full-disk')), [], 'no lock was left behind');
    });
  });

  describe("keys that are Object.prototype's names", () => {
    const KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

    for (const [name, open] of [
      ['FileTokenStore', () => new FileTokenStore(join(dir, 'proto-keys.json'))],
      ['MemoryTokenStore', () => new MemoryTokenStore()],
    ] as const) {
      it(`${name}: __proto__, constructor and friends are absent until set, then stored, read and deleted like any key`, async () => {
        const store = open();
        for (const key of KEYS) assert.equal(await store.get(key), undefined, key);
        for (const key of KEYS) await store.set(key, { key });
        for (const key of KEYS) assert.deepEqual(await store.get(key), { key }, key);
        if (store instanceof FileTokenStore) {
          const reopened = new FileTokenStore(store.path);
          assert.deepEqual(await reopened.get('__proto__'), { key: '__proto__' });
          assert.deepEqual((await reopened.keys()).sort(), [...KEYS].sort());
        }
        assert.equal(({} as Record<string, unknown>).key, undefined, 'Object.prototype untouched');
        await store.delete('__proto__');
        assert.equal(await store.get('__proto__'), undefined);
        assert.deepEqual(await store.get('constructor'), { key: 'constructor' });
      });
    }
  });
});
