/** The byte work of compact JWS with atob, TextDecoder and WebCrypto, for runtimes without Node. */
import type { webcrypto } from 'node:crypto';
import type * as NodeJwsBytes from './jws-bytes.js';
import type { VerifyKey } from './key-set.js';
import { subtle } from '../platform/subtle.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const VERIFY_AS = {
  RSASSA_PKCS1_v1_5: { name: 'RSASSA-PKCS1-v1_5' },
  ECDSA: { name: 'ECDSA', hash: 'SHA-256' },
} as const;

export class JwsBytes implements Pick<NodeJwsBytes.JwsBytes, keyof NodeJwsBytes.JwsBytes> {
  text(segment: string): string | false | undefined {
    const bytes = decode(segment);
    if (bytes === undefined) return undefined;
    try {
      return UTF8.decode(bytes);
    } catch {
      return false;
    }
  }

  isBase64url(segment: string): boolean {
    return decode(segment) !== undefined;
  }

  /** Asynchronous here: WebCrypto has no synchronous verify. */
  async verify(signingInput: string, signatureSegment: string, key: VerifyKey): Promise<boolean> {
    return verifySignature(signingInput, signatureSegment, key);
  }
}

async function verifySignature(
  signingInput: string,
  signatureSegment: string,
  key: VerifyKey,
): Promise<boolean> {
  const cryptoKey = key as webcrypto.CryptoKey;
  const signature = decode(signatureSegment);
  if (signature === undefined) return false;
  const data = Uint8Array.from(signingInput, (c) => c.charCodeAt(0) & 0xff);
  const algorithm =
    cryptoKey.algorithm.name === 'ECDSA' ? VERIFY_AS.ECDSA : VERIFY_AS.RSASSA_PKCS1_v1_5;
  const subtleCrypto = subtle();
  try {
    return await subtleCrypto.verify(algorithm, cryptoKey, signature, data);
  } catch {
    return false;
  }
}

/** The bytes of a strict base64url segment, or undefined: decoded, then checked by round trip. */
function decode(segment: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) return undefined;
  const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
  const canonical = btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (canonical !== segment) return undefined;
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
