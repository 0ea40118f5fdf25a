/** Defaults and option helpers every layer shares; a leaf that imports nothing. */

/** Google's default universe: APIs live at `*.googleapis.com`. */
export const DEFAULT_UNIVERSE_DOMAIN = 'googleapis.com';

/** `options` without its undefined entries, so spreading it never erases a value from a file. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
