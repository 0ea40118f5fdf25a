/**
 * The Node built-ins `import('warrant')` does not load: each is loaded on its first use
 * (`process.getBuiltinModule`, Node ≥ 20.16), so a program pays for node:crypto (~4 ms of a cold
 * start) only once it signs, hashes or verifies, and for node:net only when it probes the
 * metadata server. Node only: the edge build fails if it reaches this module.
 */
import type * as Crypto from 'node:crypto';
import type * as Net from 'node:net';

let crypto: typeof Crypto | undefined;
let net: typeof Net | undefined;

export function nodeCrypto(): typeof Crypto {
  return (crypto ??= process.getBuiltinModule('node:crypto'));
}

export function nodeNet(): typeof Net {
  return (net ??= process.getBuiltinModule('node:net'));
}
