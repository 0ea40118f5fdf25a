/** Keys imported with WebCrypto, for runtimes without node:crypto. */
import type { webcrypto } from 'node:crypto';
import { certificateSpki, keyAlgorithm, readPem } from '../platform/pem.js';
import { hashBits, keyAlgorithmFor, type JwsAlgorithm, type PublicKeyShape } from './algorithms.js';
import type { VerificationKey } from './key-set.js';
import type * as NodePublicKey from './public-key.js';
import { subtle } from '../platform/subtle.js';

/** How WebCrypto imports a key for an algorithm. */
function importAs(algorithm: JwsAlgorithm): webcrypto.AlgorithmIdentifier | object {
  const hash = `SHA-${hashBits(algorithm)}`;
  switch (algorithm.slice(0, 2)) {
    case 'RS':
      return { name: 'RSASSA-PKCS1-v1_5', hash };
    case 'PS':
      return { name: 'RSA-PSS', hash };
    case 'ES':
      return {
        name: 'ECDSA',
        namedCurve: `P-${algorithm === 'ES512' ? 521 : hashBits(algorithm)}`,
      };
    case 'HS':
      return { name: 'HMAC', hash };
    default:
      return { name: 'Ed25519' };
  }
}

export const importJwk: typeof NodePublicKey.importJwk = (kid, jwk, declaredAlg) => {
  const shape: PublicKeyShape = {
    type:
      jwk.kty === 'RSA'
        ? 'rsa'
        : jwk.kty === 'EC'
          ? 'ec'
          : jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
            ? 'ed25519'
            : 'other',
    // The modulus length is checked once imported.
    bits: jwk.kty === 'RSA' ? Number.POSITIVE_INFINITY : undefined,
    curve: typeof jwk.crv === 'string' ? jwk.crv : undefined,
  };
  const algorithm = keyAlgorithmFor(shape, declaredAlg);
  if (!algorithm) return undefined;
  const { kty, n, e, crv, x, y } = jwk;
  return imported(kid, algorithm, (subtleCrypto) =>
    subtleCrypto.importKey(
      'jwk',
      { kty, n, e, crv, x, y } as webcrypto.JsonWebKey,
      importAs(algorithm) as webcrypto.AlgorithmIdentifier,
      false,
      ['verify'],
    ),
  );
};

export const importPem: typeof NodePublicKey.importPem = (kid, pem) => {
  const block = readPem(pem);
  const spki =
    block?.label === 'PUBLIC KEY'
      ? block.der
      : block?.label === 'CERTIFICATE'
        ? certificateSpki(block.der)
        : undefined;
  const algorithm = spki && keyAlgorithm(spki);
  if (!spki || !algorithm) return undefined;
  return imported(kid, algorithm, (subtleCrypto) =>
    subtleCrypto.importKey(
      'spki',
      spki as Uint8Array<ArrayBuffer>,
      importAs(algorithm) as webcrypto.AlgorithmIdentifier,
      false,
      ['verify'],
    ),
  );
};

export const importSecret: typeof NodePublicKey.importSecret = async (secret, algorithm) => ({
  kid: '',
  algorithm,
  verifyKey: await subtle().importKey(
    'raw',
    new TextEncoder().encode(secret),
    importAs(algorithm) as webcrypto.AlgorithmIdentifier,
    false,
    ['verify'],
  ),
});

const MIN_RSA_BITS = 2048;

async function imported(
  kid: string,
  algorithm: JwsAlgorithm,
  importKey: (subtleCrypto: webcrypto.SubtleCrypto) => Promise<webcrypto.CryptoKey>,
): Promise<VerificationKey | undefined> {
  let key: webcrypto.CryptoKey;
  try {
    key = await importKey(subtle());
  } catch {
    return undefined;
  }
  const { modulusLength } = key.algorithm as { modulusLength?: number };
  if (modulusLength !== undefined && modulusLength < MIN_RSA_BITS) return undefined;
  return { kid, algorithm, verifyKey: key };
}
