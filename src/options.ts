/** Defaults and option helpers every layer shares; a leaf that imports nothing. */

/** Google's default universe: APIs live at `*.googleapis.com`. */
export const DEFAULT_UNIVERSE_DOMAIN = 'googleapis.com';

/**
 * `text` without the slashes it ends with. A loop rather than `/\/+$/`, whose backtracking makes a
 * long run of slashes followed by anything else cost quadratic time.
 */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return text.slice(0, end);
}

/** `options` without its undefined entries, so spreading it never erases a value from a file. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
