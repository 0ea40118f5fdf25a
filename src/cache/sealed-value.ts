import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { InvalidOptionsError } from '../errors.js';
import {
  canonicalIdentity,
  type CachedToken,
  type TokenIdentity,
} from '../credentials/token-cache.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Far above any real token (Google's are ~2 KB), far below what would hurt to parse. */
export const MAX_VALUE_CHARS = 64 * 1024;
const MAX_TOKEN_CHARS = 16 * 1024;
const MAX_SCOPES = 100;
/** Year 2286 in epoch ms: any time beyond is garbage, not a token expiry. */
const MAX_EPOCH_MS = 1e13;
const SEALED = 'v1.';
const PLAIN = 'p1.';

/**
 * The cache's keys, derived from the one key the user provides: one names Redis keys (an HMAC
 * of the identity, so neither a principal nor a secret appears in a key), one seals values.
 */
export class CacheKeys {
  readonly #naming: Buffer;
  readonly #sealing: Buffer;
  readonly #plaintext: boolean;

  constructor(key: Uint8Array | string, plaintext: boolean) {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.from(key);
    if (bytes.length !== KEY_BYTES) {
      throw new InvalidOptionsError(
        `token cache key must be ${KEY_BYTES} bytes (a Uint8Array, or those bytes in base64), got ${bytes.length}; make one with \`openssl rand -base64 32\``,
      );
    }
    this.#naming = derive(bytes, 'warrant token cache: names');
    this.#sealing = derive(bytes, 'warrant token cache: values');
    this.#plaintext = plaintext;
  }

  /** A name for `identity` that reveals nothing of it: HMAC-SHA256, 128 bits, base64url. */
  nameOf(identity: TokenIdentity): string {
    return createHmac('sha256', this.#naming)
      .update(canonicalIdentity(identity))
      .digest()
      .subarray(0, 16)
      .toString('base64url');
  }

  /** Seals a token for `redisKey`; in plaintext only when the user opted in. */
  sealToken(cached: CachedToken, redisKey: string): string {
    const { token, issuedAt } = cached;
    const json = JSON.stringify({
      a: token.accessToken,
      e: token.expiresAt,
      i: issuedAt,
      s: token.scopes,
      d: token.idToken,
    });
    return this.#plaintext
      ? PLAIN + Buffer.from(json).toString('base64url')
      : this.#seal(json, redisKey);
  }

  /** The token in `value`, or undefined when it is not one this cache wrote for `redisKey`. */
  openToken(value: string, redisKey: string): CachedToken | undefined {
    const json = this.#open(value, redisKey, this.#plaintext);
    const raw = json === undefined ? undefined : parseJson(json);
    if (!raw || typeof raw !== 'object') return undefined;
    const { a, e, i, s, d } = raw as Record<string, unknown>;
    if (!isBoundedString(a) || !isEpoch(i) || (e !== undefined && !isEpoch(e))) return undefined;
    if (d !== undefined && !isBoundedString(d)) return undefined;
    if (s !== undefined && !isScopeList(s)) return undefined;
    return {
      token: { accessToken: a, expiresAt: e, scopes: s, idToken: d },
      issuedAt: i,
    };
  }

  /** Seals a refresh token: always encrypted, whatever the token setting. */
  sealSecret(secret: string, redisKey: string): string {
    return this.#seal(JSON.stringify({ r: secret }), redisKey);
  }

  openSecret(value: string, redisKey: string): string | undefined {
    const json = this.#open(value, redisKey, false);
    const raw = json === undefined ? undefined : parseJson(json);
    const r = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).r : undefined;
    return isBoundedString(r) ? r : undefined;
  }

  #seal(plaintext: string, redisKey: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#sealing, iv);
    // The Redis key as associated data: a value copied under another identity's key fails.
    cipher.setAAD(Buffer.from(redisKey));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  #open(value: string, redisKey: string, plaintextAllowed: boolean): string | undefined {
    if (value.length > MAX_VALUE_CHARS) return undefined;
    if (value.startsWith(PLAIN)) {
      return plaintextAllowed
        ? Buffer.from(value.slice(PLAIN.length), 'base64url').toString()
        : undefined;
    }
    if (!value.startsWith(SEALED)) return undefined;
    const bytes = Buffer.from(value.slice(SEALED.length), 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#sealing, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(redisKey));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

function derive(key: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, KEY_BYTES));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isBoundedString(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_TOKEN_CHARS;
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < MAX_EPOCH_MS;
}

function isScopeList(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length <= MAX_SCOPES &&
    value.every((scope) => typeof scope === 'string' && scope.length <= 1024)
  );
}
