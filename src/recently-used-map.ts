/** A value a {@link RecentlyUsedMap} can hold: it carries its own "used since the last pass" mark. */
export interface RecentlyUsed {
  recentlyUsed: boolean;
}

/**
 * A Map bounded to `max` entries that, when full, drops an entry not used since the last
 * eviction pass, oldest first (the "second chance" approximation of least-recently-used).
 * A lookup only marks its entry used, without reordering anything, so it costs about what a
 * `Map.get` does however many entries there are; an eviction moves each used entry it meets to
 * the back with the mark cleared, so it is amortised O(1) and never drops an entry in use.
 *
 * The mark lives on the value rather than in a wrapper the map would add: a lookup then reaches
 * one object, not two, which counts when thousands of entries no longer fit in the CPU caches.
 */
export class RecentlyUsedMap<K, V extends RecentlyUsed> {
  readonly max: number;
  readonly #entries = new Map<K, V>();

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
    const value = this.#entries.get(key);
    if (value !== undefined) value.recentlyUsed = true;
    return value;
  }

  set(key: K, value: V): void {
    const held = this.#entries.get(key);
    if (held !== undefined) {
      value.recentlyUsed = true;
      if (held !== value) this.#entries.set(key, value);
      return;
    }
    if (this.#entries.size >= this.max) this.#evictOne();
    value.recentlyUsed = false;
    this.#entries.set(key, value);
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
    for (const [key, value] of this.#entries) {
      this.#entries.delete(key);
      if (!value.recentlyUsed) return;
      value.recentlyUsed = false;
      this.#entries.set(key, value);
    }
  }
}
