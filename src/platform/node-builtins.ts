/**
 * The Node built-ins warrant uses, each loaded on its first use (`process.getBuiltinModule`,
 * Node ≥ 20.16) rather than by a static `import`: a program pays for node:crypto (~4 ms of a
 * cold start) only once it signs, hashes or verifies, for node:net only when it probes the
 * metadata server, and for no ES-module facade of node:fs (~3 ms: one binding per export) at
 * all. Node only: the edge build fails if it reaches this module.
 */
import type * as Buffer from 'node:buffer';
import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import type * as Net from 'node:net';
import type * as Os from 'node:os';
import type * as Path from 'node:path';

let buffer: typeof Buffer | undefined;
let crypto: typeof Crypto | undefined;
let fs: typeof Fs | undefined;
let fsPromises: typeof FsPromises | undefined;
let net: typeof Net | undefined;
let os: typeof Os | undefined;
let path: typeof Path | undefined;

export function nodeBuffer(): typeof Buffer {
  return (buffer ??= process.getBuiltinModule('node:buffer'));
}

export function nodeCrypto(): typeof Crypto {
  return (crypto ??= process.getBuiltinModule('node:crypto'));
}

export function nodeFs(): typeof Fs {
  return (fs ??= process.getBuiltinModule('node:fs'));
}

export function nodeFsPromises(): typeof FsPromises {
  return (fsPromises ??= process.getBuiltinModule('node:fs/promises'));
}

export function nodeNet(): typeof Net {
  return (net ??= process.getBuiltinModule('node:net'));
}

export function nodeOs(): typeof Os {
  return (os ??= process.getBuiltinModule('node:os'));
}

export function nodePath(): typeof Path {
  return (path ??= process.getBuiltinModule('node:path'));
}
