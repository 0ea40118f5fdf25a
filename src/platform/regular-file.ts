import type { Stats } from 'node:fs';
import { nodeFs, nodeFsPromises } from './node-builtins.js';
import { InvalidCredentialsError } from '../errors.js';

/**
 * Credentials files as Node reads them: regular files only, bounded, never a FIFO that would
 * block. Other runtimes get ./regular-file.web.ts, where reading files is a Node-only feature.
 */
/** The bytes of `path`, which must be a regular file of at most `maxBytes`. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    const { O_RDONLY, O_NONBLOCK } = nodeFs().constants;
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    handle = await nodeFsPromises().open(path, O_RDONLY | O_NONBLOCK);
  } catch (error) {
    throw unreadable(path, (error as NodeJS.ErrnoException).code);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new InvalidCredentialsError(
        `credentials file ${path} is ${kindOf(stats)}, not a regular file (point it at a credentials JSON file)`,
        { source: path },
      );
    }
    if (stats.size > maxBytes) {
      throw new InvalidCredentialsError(
        `credentials file ${path} is ${stats.size} bytes; a credentials JSON file is at most ${maxBytes} (check the path)`,
        { source: path },
      );
    }
    const buffer = Buffer.alloc(stats.size);
    const { bytesRead } = await handle.read(buffer, 0, stats.size, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    if (error instanceof InvalidCredentialsError) throw error;
    throw unreadable(path, (error as NodeJS.ErrnoException).code);
  } finally {
    await handle.close();
  }
}

function unreadable(path: string, code: string | undefined): InvalidCredentialsError {
  const reason =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${code ?? 'unknown error'})`;
  return new InvalidCredentialsError(`credentials file ${path} ${reason}`, { source: path });
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
