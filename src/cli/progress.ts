import type { CliIo } from './io.js';

/** How often a waiting command says it is still waiting. */
export const PROGRESS_EVERY_MS = 30_000;

/** A duration as a person reads it: `45 s`, `4 min 30 s`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}

/**
 * Says on stderr what the command waits for and how long it will wait, now and every
 * {@link PROGRESS_EVERY_MS} until the returned function is called.
 */
export function showProgress(
  io: Pick<CliIo, 'stderr'>,
  what: string,
  deadline: number,
  now: () => number = Date.now,
): () => void {
  const say = () =>
    io.stderr(`Waiting for ${what}: ${formatDuration(deadline - now())} left (Ctrl-C to cancel)\n`);
  say();
  const timer = setInterval(say, PROGRESS_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
