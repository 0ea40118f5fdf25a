/** Published public keys imported with WebCrypto, for runtimes without node:crypto. */
import type { webcrypto } from 'node:crypto';
import { certificateSpki, keyAlgorithm, readPem } from '../platform/pem.js';
import type { IdTokenAlgorithm, VerificationKey } from './key-set.js';
import type * as NodePublicKey from './public-key.js';
import { subtle } from '../platform/subtle.js';

const MIN_RSA_BITS = 2048;
const IMPORT_AS = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
} as const;

export const importJwk: typeof NodePublicKey.importJwk = (kid, jwk) => {
  const algorithm =
    jwk.kty === 'RSA' ? 'RS256' : jwk.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : undefined;
  if (!algorithm) return undefined;
  const { kty, n, e, crv, x, y } = jwk;
  return imported(kid, algorithm, (as, subtleCrypto) =>
    subtleCrypto.importKey('jwk', { kty, n, e, crv, x, y } as webcrypto.JsonWebKey, as, false, [
      'verify',
    ]),
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
  return imported(kid, algorithm, (as, subtleCrypto) =>
    subtleCrypto.importKey('spki', spki as Uint8Array<ArrayBuffer>, as, false, ['verify']),
  );
};

async function imported(
  kid: string,
  algorithm: IdTokenAlgorithm,
  importKey: (
    as: (typeof IMPORT_AS)[IdTokenAlgorithm],
    subtleCrypto: webcrypto.SubtleCrypto,
  ) => Promise<webcrypto.CryptoKey>,
): Promise<VerificationKey | undefined> {
  const subtleCrypto = subtle();
  let key: webcrypto.CryptoKey;
  try {
    key = await importKey(IMPORT_AS[algorithm], subtleCrypto);
  } catch {
    return undefined;
  }
  const { modulusLength } = key.algorithm as { modulusLength?: number };
  if (algorithm === 'RS256' && (modulusLength ?? 0) < MIN_RSA_BITS) return undefined;
  return { kid, algorithm, verifyKey: key };
}
