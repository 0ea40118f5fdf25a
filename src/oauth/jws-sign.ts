/**
 * JWS signatures with node:crypto, on Node: the one place a local key or a client secret signs.
 * Other runtimes get ./jws-sign.web.ts (HMAC on WebCrypto).
 */
import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../platform/node-builtins.js';

/** A private KeyObject (RS*, PS*, ES*, EdDSA), or the bytes of a client secret (HS*). */
export type JwsSigningKey = KeyObject | Uint8Array;

/** The JWS signature of `data` by `algorithm`; synchronous on Node. */
export function jwsSign(
  algorithm: string,
  key: JwsSigningKey,
  data: Uint8Array,
): Uint8Array | Promise<Uint8Array> {
  const hash = `sha${algorithm.slice(2)}`;
  switch (algorithm.slice(0, 2)) {
    case 'HS':
      return nodeCrypto()
        .createHmac(hash, key as Uint8Array)
        .update(data)
        .digest();
    case 'ES':
      return nodeCrypto().sign(hash, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
    case 'PS':
      return nodeCrypto().sign(hash, data, {
        key: key as KeyObject,
        padding: nodeCrypto().constants.RSA_PKCS1_PSS_PADDING,
        saltLength: nodeCrypto().constants.RSA_PSS_SALTLEN_DIGEST,
      });
    case 'Ed':
      return nodeCrypto().sign(null, data, key as KeyObject);
    default:
      return nodeCrypto().sign(hash, data, key as KeyObject);
  }
}
