import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTokenStore } from '../src/store/file-token-store.js';
import type { TokenStoreError } from '../src/store/token-store.js';
import { MemoryTokenStore } from '../src/store/memory-token-store.js';
import { compileForChild } from './support/compile-for-child.js';
import { assertNoSecrets, caught } from './support/login.js';

/** A pid that belongs to no running process: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

function runChild(
  script: string,
  args: string[],
  options: { uid?: number; gid?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

describe('MemoryTokenStore', () => {
  it('gets, sets and deletes copies, so callers cannot change what is stored', async () => {
    const store = new MemoryTokenStore();
    const value = { refresh_token: 'r1', nested: { a: 1 } };
    await store.set('k', value);
    value.nested.a = 2;
    const got = await store.get('k');
    assert.deepEqual(got, { refresh_token: 'r1', nested: { a: 1 } });
    (got!.nested as { a: number }).a = 3;
    assert.deepEqual(await store.get('k'), { refresh_token: 'r1', nested: { a: 1 } });
    await store.delete('k');
    assert.equal(await store.get('k'), undefined);
  });
});

describe('FileTokenStore', () => {
  let dir: string;
  let writer: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warrant-store-'));
    writer = await compileForChild('test/support/store-writer.ts', join(dir, 'compiled'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps entries across instances, in a 0600 file in a 0700 directory it creates', async () => {
    const path = join(dir, 'fresh', 'nested', 'credentials.json');
    await new FileTokenStore(path).set('alice', { refresh_token: '1//0alice' });
    await new FileTokenStore(path).set('bob', { refresh_token: '1//0bob' });
    const store = new FileTokenStore(path);
    assert.deepEqual(await store.get('alice'), { refresh_token: '1//0alice' });
    assert.deepEqual(await store.keys(), ['alice', 'bob']);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'fresh', 'nested'))).mode & 0o777, 0o700);
    await store.delete('alice');
    assert.equal(await store.get('alice'), undefined);
    assert.deepEqual(await store.keys(), ['bob']);
    const files = await readdir(join(dir, 'fresh', 'nested'));
    assert.deepEqual(files, ['credentials.json'], 'no lock or temporary file is left behind');
  });

  it('answers undefined for a store that does not exist yet, and creates nothing on delete', async () => {
    const path = join(dir, 'absent', 'credentials.json');
    const store = new FileTokenStore(path);
    assert.equal(await store.get('x'), undefined);
    await store.delete('x');
    assert.deepEqual(await readdir(join(dir, 'absent')), []);
  });

  for (const [what, content] of [
    ['not JSON', '{"version":1,"entries":{"a":{"refresh_token":"1//0leak-me"'],
    ['a JSON array', '[]'],
    ['of another version', '{"version":2,"entries":{}}'],
    ['with entries that are not objects', '{"version":1,"entries":{"a":"1//0leak-me"}}'],
  ] as const) {
    it(`reports a corrupt file (${what}) with ERR_TOKEN_STORE and never overwrites it`, async () => {
      const path = join(dir, `corrupt-${what.replace(/\W+/g, '-')}.json`);
      await writeFile(path, content);
      const store = new FileTokenStore(path);
      for (const error of [
        await caught(store.get('a')),
        await caught(store.set('b', { x: 1 })),
        await caught(store.delete('a')),
      ]) {
        assert.equal(error.code, 'ERR_TOKEN_STORE');
        assert.ok(error.message.includes(path), 'names the file');
        assert.match(error.message, /corrupt/);
        assertNoSecrets(error, ['1//0leak-me']);
      }
      assert.equal(await readFile(path, 'utf8'), content, 'the file is untouched');
    });
  }

  it('fails with ERR_TOKEN_STORE where no directory can be made (its parent is a file)', async () => {
    const blocker = join(dir, 'a-regular-file');
    await writeFile(blocker, 'not a directory');
    const store = new FileTokenStore(join(blocker, 'credentials.json'));
    const error = await caught(store.set('k', { refresh_token: '1//0hidden' }));
    assert.equal(error.code, 'ERR_TOKEN_STORE');
    assert.ok(error.message.includes(blocker));
    assertNoSecrets(error, ['1//0hidden']);
    assert.equal((await caught(store.get('k'))).code, 'ERR_TOKEN_STORE');
  });

  it('fails with ERR_TOKEN_STORE in a read-only directory and leaves the old file whole', async function () {
    const roDir = join(dir, 'read-only');
    await mkdir(roDir);
    const path = join(roDir, 'credentials.json');
    await new FileTokenStore(path).set('k', { refresh_token: '1//0old' });
    const before = await readFile(path, 'utf8');
    await chmod(roDir, 0o555);
    try {
      let code: string | undefined;
      if (process.getuid?.() === 0) {
        // Root ignores directory permissions; an unprivileged child process does not.
        await chmod(dir, 0o755);
        code = (await runChild(writer, [path, 'set', 'k'], { uid: 65534, gid: 65534 })).trim();
      } else {
        code = (await caught(new FileTokenStore(path).set('k', { refresh_token: '1//0new' }))).code;
      }
      assert.equal(code, 'ERR_TOKEN_STORE');
      assert.equal(await readFile(path, 'utf8'), before);
    } finally {
      await chmod(roDir, 0o755);
    }
  });

  it('breaks a lock left by a dead process at once', async () => {
    const path = join(dir, 'stale-lock.json');
    await writeFile(`${path}.lock`, `${await deadPid()} ${hostname()} ${Date.now()}\n`);
    await new FileTokenStore(path, { timeoutMs: 5_000 }).set('k', { v: 1 });
    assert.deepEqual(await new FileTokenStore(path).get('k'), { v: 1 });
  });

  it('waits for a live lock and then fails with ERR_TOKEN_STORE naming the lock file', async () => {
    const path = join(dir, 'live-lock.json');
    await writeFile(`${path}.lock`, `${process.pid} ${hostname()} ${Date.now()}\n`);
    try {
      const error = await caught(new FileTokenStore(path, { timeoutMs: 100 }).set('k', { v: 1 }));
      assert.equal(error.code, 'ERR_TOKEN_STORE');
      assert.ok(error.message.includes(`${path}.lock`));
    } finally {
      await rm(`${path}.lock`);
    }
  });

  it('never breaks the lock of a live process on this machine, however old: it times out naming the lock', async () => {
    const path = join(dir, 'old-lock.json');
    const lock = `${process.pid} ${hostname()} ${Date.now() - 60_000}\n`;
    await writeFile(`${path}.lock`, lock);
    await assert.rejects(
      new FileTokenStore(path, { timeoutMs: 200, staleMs: 1_000 }).set('k', { v: 2 }),
      (error: TokenStoreError) =>
        error.code === 'ERR_TOKEN_STORE' &&
        error.path === `${path}.lock` &&
        error.message.includes(`held after 200 ms by process ${process.pid} on ${hostname()}`),
    );
    assert.equal(await readFile(`${path}.lock`, 'utf8'), lock, 'the lock was left to its owner');
  });

  it('removes temporary files that dead processes left mid-write', async () => {
    const sub = join(dir, 'orphans');
    await mkdir(sub);
    const path = join(sub, 'credentials.json');
    const orphan = join(sub, `.credentials.json.${await deadPid()}.abc.tmp`);
    await writeFile(orphan, '{"half":');
    await new FileTokenStore(path).set('k', { v: 3 });
    assert.deepEqual(await readdir(sub), ['credentials.json']);
  });

  it('loses nothing when many writers in this process update it at once', async () => {
    const path = join(dir, 'in-process.json');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => new FileTokenStore(path).set(`key-${i}`, { i })),
    );
    assert.equal((await new FileTokenStore(path).keys()).length, 40);
  });

  it('loses nothing when two processes update it at once', async () => {
    const path = join(dir, 'two-processes.json');
    await Promise.all([
      runChild(writer, [path, 'keys', 'first', '60']),
      runChild(writer, [path, 'keys', 'second', '60']),
    ]);
    const store = new FileTokenStore(path);
    const keys = await store.keys();
    assert.equal(keys.length, 120);
    for (let i = 0; i < 60; i++) {
      assert.deepEqual(await store.get(`first-${i}`), { i, by: 'first' });
      assert.deepEqual(await store.get(`second-${i}`), { i, by: 'second' });
    }
  });
});
