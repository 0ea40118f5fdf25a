/**
 * Where credentials persist between runs. Values are JSON-serializable records (an
 * `authorized_user` object, say), stored under a key the caller chooses.
 */
export interface TokenStore {
  get(key: string): Promise<Record<string, unknown> | undefined>;
  set(key: string, value: Record<string, unknown>): Promise<void>;
  delete(key: string): Promise<void>;
}
