import { InvalidOptionsError } from '../errors.js';
import { nodeFsPromises, nodePath } from '../platform/node-builtins.js';
import { removeOrphanedTempFiles, writeFileAtomic } from './atomic-file.js';
import { acquireFileLock, type FileLockOptions } from './file-lock.js';
import { TokenStoreError, type TokenStore } from './token-store.js';

const FORMAT_VERSION = 1;

/**
 * The file's shape: `{"version": 1, "entries": {key: value}}`. In memory the entries object has
 * no prototype, so keys such as `__proto__` and `constructor` are entries like any other.
 */
type Entries = Record<string, Record<string, unknown>>;

function noPrototype(entries: object = {}): Entries {
  return Object.assign(Object.create(null) as Entries, entries);
}

/** Options of {@link FileTokenStore}. */
export type FileTokenStoreOptions = FileLockOptions;

/**
 * A {@link TokenStore} in one JSON file, safe against crashes and concurrent processes:
 *
 * - every write replaces the file atomically (temporary file, fsync, rename, directory fsync),
 *   so a crash leaves the old content or the new, never a torn file;
 * - the file is created with mode 0600 in a directory created with 0700;
 * - a lock file (`<path>.lock`, O_EXCL, stale when its process is dead) serializes the
 *   read-modify-write of concurrent processes, so no update is lost;
 * - a file that is not a token store (corrupt, hand-edited) is reported with `ERR_TOKEN_STORE`
 *   and left untouched, never overwritten.
 *
 * @example
 * ```ts
 * import { homedir } from 'node:os';
 *
 * const store = new FileTokenStore(`${homedir()}/.config/my-app/credentials.json`);
 * await store.set('alice', user.toJson());
 * ```
 */
export class FileTokenStore implements TokenStore {
  readonly path: string;
  readonly #options: FileTokenStoreOptions;

  constructor(path: string, options: FileTokenStoreOptions = {}) {
    if (typeof path !== 'string' || path === '') {
      throw new InvalidOptionsError(
        'FileTokenStore needs the path of its file, a non-empty string',
      );
    }
    this.path = path;
    this.#options = options;
  }

  async get(key: string): Promise<Record<string, unknown> | undefined> {
    const entries = await this.#read();
    return Object.hasOwn(entries, key) ? entries[key] : undefined;
  }

  async set(key: string, value: Record<string, unknown>): Promise<void> {
    const copy = structuredClone(value);
    await this.#update((entries) => {
      entries[key] = copy;
      return true;
    });
  }

  async delete(key: string): Promise<void> {
    await this.#update((entries) => {
      if (!Object.hasOwn(entries, key)) return false;
      delete entries[key];
      return true;
    });
  }

  /** Every key in the store. */
  async keys(): Promise<string[]> {
    return Object.keys(await this.#read());
  }

  /** Runs `change` on the current entries under the lock, and writes them if it returns true. */
  async #update(change: (entries: Entries) => boolean): Promise<void> {
    await this.#ensureDirectory();
    const release = await acquireFileLock(`${this.path}.lock`, this.#options);
    try {
      await removeOrphanedTempFiles(this.path);
      const entries = await this.#read();
      if (!change(entries)) return;
      const text = `${JSON.stringify({ version: FORMAT_VERSION, entries }, null, 2)}\n`;
      try {
        await writeFileAtomic(this.path, text);
      } catch (error) {
        throw new TokenStoreError(
          `cannot write token store ${this.path} (${errorCode(error)}); the previous content is unchanged`,
          this.path,
        );
      }
    } finally {
      await release();
    }
  }

  async #read(): Promise<Entries> {
    let text: string;
    try {
      text = await nodeFsPromises().readFile(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return noPrototype();
      throw new TokenStoreError(
        `cannot read token store ${this.path} (${errorCode(error)})`,
        this.path,
      );
    }
    return parseStoreFile(text, this.path);
  }

  async #ensureDirectory(): Promise<void> {
    try {
      await nodeFsPromises().mkdir(nodePath().dirname(this.path), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new TokenStoreError(
        `cannot create the directory of token store ${this.path} (${errorCode(error)})`,
        this.path,
      );
    }
  }
}

/** Reads the store file's JSON; anything else is reported as corrupt, without its content. */
function parseStoreFile(text: string, path: string): Entries {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw corrupt(path, 'it is not valid JSON');
  }
  const file = json as { version?: unknown; entries?: unknown } | null;
  if (file === null || typeof file !== 'object' || Array.isArray(file)) {
    throw corrupt(path, 'it is not a JSON object');
  }
  if (file.version !== FORMAT_VERSION) {
    throw corrupt(
      path,
      `its version is ${JSON.stringify(file.version) ?? 'missing'}, not ${FORMAT_VERSION}`,
    );
  }
  const entries = file.entries;
  if (
    entries === null ||
    typeof entries !== 'object' ||
    Array.isArray(entries) ||
    Object.values(entries).some((v) => v === null || typeof v !== 'object' || Array.isArray(v))
  ) {
    throw corrupt(path, 'its entries are not JSON objects');
  }
  return noPrototype(entries);
}

function corrupt(path: string, why: string): TokenStoreError {
  return new TokenStoreError(
    `token store ${path} is corrupt (${why}); it was left as is: move it away or delete it, then log in again`,
    path,
  );
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unknown error';
}
