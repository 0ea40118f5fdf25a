/**
 * The JWS algorithms an ID token may be signed with, and which key allows which: a key decides
 * its one algorithm (its declared JWK `alg`, else RS256 for RSA, the curve's ES* for EC, EdDSA
 * for Ed25519), so a token can never pick how it is checked.
 */

/** Asymmetric algorithms real OpenID providers sign ID tokens with. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** HMAC algorithms, keyed with the client secret (OpenID Connect Core §10.1); opt-in only. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

/** An asymmetric signature algorithm, chosen by the key. */
export type IdTokenAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
/** Any algorithm the verifier knows. */
export type JwsAlgorithm = IdTokenAlgorithm | (typeof HMAC_ALGORITHMS)[number];

/** The algorithms Google signs ID tokens and IAP JWTs with: the verifier's default. */
export const GOOGLE_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(['RS256', 'ES256']);

const KNOWN: readonly string[] = [...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS, 'Ed25519'];

/** Whether `alg` is an algorithm the verifier implements (RFC 9864's `Ed25519` included). */
export function isJwsAlgorithm(alg: unknown): alg is JwsAlgorithm | 'Ed25519' {
  return typeof alg === 'string' && KNOWN.includes(alg);
}

/** Whether a token's `alg` is the key's algorithm; `Ed25519` is the fully specified EdDSA. */
export function algorithmFits(tokenAlg: string, keyAlg: JwsAlgorithm): boolean {
  return tokenAlg === keyAlg || (tokenAlg === 'Ed25519' && keyAlg === 'EdDSA');
}

/** Bits of the hash an algorithm uses; EdDSA (Ed25519) uses SHA-512 (for `at_hash`). */
export function hashBits(alg: JwsAlgorithm): 256 | 384 | 512 {
  if (alg === 'EdDSA') return 512;
  return Number(alg.slice(2)) as 256 | 384 | 512;
}

/** The shape of a public key, as each runtime's parser reports it. */
export interface PublicKeyShape {
  type: 'rsa' | 'ec' | 'ed25519' | 'other';
  /** RSA modulus length. */
  bits?: number;
  /** EC curve, as the JWK `crv` names it (P-256, P-384, P-521). */
  curve?: string;
}

const MIN_RSA_BITS = 2048;
const EC_ALGORITHMS: Readonly<Record<string, IdTokenAlgorithm>> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
};

/**
 * The one algorithm a published key verifies, or undefined for a key ID tokens may not use
 * (RSA under 2048 bits, unknown curves, a declared `alg` the key cannot do).
 */
export function keyAlgorithmFor(
  shape: PublicKeyShape,
  declared: unknown,
): IdTokenAlgorithm | undefined {
  let implied: IdTokenAlgorithm | undefined;
  if (shape.type === 'rsa' && (shape.bits ?? 0) >= MIN_RSA_BITS) {
    if (declared === undefined) return 'RS256';
    return /^(RS|PS)(256|384|512)$/.test(String(declared))
      ? (declared as IdTokenAlgorithm)
      : undefined;
  }
  if (shape.type === 'ec') implied = EC_ALGORITHMS[shape.curve ?? ''];
  if (shape.type === 'ed25519') implied = 'EdDSA';
  if (implied === undefined) return undefined;
  return declared === undefined || algorithmFits(String(declared), implied) ? implied : undefined;
}
