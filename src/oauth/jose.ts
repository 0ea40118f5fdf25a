import type * as JoseModule from 'jose';

/** The jose module's namespace. */
export type Jose = typeof JoseModule;

/**
 * jose, imported on first use. Most programs never sign a client assertion or verify a
 * provider's ID token, and loading jose's ~46 modules with `import('warrant')` would cost every
 * program tens of milliseconds and megabytes. The promise is made once and only ever holds
 * jose's (immutable) module namespace.
 */
let jose: Promise<Jose> | undefined;

/** The jose module, loaded the first time it is asked for. */
export function loadJose(): Promise<Jose> {
  return (jose ??= import('jose'));
}
