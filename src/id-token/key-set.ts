/**
 * The two halves of fetching a published key set: Google's JWKS (`/oauth2/v3/certs`, IAP's
 * `public_key-jwk`) or its `{kid: PEM}` map (`/oauth2/v1/certs`, X.509 certificates or SPKI
 * keys). Keys are parsed once, by ./public-key.js, into keys that decide their own algorithm.
 */
import type { CryptoKey, KeyObject, VerifyKeyObjectInput } from '../platform/node-types.js';
import { TokenResponseError } from '../errors.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpRequest, HttpResponse, ResponseHeaders } from '../http/types.js';
import type { JwsAlgorithm } from './algorithms.js';
import { importJwk, importPem } from './public-key.js';

/** How a key endpoint publishes its keys. */
export type KeySetFormat = 'jwks' | 'pem';

/**
 * A key as the runtime's crypto takes it: a node:crypto KeyObject (with the signature encoding
 * and padding its algorithm needs) on Node, a WebCrypto CryptoKey elsewhere.
 */
export type VerifyKey = KeyObject | VerifyKeyObjectInput | CryptoKey;

/** One key, parsed and ready to verify with. */
export interface VerificationKey {
  kid: string;
  /** The one algorithm this key verifies, decided by the key (see ./algorithms.ts). */
  algorithm: JwsAlgorithm;
  verifyKey: VerifyKey;
}

/** A public JWK's key members, as published. */
export interface PublicJwk {
  kty: unknown;
  n?: unknown;
  e?: unknown;
  crv?: unknown;
  x?: unknown;
  y?: unknown;
}

/** A fetched key set and how long the server lets it be cached. */
export interface KeySetResponse {
  keys: Map<string, VerificationKey>;
  /** Seconds, from Cache-Control max-age less Age; undefined when the server gave none. */
  maxAgeSec?: number;
}

/** The GET request for a key set. */
export function buildKeySetRequest(url: string): HttpRequest {
  return { url, method: 'GET', headers: { accept: 'application/json' } };
}

/**
 * Reads a key endpoint's answer. Keys that cannot be used (other types, short RSA keys, a
 * declared `alg` that disagrees with the key, encryption keys) are left out rather than failing
 * the whole set, so one odd key does not stop verification with the others.
 */
export async function parseKeySetResponse(
  response: HttpResponse,
  url: string,
  format: KeySetFormat,
): Promise<KeySetResponse> {
  if (response.status < 200 || response.status >= 300) {
    throw responseError(response, url, 'key set request');
  }
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw malformed(url, 'a body that is not JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw malformed(url, 'JSON that is not an object');
  }
  const keys =
    format === 'jwks'
      ? await jwksKeys(json as Record<string, unknown>, url)
      : await pemKeys(json as Record<string, unknown>, url);
  return { keys, maxAgeSec: cacheLifetimeSec(response.headers) };
}

async function jwksKeys(
  json: Record<string, unknown>,
  url: string,
): Promise<Map<string, VerificationKey>> {
  if (!Array.isArray(json.keys)) throw malformed(url, 'a JWKS without a keys array');
  checkKeyCount(json.keys.length, url);
  const keys = new Map<string, VerificationKey>();
  for (const jwk of json.keys as unknown[]) {
    if (jwk === null || typeof jwk !== 'object') continue;
    const { kid, kty, n, e, crv, x, y, alg, use, key_ops } = jwk as Record<string, unknown>;
    if (typeof kid !== 'string' || !mayVerify(use, key_ops)) continue;
    const verification = await importJwk(kid, { kty, n, e, crv, x, y }, alg);
    if (verification) keys.set(kid, verification);
  }
  return keys;
}

async function pemKeys(
  json: Record<string, unknown>,
  url: string,
): Promise<Map<string, VerificationKey>> {
  const entries = Object.entries(json);
  checkKeyCount(entries.length, url);
  const keys = new Map<string, VerificationKey>();
  for (const [kid, pem] of entries) {
    if (typeof pem !== 'string') continue;
    const verification = await importPem(kid, pem);
    if (verification) keys.set(kid, verification);
  }
  return keys;
}

/**
 * The most keys a set may hold. Issuers publish a handful; parsing is the costly part (a 4 MiB
 * set of EC keys holds ~29 000 and takes seconds of CPU), so a larger set is refused unparsed.
 */
export const MAX_KEYS_PER_SET = 100;

function checkKeyCount(count: number, url: string): void {
  if (count > MAX_KEYS_PER_SET) {
    throw malformed(url, `a key set of ${count} keys; at most ${MAX_KEYS_PER_SET} are read`);
  }
}

/**
 * Whether a JWK's `use` and `key_ops` (RFC 7517 §4.2, §4.3) allow verifying signatures: a key
 * published for encryption, or for operations that do not include `verify`, never checks one.
 */
function mayVerify(use: unknown, keyOps: unknown): boolean {
  if (use !== undefined && use !== 'sig') return false;
  return keyOps === undefined || (Array.isArray(keyOps) && keyOps.includes('verify'));
}

/**
 * The longest a key set is kept, whatever its max-age says: a key its issuer stopped publishing
 * (rotated out, or compromised) stops verifying within a day.
 */
export const MAX_KEY_SET_LIFETIME_SEC = 86_400;

/**
 * Seconds a response may be kept: Cache-Control max-age less Age, at most
 * {@link MAX_KEY_SET_LIFETIME_SEC}; undefined without max-age. An Age that is not a whole number
 * of seconds (a negative one would lengthen the lifetime) counts as none.
 */
export function cacheLifetimeSec(headers: ResponseHeaders): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(headers.get('cache-control') ?? '');
  if (!match) return undefined;
  const ageHeader = headers.get('age')?.trim() ?? '';
  const age = /^\d+$/.test(ageHeader) ? Number(ageHeader) : 0;
  return Math.max(0, Math.min(Number(match[1]), MAX_KEY_SET_LIFETIME_SEC) - age);
}

function malformed(url: string, what: string): TokenResponseError {
  return new TokenResponseError(
    `key endpoint ${describeUrl(url)} answered with ${what} (check the certificates URL)`,
    describeUrl(url),
  );
}
