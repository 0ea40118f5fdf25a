/**
 * Remembers which logins already completed, so a callback replayed with the same cookie is
 * refused. The default lives in one process; behind a load balancer, give every instance the
 * same shared guard (see docs/providers.md for one over Redis).
 */
export interface ReplayGuard {
  /**
   * Records `id` as used until `expiresAt` (epoch ms; it need not be remembered after that).
   * Resolves false when `id` was already used. Must be atomic across the instances sharing it.
   */
  use(id: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * The in-memory {@link ReplayGuard}. Bounded: past `capacity` entries the oldest is forgotten
 * (its authorization code is single-use at the provider all the same).
 */
export class MemoryReplayGuard implements ReplayGuard {
  readonly #capacity: number;
  readonly #clock: () => number;
  /** Identifier → epoch ms after which it need not be remembered; insertion-ordered. */
  readonly #used = new Map<string, number>();

  constructor(capacity = 10_000, clock: () => number = Date.now) {
    this.#capacity = capacity;
    this.#clock = clock;
  }

  use(id: string, expiresAt: number): boolean {
    this.#forgetExpired(this.#clock());
    if (this.#used.has(id)) return false;
    this.#used.set(id, expiresAt);
    if (this.#used.size > this.#capacity) {
      this.#used.delete(this.#used.keys().next().value as string);
    }
    return true;
  }

  #forgetExpired(now: number): void {
    for (const [id, expiresAt] of this.#used) {
      // Entries are inserted with the same lifetime, so the first live one ends the sweep.
      if (expiresAt > now) return;
      this.#used.delete(id);
    }
  }
}
