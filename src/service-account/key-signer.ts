import type { KeyObject } from 'node:crypto';
import { privateKeys } from './private-key-cache.js';
import { KeyObjectSigner, parsePrivateKey, type Signer } from './signer.js';

/**
 * The signer of a service-account key, on Node: a KeyObject parsed once per key in the process
 * (./private-key-cache.ts). Other runtimes get ./key-signer.web.ts (WebCrypto).
 */
export function keySigner(
  privateKey: string | KeyObject,
  keyId: string | undefined,
  source: string,
): Signer {
  const key =
    typeof privateKey === 'string'
      ? privateKeys.get(privateKey, source)
      : parsePrivateKey(privateKey, source);
  return new KeyObjectSigner(key, keyId, source);
}
