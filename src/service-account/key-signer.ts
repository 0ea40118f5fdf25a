import type { KeyObject } from 'node:crypto';
import { KeyObjectSigner, parsePrivateKey, type Signer } from './signer.js';

/**
 * The signer of a service-account key, on Node: the PEM parsed once into a KeyObject, which the
 * credentials keep so that copies (`withScopes()`) never parse it again. Other runtimes get
 * ./key-signer.web.ts (WebCrypto).
 */
export function keySigner(
  privateKey: string | KeyObject,
  keyId: string | undefined,
  source: string,
): { signer: Signer; key: string | KeyObject } {
  const signer = new KeyObjectSigner(parsePrivateKey(privateKey, source), keyId, source);
  return { signer, key: signer.key };
}
