import { nodeFsPromises, nodeOs } from '../platform/node-builtins.js';
import { sleep } from '../http/retry.js';
import { processAlive, tempPath } from './atomic-file.js';
import { TokenStoreError } from './token-store.js';

/** How {@link acquireFileLock} waits and when it judges a lock abandoned. */
export interface FileLockOptions {
  /** How long to wait for another process to release the lock. Default 15 000 ms. */
  timeoutMs?: number;
  /**
   * Age after which a lock written on another machine (sharing the directory) counts as
   * abandoned, since its owner cannot be asked. Default 10 000 ms; locks are held for
   * milliseconds. A lock of a live process on this machine is never broken.
   */
  staleMs?: number;
}

/** A lock left empty was created by a process killed before it could write its name. */
const EMPTY_LOCK_STALE_MS = 2_000;

/**
 * Takes an exclusive lock on `lockPath` by creating it with O_EXCL, and returns the function
 * that releases it. The file names its owner (`pid host time`): a lock left by a dead process on
 * this machine is broken at once, a lock from another machine once it is older than `staleMs`,
 * and a live process's lock never. Whatever is found at the path, the wait ends by `timeoutMs`
 * with a {@link TokenStoreError} naming the lock path.
 */
export async function acquireFileLock(
  lockPath: string,
  options: FileLockOptions = {},
): Promise<() => Promise<void>> {
  const { timeoutMs = 15_000, staleMs = 10_000 } = options;
  const deadline = Date.now() + timeoutMs;
  const owner = `${process.pid} ${nodeOs().hostname()} ${Date.now()}\n`;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(lockPath, owner)) return () => releaseLock(lockPath, owner);
    const found = await inspectLock(lockPath, staleMs);
    if (found.state === 'stale' && (await breakStaleLock(lockPath, found.content))) continue;
    if (Date.now() >= deadline) throw stillHeld(lockPath, timeoutMs, found);
    if (found.state === 'gone') continue;
    await sleep(Math.min(100, 5 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random() / 2));
  }
}

/**
 * Creates the lock holding `owner`; false when something is already at the path. A lock whose
 * owner line cannot be written (ENOSPC, a quota) is removed again, so it cannot block others.
 */
async function tryCreate(lockPath: string, owner: string): Promise<boolean> {
  const { open, unlink } = nodeFsPromises();
  let handle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new TokenStoreError(
      `cannot create lock file ${lockPath} (${code ?? 'unknown error'}); check the directory exists and is writable`,
      lockPath,
    );
  }
  try {
    await handle.writeFile(owner, 'utf8');
    await handle.close();
    return true;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(lockPath).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new TokenStoreError(
      `cannot write lock file ${lockPath} (${code}); it was removed again (free some disk space and retry)`,
      lockPath,
    );
  }
}

async function releaseLock(lockPath: string, owner: string): Promise<void> {
  const { readFile, unlink } = nodeFsPromises();
  // Only our own lock: had it been judged stale and taken over, the file is someone else's now.
  const current = await readFile(lockPath, 'utf8').catch(() => undefined);
  if (current === owner) await unlink(lockPath).catch(() => undefined);
}

type FoundLock =
  | { state: 'gone' }
  | { state: 'held'; content?: string; unreadable?: string }
  | { state: 'stale'; content: string };

/** What is at the lock path. Anything but a regular file is an error a wait cannot fix. */
async function inspectLock(lockPath: string, staleMs: number): Promise<FoundLock> {
  const { lstat, readFile } = nodeFsPromises();
  let stats;
  try {
    stats = await lstat(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'gone' };
    return { state: 'held', unreadable: (error as NodeJS.ErrnoException).code };
  }
  if (!stats.isFile()) {
    const kind = stats.isDirectory()
      ? 'a directory'
      : stats.isSymbolicLink()
        ? 'a symbolic link'
        : 'not a regular file';
    throw new TokenStoreError(
      `lock file ${lockPath} is ${kind}, which warrant never creates there; remove it`,
      lockPath,
    );
  }
  let content: string;
  try {
    content = await readFile(lockPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'gone' };
    return { state: 'held', unreadable: code };
  }
  return isStale(content, stats.mtimeMs, staleMs)
    ? { state: 'stale', content }
    : { state: 'held', content };
}

function stillHeld(lockPath: string, timeoutMs: number, found: FoundLock): TokenStoreError {
  const holder =
    found.state === 'held' && found.unreadable
      ? `; it cannot be read (${found.unreadable}), so its owner is unknown`
      : found.state === 'held' && found.content
        ? ` by process ${found.content.trim().split(' ').slice(0, 2).join(' on ')}`
        : '';
  return new TokenStoreError(
    `lock file ${lockPath} is still held after ${timeoutMs} ms${holder}; if no other warrant process is running, delete it`,
    lockPath,
  );
}

/**
 * Removes a stale lock; returns whether the caller should try again at once. The lock is first
 * renamed aside, atomically, and deleted only if it is still the lock that was judged stale: two
 * processes breaking the same stale lock never delete a fresh one.
 */
async function breakStaleLock(lockPath: string, content: string): Promise<boolean> {
  const { link, readFile, rename, unlink } = nodeFsPromises();
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

/** A live process on this machine keeps its lock however long it holds it. */
function isStale(content: string, modifiedAt: number, staleMs: number): boolean {
  const [pid, host, time] = content.trim().split(' ');
  const since = Number(time);
  if (!pid || !host || !Number.isFinite(since)) {
    return Date.now() - modifiedAt > EMPTY_LOCK_STALE_MS;
  }
  if (host === nodeOs().hostname()) return !processAlive(Number(pid));
  return Date.now() - since > staleMs;
}
