/**
 * The Node built-ins warrant uses, each loaded on its first use (`process.getBuiltinModule`,
 * Node ≥ 20.16) rather than by a static `import`: a program pays for node:crypto (~4 ms of a
 * cold start) only once it signs, hashes or verifies, for node:net only when it probes the
 * metadata server, and for no ES-module facade of node:fs (~3 ms: one binding per export) at
 * all. Node only: the edge build fails if it reaches this module.
 */

/** `load()` on the first call, its result on every later one. */
function onFirstUse<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}

export const nodeBuffer = onFirstUse(() => process.getBuiltinModule('node:buffer'));
export const nodeCrypto = onFirstUse(() => process.getBuiltinModule('node:crypto'));
export const nodeFs = onFirstUse(() => process.getBuiltinModule('node:fs'));
export const nodeFsPromises = onFirstUse(() => process.getBuiltinModule('node:fs/promises'));
export const nodeNet = onFirstUse(() => process.getBuiltinModule('node:net'));
export const nodeOs = onFirstUse(() => process.getBuiltinModule('node:os'));
export const nodePath = onFirstUse(() => process.getBuiltinModule('node:path'));
