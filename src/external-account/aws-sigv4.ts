/**
 * AWS Signature Version 4 (the header form), enough to sign the STS GetCallerIdentity request
 * that Google's STS replays to AWS to learn who the caller is. Pure: inputs in, headers out.
 */
import { encodeHex } from '../platform/base64url.js';
import { hmacSha256, sha256Hex } from '../platform/sha256.js';

export interface AwsSecurityCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for temporary credentials (roles, SSO). */
  sessionToken?: string;
}

export interface AwsRequestToSign {
  method: string;
  url: string;
  /** Headers to sign besides host and x-amz-date (e.g. x-goog-cloud-target-resource). */
  headers: Readonly<Record<string, string>>;
  body?: string;
  region: string;
  service: string;
  credentials: AwsSecurityCredentials;
  /** The signing time. */
  date: Date;
}

/** Every header of the signed request, `authorization` included, keyed by lower-case name. */
export function signAwsRequest(request: AwsRequestToSign): Record<string, string> {
  const url = new URL(request.url);
  const amzDate = request.date.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const headers: Record<string, string> = { host: url.host, 'x-amz-date': amzDate };
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  if (request.credentials.sessionToken) {
    headers['x-amz-security-token'] = request.credentials.sessionToken;
  }
  const scope = `${amzDate.slice(0, 8)}/${request.region}/${request.service}/aws4_request`;
  const { signedHeaders, signature } = awsSignature({
    method: request.method,
    url: request.url,
    headers,
    body: request.body ?? '',
    scope,
    amzDate,
    secretAccessKey: request.credentials.secretAccessKey,
  });
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${request.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

/** What a signature covers; shared by the signer and the emulator's STS, which checks it. */
export interface SignatureInput {
  method: string;
  url: string;
  /** The headers to sign, lower-case names. */
  headers: Readonly<Record<string, string>>;
  body: string;
  /** `yyyymmdd/region/service/aws4_request`. */
  scope: string;
  /** `yyyymmddThhmmssZ`. */
  amzDate: string;
  secretAccessKey: string;
}

/** The SigV4 signature (hex) of a request, and the `SignedHeaders` list it covers. */
export function awsSignature(input: SignatureInput): { signedHeaders: string; signature: string } {
  const url = new URL(input.url);
  const names = Object.keys(input.headers).sort();
  const canonicalHeaders = names
    .map((name) => `${name}:${input.headers[name].trim().replace(/ +/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    input.amzDate,
    input.scope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  let key: Uint8Array = new TextEncoder().encode(`AWS4${input.secretAccessKey}`);
  for (const part of input.scope.split('/')) key = hmacSha256(key, part);
  return { signedHeaders, signature: encodeHex(hmacSha256(key, stringToSign)) };
}

function canonicalPath(path: string): string {
  if (path === '' || path === '/') return '/';
  return path
    .split('/')
    .map((segment) => rfc3986(decodeURIComponent(segment)))
    .join('/');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([key, value]) => [rfc3986(key), rfc3986(value)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** URI encoding as SigV4 wants it: everything but unreserved characters. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
