/**
 * Keys parsed into node:crypto KeyObjects, on Node. Other runtimes get ./public-key.web.ts
 * (WebCrypto). A key ID tokens may not use (see ./algorithms.ts) comes back undefined.
 */
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { nodeCrypto } from '../platform/node-builtins.js';
import { keyAlgorithmFor, type JwsAlgorithm, type PublicKeyShape } from './algorithms.js';
import type { PublicJwk, VerificationKey } from './key-set.js';

const CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/** A JWK's key, for the algorithm the key allows; synchronous on Node, the type allows WebCrypto's promise. */
export function importJwk(
  kid: string,
  jwk: PublicJwk,
  declaredAlg?: unknown,
): VerificationKey | undefined | Promise<VerificationKey | undefined> {
  return verificationKey(
    kid,
    () => nodeCrypto().createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }),
    declaredAlg,
  );
}

/** A PEM certificate's or SPKI public key's key. */
export function importPem(
  kid: string,
  pem: string,
): VerificationKey | undefined | Promise<VerificationKey | undefined> {
  return verificationKey(kid, () => nodeCrypto().createPublicKey(pem), undefined);
}

/** The client secret as the key of an HMAC-signed (`HS*`) ID token. */
export function importSecret(
  secret: string,
  algorithm: JwsAlgorithm,
): VerificationKey | Promise<VerificationKey> {
  return {
    kid: '',
    algorithm,
    verifyKey: nodeCrypto().createSecretKey(new TextEncoder().encode(secret)),
  };
}

function verificationKey(
  kid: string,
  parse: () => KeyObject,
  declaredAlg: unknown,
): VerificationKey | undefined {
  let key: KeyObject;
  try {
    key = parse();
  } catch {
    return undefined;
  }
  const details = key.asymmetricKeyDetails;
  const type = key.asymmetricKeyType;
  const shape: PublicKeyShape = {
    type: type === 'rsa' || type === 'ec' || type === 'ed25519' ? type : 'other',
    bits: details?.modulusLength,
    curve: CURVES[details?.namedCurve ?? ''],
  };
  const algorithm = keyAlgorithmFor(shape, declaredAlg);
  if (!algorithm) return undefined;
  if (algorithm.startsWith('ES')) {
    return { kid, algorithm, verifyKey: { key, dsaEncoding: 'ieee-p1363' } };
  }
  if (algorithm.startsWith('PS')) {
    const { constants } = nodeCrypto();
    const pss = {
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    };
    return { kid, algorithm, verifyKey: { key, ...pss } };
  }
  return { kid, algorithm, verifyKey: key };
}
