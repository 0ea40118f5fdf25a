/**
 * Saves of one store entry, run one at a time in order. Nobody waits for a save to be handed a
 * token; the next refresh waits for {@link SaveQueue.settled}, so the refresh token it sends
 * is already stored when the server rotates it again (a crash between the two loses nothing).
 */
export class SaveQueue {
  readonly #onError: (error: unknown) => void;
  #chain: Promise<void> = Promise.resolve();
  #failure?: { error: unknown };

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** Queues `save` after every save queued before; a failure goes to `onError` and `flush`. */
  add(save: () => unknown): void {
    this.#chain = this.#chain.then(save).then(
      () => undefined,
      (error: unknown) => {
        this.#failure = { error };
        this.#onError(error);
      },
    );
  }

  /** Resolves when every save queued so far has ended, failed or not. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** Waits for the queued saves; rejects with the last failure since the last flush. */
  async flush(): Promise<void> {
    await this.#chain;
    const last = this.#failure;
    this.#failure = undefined;
    if (last) throw last.error;
  }
}
