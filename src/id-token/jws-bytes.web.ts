/** The byte work of compact JWS with atob, TextDecoder and WebCrypto, for runtimes without Node. */
import type { webcrypto } from 'node:crypto';
import { encodeBase64url } from '../platform/base64url.js';
import { subtle } from '../platform/subtle.js';
import { hashBits, type JwsAlgorithm } from './algorithms.js';
import type * as NodeJwsBytes from './jws-bytes.js';
import type { VerificationKey } from './key-set.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
  async verify(
    signingInput: string,
    signatureSegment: string,
    key: VerificationKey,
  ): Promise<boolean> {
    const signature = decode(signatureSegment);
    if (signature === undefined) return false;
    const data = Uint8Array.from(signingInput, (c) => c.charCodeAt(0) & 0xff);
    try {
      return await subtle().verify(
        verifyAs(key.algorithm),
        key.verifyKey as webcrypto.CryptoKey,
        signature,
        data,
      );
    } catch {
      return false;
    }
  }

  async halfHash(algorithm: JwsAlgorithm, text: string): Promise<string> {
    const bits = hashBits(algorithm);
    const digest = await subtle().digest(`SHA-${bits}`, new TextEncoder().encode(text));
    return encodeBase64url(new Uint8Array(digest, 0, bits / 16));
  }
}

/** How WebCrypto verifies a signature of an algorithm. */
function verifyAs(algorithm: JwsAlgorithm): webcrypto.AlgorithmIdentifier {
  const bits = hashBits(algorithm);
  switch (algorithm.slice(0, 2)) {
    case 'RS':
      return { name: 'RSASSA-PKCS1-v1_5' };
    case 'PS':
      return { name: 'RSA-PSS', saltLength: bits / 8 } as webcrypto.AlgorithmIdentifier;
    case 'ES':
      return { name: 'ECDSA', hash: `SHA-${bits}` } as webcrypto.AlgorithmIdentifier;
    case 'HS':
      return { name: 'HMAC' };
    default:
      return { name: 'Ed25519' };
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
