import type { Signer } from './signer.js';

/** Claims of a JWT warrant signs. */
export type JwtClaims = Record<string, unknown>;

/** Encodes and signs a compact JWS: base64url(header).base64url(claims).base64url(signature). */
export async function signJwt(claims: JwtClaims, signer: Signer): Promise<string> {
  const header: Record<string, string> = { alg: signer.algorithm, typ: 'JWT' };
  if (signer.keyId) header.kid = signer.keyId;
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = await signer.sign(Buffer.from(input));
  return `${input}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
