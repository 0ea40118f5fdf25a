/**
 * Request deadlines on one timer per timeout length. A timer per request costs Node a timer-list
 * insert and removal every time (a duration's list is dropped with its last timer); attempts
 * with the same timeout expire in the order they started, so a queue and one timer serve them
 * all, and ending an attempt is a flag. The timer is unref'd: an attempt in flight holds the
 * process open through its socket, and a timer left armed after the last attempt must not.
 */

/** A pending expiry; `cancel()` once the attempt has ended. */
export interface Deadline {
  cancel(): void;
}

interface Entry extends Deadline {
  at: number;
  done: boolean;
  expire: () => void;
}

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const queues = new Map<number, Entry[]>();

/**
 * Calls `expire` after `ms` (1 to {@link MAX_TIMEOUT_MS}, checked by the caller) unless the
 * returned deadline is cancelled first.
 */
export function deadlineAfter(ms: number, expire: () => void): Deadline {
  let queue = queues.get(ms);
  if (!queue) {
    queue = [];
    queues.set(ms, queue);
    arm(ms, queue, ms);
  }
  const entry: Entry = {
    at: performance.now() + ms,
    done: false,
    expire,
    cancel() {
      entry.done = true;
      // Ended attempts leave from the front at once: sequential requests keep the queue empty.
      while (queue.length > 0 && queue[0].done) queue.shift();
    },
  };
  queue.push(entry);
  return entry;
}

function arm(ms: number, queue: Entry[], delay: number): void {
  setTimeout(() => {
    const now = performance.now();
    while (queue.length > 0 && (queue[0].done || queue[0].at <= now)) {
      const entry = queue.shift()!;
      if (!entry.done) {
        entry.done = true;
        entry.expire();
      }
    }
    if (queue.length > 0) arm(ms, queue, queue[0].at - now);
    else queues.delete(ms);
  }, delay).unref();
}
