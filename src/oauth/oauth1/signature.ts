import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../../platform/node-builtins.js';
import { InvalidOptionsError } from '../../errors.js';
import { checkHttpUrl } from '../../http/send.js';
import { percentEncode } from './encoding.js';

/** The signature methods of RFC 5849 §3.4, plus HMAC-SHA256 (common in practice). */
export type OAuth1SignatureMethod = 'HMAC-SHA1' | 'HMAC-SHA256' | 'RSA-SHA1' | 'PLAINTEXT';

/** What a signature is keyed with. */
export interface OAuth1SigningKeys {
  consumerSecret: string;
  tokenSecret?: string;
  /** For RSA-SHA1. */
  rsaPrivateKey?: KeyObject;
}

/**
 * The base string URI (§3.4.1.2): scheme and host in lower case, the port only when it is not
 * the scheme's default, the path, and no query or fragment.
 */
export function baseStringUri(url: string | URL): string {
  if (!(url instanceof URL)) checkHttpUrl(url, 'the OAuth 1.0a request URL');
  const parsed = new URL(url);
  // URL already lower-cases scheme and host and drops default ports of http and https.
  return `${parsed.protocol}//${parsed.host}${parsed.pathname || '/'}`;
}

/**
 * Request parameters normalized (§3.4.1.3.2): each name and value percent-encoded, sorted by
 * encoded name then encoded value (byte order), joined as `name=value` with `&`.
 * `oauth_signature` and `realm` are left out, as the RFC says.
 */
export function normalizeParameters(params: readonly (readonly [string, string])[]): string {
  const pairs: unknown = params;
  if (
    !Array.isArray(pairs) ||
    !pairs.every(
      (pair) =>
        Array.isArray(pair) &&
        pair.length === 2 &&
        typeof pair[0] === 'string' &&
        typeof pair[1] === 'string',
    )
  ) {
    throw new InvalidOptionsError(
      'OAuth 1.0a parameters must be an array of [name, value] string pairs',
    );
  }
  return params
    .filter(([name]) => name !== 'oauth_signature' && name !== 'realm')
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => compare(an, bn) || compare(av, bv))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * The signature base string (§3.4.1.1): the upper-case method, the base string URI and the
 * normalized parameters, each percent-encoded and joined with `&`. `params` holds the query
 * parameters, the form-body parameters and the `oauth_*` protocol parameters.
 */
export function signatureBaseString(
  method: string,
  url: string | URL,
  params: readonly (readonly [string, string])[],
): string {
  return [
    percentEncode(method.toUpperCase()),
    percentEncode(baseStringUri(url)),
    percentEncode(normalizeParameters(params)),
  ].join('&');
}

/** Signs a base string (§3.4.2–3.4.4); the result is the `oauth_signature` value, unencoded. */
export function signBaseString(
  method: OAuth1SignatureMethod,
  baseString: string,
  keys: OAuth1SigningKeys,
): string {
  checkSigningKeys(method, keys);
  const key = `${percentEncode(keys.consumerSecret)}&${percentEncode(keys.tokenSecret ?? '')}`;
  switch (method) {
    case 'PLAINTEXT':
      return key;
    case 'HMAC-SHA1':
      return nodeCrypto().createHmac('sha1', key).update(baseString).digest('base64');
    case 'HMAC-SHA256':
      return nodeCrypto().createHmac('sha256', key).update(baseString).digest('base64');
    case 'RSA-SHA1':
      return nodeCrypto()
        .createSign('RSA-SHA1')
        .update(baseString)
        .sign(keys.rsaPrivateKey!, 'base64');
  }
}

const SIGNATURE_METHODS: ReadonlySet<string> = new Set<OAuth1SignatureMethod>([
  'HMAC-SHA1',
  'HMAC-SHA256',
  'RSA-SHA1',
  'PLAINTEXT',
]);

function checkSigningKeys(method: OAuth1SignatureMethod, keys: OAuth1SigningKeys): void {
  if (!SIGNATURE_METHODS.has(method)) {
    throw new InvalidOptionsError(
      `OAuth 1.0a signature method must be one of ${[...SIGNATURE_METHODS].join(', ')}`,
    );
  }
  if (typeof keys?.consumerSecret !== 'string') {
    throw new InvalidOptionsError('OAuth 1.0a signing needs consumerSecret: a string');
  }
  if (keys.tokenSecret !== undefined && typeof keys.tokenSecret !== 'string') {
    throw new InvalidOptionsError('OAuth 1.0a tokenSecret must be a string when given');
  }
  if (method === 'RSA-SHA1' && !(keys.rsaPrivateKey instanceof nodeCrypto().KeyObject)) {
    throw new InvalidOptionsError('RSA-SHA1 needs rsaPrivateKey: a private KeyObject');
  }
}

function compare(a: string, b: string): number {
  // Encoded strings are ASCII, so code-unit order is the byte order the RFC asks for.
  return a < b ? -1 : a > b ? 1 : 0;
}
