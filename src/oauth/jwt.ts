/**
 * The one JWT encoder: every JWT warrant signs (service-account assertions, self-signed JWTs,
 * GDCH assertions, `private_key_jwt` and `client_secret_jwt` client assertions) is made here.
 */
import { encodeBase64url } from '../platform/base64url.js';

/** Claims of a JWT warrant signs. */
export type JwtClaims = Record<string, unknown>;

/** Signs a JWS signing input: with a local key, a client secret, or remotely (IAM signBlob). */
export interface JwsSigner {
  /** The JWS `alg`: RS256, ES256, PS256, EdDSA, HS256 ... */
  readonly algorithm: string;
  /** The key id placed in the JWT header as `kid`. */
  readonly keyId?: string;
  /** The JWS signature of `data` (raw `r || s` for ECDSA). */
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

const UTF8 = new TextEncoder();

/** Encodes and signs a compact JWS: base64url(header).base64url(claims).base64url(signature). */
export async function signJwt(claims: JwtClaims, signer: JwsSigner): Promise<string> {
  const header: Record<string, string> = { alg: signer.algorithm, typ: 'JWT' };
  if (signer.keyId) header.kid = signer.keyId;
  const input = `${encodeBase64url(JSON.stringify(header))}.${encodeBase64url(JSON.stringify(claims))}`;
  const signature = await signer.sign(UTF8.encode(input));
  return `${input}.${encodeBase64url(signature)}`;
}
