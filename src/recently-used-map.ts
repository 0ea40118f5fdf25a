/**
 * A Map bounded to `max` entries that, when full, drops an entry not used since the last
 * eviction pass, oldest first (the "second chance" approximation of least-recently-used).
 * A lookup only marks its entry used, without reordering anything, so it costs about what a
 * `Map.get` does however many entries there are; an eviction moves each used entry it meets to
 * the back with the mark cleared, so it is amortised O(1) and never drops an entry in use.
 */
export class RecentlyUsedMap<K, V> {
  readonly max: number;
  readonly #entries = new Map<K, { value: V; used: boolean }>();

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`a RecentlyUsedMap holds at least 1 entry, not ${String(max)}`);
    }
    this.max = max;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    entry.used = true;
    return entry.value;
  }

  set(key: K, value: V): void {
    const entry = this.#entries.get(key);
    if (entry) {
      entry.value = value;
      entry.used = true;
      return;
    }
    if (this.#entries.size >= this.max) this.#evictOne();
    this.#entries.set(key, { value, used: false });
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  #evictOne(): void {
    // A Map iterates in insertion order and visits entries appended during the loop, so this
    // ends at the latest after one pass, once every mark is cleared.
    for (const [key, entry] of this.#entries) {
      this.#entries.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.#entries.set(key, entry);
    }
  }
}
