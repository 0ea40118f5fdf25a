import { hostname } from 'node:os';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { sleep } from '../http/retry.js';
import { processAlive, tempPath } from './atomic-file.js';
import { TokenStoreError } from './token-store.js';

/** How {@link acquireFileLock} waits and when it judges a lock abandoned. */
export interface FileLockOptions {
  /** How long to wait for another process to release the lock. Default 15 000 ms. */
  timeoutMs?: number;
  /**
   * Age after which a lock counts as abandoned even when its owner seems alive (a reused pid,
   * another machine). Default 10 000 ms; locks are held for milliseconds.
   */
  staleMs?: number;
}

/** A lock left empty was created by a process killed before it could write its name. */
const EMPTY_LOCK_STALE_MS = 2_000;

/**
 * Takes an exclusive lock on `lockPath` by creating it with O_EXCL, and returns the function
 * that releases it. The file names its owner (`pid host time`), so a lock left by a dead process
 * on this machine is broken at once, and any lock older than `staleMs` eventually.
 */
export async function acquireFileLock(
  lockPath: string,
  options: FileLockOptions = {},
): Promise<() => Promise<void>> {
  const { timeoutMs = 15_000, staleMs = 10_000 } = options;
  const deadline = Date.now() + timeoutMs;
  const owner = `${process.pid} ${hostname()} ${Date.now()}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(owner, 'utf8');
      } finally {
        await handle.close();
      }
      return () => releaseLock(lockPath, owner);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new TokenStoreError(
          `cannot create lock file ${lockPath} (${code ?? 'unknown error'}); check the directory exists and is writable`,
          lockPath,
        );
      }
    }
    if (await breakIfStale(lockPath, staleMs)) continue;
    if (Date.now() >= deadline) {
      throw new TokenStoreError(
        `lock file ${lockPath} is still held after ${timeoutMs} ms; if no other warrant process is running, delete it`,
        lockPath,
      );
    }
    await sleep(Math.min(100, 5 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random() / 2));
  }
}

async function releaseLock(lockPath: string, owner: string): Promise<void> {
  // Only our own lock: had it been judged stale and taken over, the file is someone else's now.
  const current = await readFile(lockPath, 'utf8').catch(() => undefined);
  if (current === owner) await unlink(lockPath).catch(() => undefined);
}

/**
 * Removes the lock when its owner is gone; returns whether the caller should try again at once.
 * The lock is first renamed aside, atomically, and deleted only if it is still the lock that was
 * judged stale: two processes breaking the same stale lock never delete a fresh one.
 */
async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  let content: string;
  let modifiedAt: number;
  try {
    content = await readFile(lockPath, 'utf8');
    modifiedAt = (await stat(lockPath)).mtimeMs;
  } catch {
    return true;
  }
  if (!isStale(content, modifiedAt, staleMs)) return false;
  const aside = tempPath(lockPath);
  try {
    await rename(lockPath, aside);
  } catch {
    return true;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== content) {
    // A fresh lock replaced the stale one in between: put it back unless yet another took its place.
    await link(aside, lockPath).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
  return moved === content;
}

function isStale(content: string, modifiedAt: number, staleMs: number): boolean {
  const [pid, host, time] = content.trim().split(' ');
  const since = Number(time);
  if (!pid || !host || !Number.isFinite(since)) {
    return Date.now() - modifiedAt > EMPTY_LOCK_STALE_MS;
  }
  if (host === hostname() && !processAlive(Number(pid))) return true;
  return Date.now() - since > staleMs;
}
