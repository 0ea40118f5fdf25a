import { AuthError } from '../errors.js';

/**
 * Where credentials persist between runs. Values are JSON-serializable records (an
 * `authorized_user` object, say), stored under a key the caller chooses.
 */
export interface TokenStore {
  get(key: string): Promise<Record<string, unknown> | undefined>;
  set(key: string, value: Record<string, unknown>): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A token store could not be read or written (`ERR_TOKEN_STORE`). Names the file, never its content. */
export class TokenStoreError extends AuthError {
  /** The file (or lock file) concerned, when the store is a file. */
  readonly path?: string;

  constructor(message: string, path?: string) {
    super('ERR_TOKEN_STORE', message);
    this.path = path;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path };
  }
}
