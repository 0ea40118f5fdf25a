/**
 * Cloud Storage V4 signed URLs (GOOG4-RSA-SHA256) from any credentials that can sign: a service
 * account key locally, compute and impersonated credentials through IAM signBlob. The URL is the
 * one `@google-cloud/storage`'s `getSignedUrl({version: 'v4'})` produces for the same key, inputs
 * and time; the pure half ({@link storageUrlToSign}) builds everything but the signature.
 */
import { InvalidOptionsError } from '../errors.js';
import { DEFAULT_UNIVERSE_DOMAIN } from '../options.js';
import { encodeHex } from '../platform/base64url.js';
import { sha256Hex } from '../platform/sha256.js';
import type { SigningCredentials } from '../credentials/signing.js';

/** Seven days: the longest a V4 signed URL may live. */
export const MAX_SIGNED_URL_SECONDS = 7 * 24 * 60 * 60;

const ALGORITHM = 'GOOG4-RSA-SHA256';
const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'] as const;

/** What a signed URL grants. */
export interface SignedUrlOptions {
  bucket: string;
  /** The object name; omit for a URL to the bucket itself. */
  object?: string;
  /** Default `GET`. A resumable upload is `POST` with header `x-goog-resumable: start`. */
  method?: (typeof METHODS)[number];
  /** When the URL stops working: a Date or epoch milliseconds, at most seven days after `accessibleAt`. */
  expires: Date | number;
  /** When the URL starts working (it is also the signing time). Default now. */
  accessibleAt?: Date | number;
  /** Headers the request must send with exactly these values (`x-goog-meta-*`, `content-type`...). */
  headers?: Readonly<Record<string, string>>;
  /** Shorthands for the `content-type` and `content-md5` headers. */
  contentType?: string;
  contentMd5?: string;
  /** Extra query parameters, signed too (`response-content-disposition`, `generation`...). */
  queryParams?: Readonly<Record<string, string>>;
  /** `https://BUCKET.storage.<universe>/OBJECT` instead of `https://storage.<universe>/BUCKET/OBJECT`. */
  virtualHostedStyle?: boolean;
  /** A custom domain serving the bucket, e.g. `https://cdn.example.com`; the path is then the object. */
  cname?: string;
  /** Another Storage endpoint (path style). Default `https://storage.<universeDomain>`. */
  host?: string;
  /** Default `googleapis.com`. */
  universeDomain?: string;
}

/** Everything a signed URL needs before the signature, as plain values. */
export interface StorageUrlToSign {
  /** The string the signer must sign (RSA-SHA256), UTF-8. */
  stringToSign: string;
  /** The URL without `X-Goog-Signature`; append `&X-Goog-Signature=<hex>`. */
  unsignedUrl: string;
}

/**
 * Builds the canonical request and the string to sign for a V4 signed URL as `signerEmail`.
 * Pure: no clock, no I/O; `accessibleAt` defaults to `now`.
 */
export function storageUrlToSign(
  options: SignedUrlOptions,
  signerEmail: string,
  now = Date.now(),
): StorageUrlToSign {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionsError('signed URL options must be an object naming at least bucket');
  }
  const { accessibleAt, expiresIn } = checkTimes(options, now);
  const method = options.method ?? 'GET';
  if (!METHODS.includes(method)) {
    throw new InvalidOptionsError(`signed URL method must be one of ${METHODS.join(', ')}`);
  }
  checkName(options.bucket, 'bucket');
  if (options.object !== undefined) checkName(options.object, 'object');
  const universe = options.universeDomain ?? DEFAULT_UNIVERSE_DOMAIN;
  const origin = new URL(
    options.cname ??
      (options.virtualHostedStyle
        ? `https://${options.bucket}.storage.${universe}`
        : (options.host ?? `https://storage.${universe}`)),
  );
  const customHost = options.cname !== undefined || options.virtualHostedStyle === true;
  const object = options.object === undefined ? undefined : encodePath(options.object);
  const path = customHost
    ? `/${object ?? ''}`
    : `/${options.bucket}${object === undefined ? '' : `/${object}`}`;

  const headers = canonicalHeaderEntries({
    ...lowerCaseKeys(options.headers ?? {}),
    host: origin.hostname,
    ...(options.contentMd5 && { 'content-md5': options.contentMd5 }),
    ...(options.contentType && { 'content-type': options.contentType }),
  });
  const signedHeaders = headers.map(([name]) => name).join(';');
  const payloadHash = payloadHashOf(headers);

  const date = isoBasic(accessibleAt);
  const scope = `${date.slice(0, 8)}/auto/storage/goog4_request`;
  const query: [string, string][] = [
    ['X-Goog-Algorithm', ALGORITHM],
    ['X-Goog-Credential', `${signerEmail}/${scope}`],
    ['X-Goog-Date', date],
    ['X-Goog-Expires', String(expiresIn)],
    ['X-Goog-SignedHeaders', signedHeaders],
    ...userQuery(options.queryParams ?? {}),
  ];
  const encoded = query.map(([k, v]) => [encodeComponent(k), encodeComponent(v)] as const);
  const canonicalQuery = [...encoded]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    method,
    path,
    canonicalQuery,
    headers.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    payloadHash ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const digest = sha256Hex(canonicalRequest);
  return {
    stringToSign: [ALGORITHM, date, scope, digest].join('\n'),
    unsignedUrl: `${origin.origin}${path}?${encoded.map(([k, v]) => `${k}=${v}`).join('&')}`,
  };
}

/**
 * A Cloud Storage V4 signed URL, signed by `credentials`: anyone holding it may make the one
 * request it describes until it expires, without credentials of their own.
 *
 * @example
 * ```ts
 * const url = await signStorageUrl(serviceAccount, {
 *   bucket: 'my-bucket',
 *   object: 'reports/2026.pdf',
 *   expires: Date.now() + 15 * 60_000,
 * });
 * ```
 */
export async function signStorageUrl(
  credentials: SigningCredentials,
  options: SignedUrlOptions,
): Promise<string> {
  if (typeof credentials?.sign !== 'function') {
    throw new InvalidOptionsError(
      'signStorageUrl needs credentials that can sign: service account, compute or impersonated credentials',
    );
  }
  const universeDomain =
    options.universeDomain ??
    (await (credentials as { getUniverseDomain?: () => Promise<string> }).getUniverseDomain?.());
  const toSign = storageUrlToSign(
    { ...options, universeDomain },
    await credentials.getSignerEmail(),
  );
  const { signature } = await credentials.sign(toSign.stringToSign);
  return `${toSign.unsignedUrl}&X-Goog-Signature=${encodeHex(signature)}`;
}

function checkTimes(
  options: SignedUrlOptions,
  now: number,
): { accessibleAt: number; expiresIn: number } {
  const accessibleAt = seconds(options.accessibleAt ?? now, 'accessibleAt');
  const expires = seconds(options.expires, 'expires');
  const expiresIn = expires - accessibleAt;
  if (expiresIn <= 0 || expires * 1000 <= now) {
    throw new InvalidOptionsError(
      'signed URL expires must be later than now and than accessibleAt (pass a Date or epoch milliseconds in the future)',
    );
  }
  if (expiresIn > MAX_SIGNED_URL_SECONDS) {
    throw new InvalidOptionsError(
      `signed URL expires must be at most seven days (${MAX_SIGNED_URL_SECONDS} s) after accessibleAt`,
    );
  }
  return { accessibleAt, expiresIn };
}

/** Whole epoch seconds of a Date or epoch milliseconds. */
function seconds(value: Date | number, field: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new InvalidOptionsError(
      `signed URL ${field} must be a Date or epoch milliseconds, got ${String(value)}`,
    );
  }
  return Math.floor(ms / 1000);
}

function checkName(name: unknown, field: string): void {
  if (typeof name !== 'string' || name === '' || name.length > 1024) {
    throw new InvalidOptionsError(`signed URL ${field} must be a non-empty name`);
  }
}

/** `20261207T011500Z`. */
function isoBasic(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/** Header names lower-cased and sorted, values trimmed with inner runs of space collapsed. */
function canonicalHeaderEntries(headers: Record<string, string>): [string, string][] {
  return Object.entries(headers)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]): [string, string] => [name, `${value}`.trim().replace(/\s{2,}/g, ' ')])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function payloadHashOf(headers: [string, string][]): string | undefined {
  const value = headers.find(([name]) => name === 'x-goog-content-sha256')?.[1];
  if (value === undefined) return undefined;
  if (!/^[A-Fa-f0-9]{64}$/.test(value)) {
    throw new InvalidOptionsError(
      'signed URL header x-goog-content-sha256 must be the hex SHA-256 of the payload',
    );
  }
  return value;
}

function userQuery(params: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(params).map(([name, value]) => {
    if (/^x-goog-(algorithm|credential|date|expires|signedheaders|signature)$/i.test(name)) {
      throw new InvalidOptionsError(`signed URL queryParams may not set ${name}: it is computed`);
    }
    return [name, String(value)];
  });
}

/** An object name as a path: each segment percent-encoded, `/` kept. */
function encodePath(text: string): string {
  return text.split('/').map(encodeComponent).join('/');
}

/** RFC 3986 percent-encoding of everything but unreserved characters. */
function encodeComponent(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
