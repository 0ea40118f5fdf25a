import { nodeCrypto, nodeFsPromises, nodePath } from '../platform/node-builtins.js';

/**
 * Replaces `path` with `data` so that a reader (or a crash at any instant) sees the old content
 * or the new, never a mix: write a temporary file in the same directory, fsync it, rename it
 * over `path`, fsync the directory so the rename itself survives a power cut.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const { open, rename, unlink } = nodeFsPromises();
  const temp = tempPath(path);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(nodePath().dirname(path));
}

/**
 * A unique sibling of `path` for temporary content: `.<name>.<pid>.<random>.tmp`. The pid lets
 * {@link removeOrphanedTempFiles} tell files of dead processes from work in progress.
 */
export function tempPath(path: string): string {
  const { basename, dirname, join } = nodePath();
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${nodeCrypto().randomBytes(6).toString('base64url')}.tmp`,
  );
}

/**
 * Deletes temporary siblings of `path` left by processes that died mid-write (killed between
 * creating and renaming them). Call it while holding the file's lock.
 */
export async function removeOrphanedTempFiles(path: string): Promise<void> {
  const { readdir, unlink } = nodeFsPromises();
  const { basename, dirname, join } = nodePath();
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
      await unlink(join(dirname(path), name)).catch(() => undefined);
    }
  }
}

/** Whether a process with this pid exists on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes a directory entry change to disk. Platforms that cannot fsync a directory skip it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await nodeFsPromises().open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a directory for fsync; there rename is already durable enough.
  } finally {
    await handle?.close();
  }
}
