import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidOptionsError } from '../../errors.js';

/** The shortest signing secret accepted, in bytes: 256 bits for HMAC-SHA256. */
export const MIN_SECRET_BYTES = 32;

const VERSION = 'v1';

/** Checks a signing secret once, when a handler is created. */
export function checkSecret(secret: string | Buffer | undefined): Buffer {
  if (secret === undefined) {
    throw new InvalidOptionsError('a login cookie needs a secret (32 bytes or more) to sign it');
  }
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new InvalidOptionsError(
      `the login cookie secret is ${bytes.length} bytes; use ${MIN_SECRET_BYTES} or more random bytes (e.g. crypto.randomBytes(32).toString('base64'))`,
    );
  }
  return bytes;
}

/** `v1.<base64url JSON>.<base64url HMAC-SHA256>`: readable by anyone, forgeable by no one. */
export function signValue(value: Record<string, unknown>, secret: Buffer): string {
  const payload = `${VERSION}.${Buffer.from(JSON.stringify(value)).toString('base64url')}`;
  return `${payload}.${mac(payload, secret)}`;
}

/** The value signed by {@link signValue} with `secret`, or undefined for anything else. */
export function verifyValue(text: string, secret: Buffer): Record<string, unknown> | undefined {
  const parts = text.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
  const payload = `${parts[0]}.${parts[1]}`;
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(parts[2]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Attributes of a `Set-Cookie` header. */
export interface CookieAttributes {
  maxAgeSec: number;
  path: string;
  secure: boolean;
  domain?: string;
}

/** A `Set-Cookie` header value: always HttpOnly and SameSite=Lax. Max-Age 0 clears the cookie. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  let cookie = `${name}=${value}; Max-Age=${attributes.maxAgeSec}; Path=${attributes.path}; HttpOnly; SameSite=Lax`;
  if (attributes.secure) cookie += '; Secure';
  if (attributes.domain) cookie += `; Domain=${attributes.domain}`;
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

function mac(payload: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}
