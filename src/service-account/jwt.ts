import { encodeBase64url } from '../platform/base64url.js';
import type { Signer } from './signer.js';

/** Claims of a JWT warrant signs. */
export type JwtClaims = Record<string, unknown>;

const UTF8 = new TextEncoder();

/** Encodes and signs a compact JWS: base64url(header).base64url(claims).base64url(signature). */
export async function signJwt(claims: JwtClaims, signer: Signer): Promise<string> {
  const header: Record<string, string> = { alg: signer.algorithm, typ: 'JWT' };
  if (signer.keyId) header.kid = signer.keyId;
  const input = `${encodeBase64url(JSON.stringify(header))}.${encodeBase64url(JSON.stringify(claims))}`;
  const signature = await signer.sign(UTF8.encode(input));
  return `${input}.${encodeBase64url(signature)}`;
}
