/**
 * The compact JWS form of a JWT (`header.payload.signature`), parsed by hand so verification
 * stays synchronous and cheap. Everything here runs before any key lookup or crypto: a token
 * that is too long, has the wrong shape or is not strict base64url never costs a fetch.
 */
import { AuthError } from '../errors.js';
import { JwsBytes } from './jws-bytes.js';
import type { VerificationKey } from './key-set.js';
import { parseJsonObject } from './strict-json.js';

/** Tokens longer than this many characters are refused before any parsing. Google's are ~1 KB. */
export const DEFAULT_MAX_TOKEN_LENGTH = 16 * 1024;

/** A JWS protected header. */
export interface JwsHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [parameter: string]: unknown;
}

/** A parsed, not yet verified, compact JWS. */
export interface CompactJws {
  header: Readonly<JwsHeader>;
  payload: Record<string, unknown>;
  /** `header.payload` as sent: what the signature covers. */
  signingInput: string;
  /** The third segment, known to be strict base64url. */
  signatureSegment: string;
}

const HEADER_MEMO_SIZE = 64;

/**
 * Parses compact JWS tokens and checks their signatures, reusing what it can between tokens: a
 * header segment is decoded once (tokens signed by one key share one header; the memo only saves
 * decoding, every use is checked again), and bytes are decoded by one {@link JwsBytes}.
 */
export class CompactJwsParser {
  readonly #headers = new Map<string, Readonly<JwsHeader>>();
  readonly #bytes = new JwsBytes();

  /**
   * Splits and decodes `token`. Throws `ERR_ID_TOKEN_INVALID` for anything but exactly three
   * non-empty strict-base64url segments whose first two are UTF-8 JSON objects without repeated
   * keys. The token never appears in the error.
   */
  parse(token: unknown, maxLength: number = DEFAULT_MAX_TOKEN_LENGTH): CompactJws {
    if (typeof token !== 'string') throw invalid(`the token must be a string, not ${typeof token}`);
    if (token.length > maxLength) {
      throw invalid(`the token is ${token.length} characters long; the limit is ${maxLength}`);
    }
    const first = token.indexOf('.');
    const second = first === -1 ? -1 : token.indexOf('.', first + 1);
    if (second === -1 || token.indexOf('.', second + 1) !== -1) {
      throw invalid(
        `a JWT has 3 dot-separated segments; this token has ${token.split('.').length}`,
      );
    }
    const headerSegment = token.slice(0, first);
    let header = this.#headers.get(headerSegment);
    if (!header) {
      header = Object.freeze(this.#decodeJson(headerSegment, 'header') as JwsHeader);
      if (this.#headers.size >= HEADER_MEMO_SIZE) this.#headers.clear();
      this.#headers.set(headerSegment, header);
    }
    const payload = this.#decodeJson(token.slice(first + 1, second), 'payload');
    const signatureSegment = token.slice(second + 1);
    if (!this.#bytes.isBase64url(signatureSegment)) {
      throw invalid('the signature segment is empty or not strict base64url');
    }
    return { header, payload, signingInput: token.slice(0, second), signatureSegment };
  }

  /**
   * Whether the signature of `jws` verifies with `key`, by the key's algorithm. A signature of
   * the wrong length simply does not verify. A boolean on Node; a promise of one where only
   * WebCrypto is available.
   */
  signatureMatches(jws: CompactJws, key: VerificationKey): boolean | Promise<boolean> {
    return this.#bytes.verify(jws.signingInput, jws.signatureSegment, key);
  }

  /** `at_hash` of `accessToken` for a token signed with `key`'s algorithm. */
  halfHash(key: VerificationKey, accessToken: string): string | Promise<string> {
    return this.#bytes.halfHash(key.algorithm, accessToken);
  }

  #decodeJson(segment: string, name: 'header' | 'payload'): Record<string, unknown> {
    const text = this.#bytes.text(segment);
    if (text === undefined) throw invalid(`the ${name} segment is empty or not strict base64url`);
    if (text === false) throw invalid(`the ${name} is not UTF-8`);
    const parsed = parseJsonObject(text);
    if (typeof parsed === 'string') throw invalid(`the ${name} is ${parsed}`);
    return parsed;
  }
}

/**
 * The claims of a JWT, decoded WITHOUT checking its signature: only for tokens that came
 * straight from a trusted endpoint (to read their `exp`), never for tokens a client sent.
 */
export function decodeUnverifiedClaims(token: string): Record<string, unknown> {
  return new CompactJwsParser().parse(token).payload;
}

const checker = new JwsBytes();

/**
 * Strict base64url (RFC 7515 §2): the URL-safe alphabet only, no padding or whitespace, a
 * possible length, and zero unused bits in the last character, so each byte string has exactly
 * one encoding.
 */
export function isBase64url(segment: string): boolean {
  return checker.isBase64url(segment);
}

function invalid(reason: string): AuthError {
  return new AuthError('ERR_ID_TOKEN_INVALID', `malformed ID token: ${reason}`);
}
