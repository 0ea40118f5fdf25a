/**
 * Published public keys parsed into node:crypto KeyObjects, on Node. Other runtimes get
 * ./public-key.web.ts (WebCrypto). A key ID tokens may not use (other types, RSA under 2048
 * bits, curves other than P-256, anything unparsable) comes back undefined.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { PublicJwk, VerificationKey } from './key-set.js';

const MIN_RSA_BITS = 2048;

/** A JWK's key; synchronous on Node, the type allows WebCrypto's promise. */
export function importJwk(
  kid: string,
  jwk: PublicJwk,
): VerificationKey | undefined | Promise<VerificationKey | undefined> {
  return verificationKey(kid, () => createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
}

/** A PEM certificate's or SPKI public key's key. */
export function importPem(
  kid: string,
  pem: string,
): VerificationKey | undefined | Promise<VerificationKey | undefined> {
  return verificationKey(kid, () => createPublicKey(pem));
}

function verificationKey(kid: string, parse: () => KeyObject): VerificationKey | undefined {
  let key: KeyObject;
  try {
    key = parse();
  } catch {
    return undefined;
  }
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= MIN_RSA_BITS) {
    return { kid, algorithm: 'RS256', verifyKey: key };
  }
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') {
    return { kid, algorithm: 'ES256', verifyKey: { key, dsaEncoding: 'ieee-p1363' } };
  }
  return undefined;
}
