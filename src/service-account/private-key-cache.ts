import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../platform/node-builtins.js';
import { parsePrivateKey } from './signer.js';

/**
 * Private keys parsed once per key, not once per credentials object: parsing a PEM costs
 * ~0.5 ms, and a process may build thousands of credentials objects from one key file. Keyed by
 * a hash of the PEM, so the cache holds no key text of its own; bounded, oldest entry out first.
 */
export class PrivateKeyCache {
  readonly #keys = new Map<string, KeyObject>();
  readonly #max: number;

  constructor(maxKeys = 256) {
    this.#max = maxKeys;
  }

  /** The parsed key for `pem`; an unparseable PEM throws `ERR_INVALID_CREDENTIALS` naming `source`. */
  get(pem: string, source: string): KeyObject {
    const id = nodeCrypto().createHash('sha256').update(pem).digest('base64url');
    let key = this.#keys.get(id);
    if (!key) {
      key = parsePrivateKey(pem, source);
      if (this.#keys.size >= this.#max) this.#keys.delete(this.#keys.keys().next().value!);
      this.#keys.set(id, key);
    }
    return key;
  }
}

/** The process's shared cache. */
export const privateKeys = new PrivateKeyCache();
