/**
 * Remembers identifiers of login attempts already used, until they would have expired anyway,
 * so a callback replayed with the same cookie is refused. Bounded: past `capacity` entries the
 * oldest is forgotten (its authorization code is single-use at the provider all the same).
 */
export class ReplayGuard {
  readonly #capacity: number;
  /** Identifier → epoch ms after which it need not be remembered; insertion-ordered. */
  readonly #used = new Map<string, number>();

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** Records `id` as used; false when it already was. */
  use(id: string, expiresAt: number, now: number): boolean {
    this.#forgetExpired(now);
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
