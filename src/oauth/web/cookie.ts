import { nodeCrypto } from '../../platform/node-builtins.js';
import { InvalidOptionsError } from '../../errors.js';

/** The shortest cookie secret accepted, in bytes: 256 bits of key material. */
export const MIN_SECRET_BYTES = 32;

/** Browsers silently drop a cookie whose `Set-Cookie` line is longer than this. */
export const MAX_COOKIE_BYTES = 4096;

const VERSION = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Checks a cookie secret once, when a handler is created, and derives the AES-256-GCM key from
 * it with HKDF-SHA256, so the secret itself never keys a cipher and can serve other uses.
 */
export function cookieKey(secret: string | Buffer | undefined): Buffer {
  if (secret === undefined) {
    throw new InvalidOptionsError('a login cookie needs a secret (32 bytes or more) to seal it');
  }
  if (typeof secret !== 'string' && !Buffer.isBuffer(secret)) {
    throw new InvalidOptionsError('the login cookie secret must be a string or a Buffer');
  }
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new InvalidOptionsError(
      `the login cookie secret is ${bytes.length} bytes; use ${MIN_SECRET_BYTES} or more random bytes (e.g. crypto.randomBytes(32).toString('base64'))`,
    );
  }
  return Buffer.from(
    nodeCrypto().hkdfSync('sha256', bytes, 'warrant login cookie', `${VERSION} aes-256-gcm`, 32),
  );
}

/**
 * `v2.<base64url iv | ciphertext | tag>`: AES-256-GCM with the cookie name as associated data,
 * so nobody who sees the cookie reads it, and a value moved to another cookie name does not open.
 */
export function sealValue(value: Record<string, unknown>, key: Buffer, name: string): string {
  const iv = nodeCrypto().randomBytes(IV_BYTES);
  const cipher = nodeCrypto().createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(name));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The object sealed by {@link sealValue} under `key` and `name`, or undefined for anything else. */
export function openValue(
  text: string,
  key: Buffer,
  name: string,
): Record<string, unknown> | undefined {
  if (text.length > MAX_COOKIE_BYTES || !text.startsWith(`${VERSION}.`)) return undefined;
  const sealed = Buffer.from(text.slice(VERSION.length + 1), 'base64url');
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = nodeCrypto().createDecipheriv(
      'aes-256-gcm',
      key,
      sealed.subarray(0, IV_BYTES),
    );
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    const value: unknown = JSON.parse(plain.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `Set-Cookie` header value: always HttpOnly and SameSite=Lax, on Path=/ without Domain (what
 * a `__Host-` name requires). Max-Age 0 clears the cookie. Refuses a line browsers would drop.
 */
export function serializeCookie(
  name: string,
  value: string,
  maxAgeSec: number,
  secure: boolean,
): string {
  const cookie = `${name}=${value}; Max-Age=${maxAgeSec}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  if (Buffer.byteLength(cookie) > MAX_COOKIE_BYTES) {
    throw new InvalidOptionsError(
      `the login cookie ${name} would be ${Buffer.byteLength(cookie)} bytes, over the ${MAX_COOKIE_BYTES} browsers keep: shorten redirectUri or cookieName, or keep the login state server-side with stateStore`,
    );
  }
  return cookie;
}

/** The value of cookie `name` in a `Cookie` request header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
