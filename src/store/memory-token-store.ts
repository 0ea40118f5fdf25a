import type { TokenStore } from './token-store.js';

/**
 * A {@link TokenStore} in memory, for tests and short-lived programs. Values are copied in and
 * out, so a caller changing an object it got or gave never changes what is stored.
 *
 * @example
 * ```ts
 * const store = new MemoryTokenStore();
 * await store.set('default', user.toJson());
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, Record<string, unknown>>();

  async get(key: string): Promise<Record<string, unknown> | undefined> {
    const value = this.#entries.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  async set(key: string, value: Record<string, unknown>): Promise<void> {
    this.#entries.set(key, structuredClone(value));
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}
