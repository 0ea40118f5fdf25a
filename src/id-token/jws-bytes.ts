/**
 * The byte work of compact JWS on Node: strict base64url decoding into one reused scratch
 * buffer, UTF-8 checks and node:crypto signature checks. Other runtimes get ./jws-bytes.web.ts.
 */
import type { KeyObject, VerifyKeyObjectInput } from 'node:crypto';
import { nodeBuffer, nodeCrypto } from '../platform/node-builtins.js';
import { hashBits } from './algorithms.js';
import type { VerificationKey } from './key-set.js';

const MIN_SCRATCH_BYTES = 2048;

/**
 * Decodes segments and checks signatures, decoding into one scratch buffer rather than a fresh
 * buffer per token. Each method runs synchronously to the end, so one instance can serve
 * interleaved async verifications.
 */
export class JwsBytes {
  #scratch = Buffer.alloc(0);

  /**
   * The text a segment encodes: undefined when the segment is empty or not strict base64url,
   * false when its bytes are not UTF-8.
   */
  text(segment: string): string | false | undefined {
    const bytes = this.#decode(segment);
    if (bytes === undefined) return undefined;
    return nodeBuffer().isUtf8(bytes) && bytes.toString('utf8');
  }

  /** Whether `segment` is non-empty strict base64url. */
  isBase64url(segment: string): boolean {
    return this.#decode(segment) !== undefined;
  }

  /**
   * Whether `signatureSegment` signs `signingInput` with `key`, by the key's algorithm.
   * Synchronous on Node; the type allows the promise WebCrypto gives elsewhere.
   */
  verify(
    signingInput: string,
    signatureSegment: string,
    key: VerificationKey,
  ): boolean | Promise<boolean> {
    const scratch = this.#scratchFor(signingInput.length + signatureSegment.length);
    const inputEnd = scratch.write(signingInput, 0, 'latin1');
    const signatureEnd = inputEnd + scratch.write(signatureSegment, inputEnd, 'base64url');
    const data = scratch.subarray(0, inputEnd);
    const signature = scratch.subarray(inputEnd, signatureEnd);
    const { algorithm } = key;
    try {
      if (algorithm.startsWith('HS')) {
        const mac = nodeCrypto()
          .createHmac(`sha${hashBits(algorithm)}`, key.verifyKey as KeyObject)
          .update(data)
          .digest();
        return mac.length === signature.length && nodeCrypto().timingSafeEqual(mac, signature);
      }
      const digest = algorithm === 'EdDSA' ? null : `sha${hashBits(algorithm)}`;
      return nodeCrypto().verify(
        digest,
        data,
        key.verifyKey as KeyObject | VerifyKeyObjectInput,
        signature,
      );
    } catch {
      return false;
    }
  }

  /**
   * The left half of the hash of `text` by the hash of `algorithm`, base64url: an ID token's
   * `at_hash` or `c_hash` (OpenID Connect Core §3.1.3.6).
   */
  halfHash(algorithm: VerificationKey['algorithm'], text: string): string | Promise<string> {
    const bits = hashBits(algorithm);
    const digest = nodeCrypto().createHash(`sha${bits}`).update(text).digest();
    return digest.subarray(0, bits / 16).toString('base64url');
  }

  /**
   * The bytes of a strict base64url segment, decoded into the scratch buffer (valid until the
   * next decode), or undefined when the segment is empty or not strict base64url.
   */
  #decode(segment: string): Buffer | undefined {
    if (segment.length === 0) return undefined;
    const scratch = this.#scratchFor(segment.length);
    const bytes = scratch.subarray(0, scratch.write(segment, 0, 'base64url'));
    return isCanonical(bytes, segment) ? bytes : undefined;
  }

  /** The scratch buffer, grown to hold at least `bytes`. */
  #scratchFor(bytes: number): Buffer {
    if (this.#scratch.length < bytes) {
      this.#scratch = Buffer.allocUnsafe(Math.max(bytes, MIN_SCRATCH_BYTES));
    }
    return this.#scratch;
  }
}

/**
 * Whether `segment` is the one canonical base64url encoding of `bytes` it was decoded into.
 * Node's decoder skips characters outside the alphabet, accepts padding and ignores unused
 * bits, so anything but the canonical form encodes back differently. A round trip is also
 * cheaper than scanning the text with a pattern first.
 */
function isCanonical(bytes: Buffer, segment: string): boolean {
  return bytes.toString('base64url') === segment;
}
