/**
 * The IAM Service Account Credentials API (`iamcredentials.googleapis.com`) as protocol halves:
 * build the request for generateAccessToken, generateIdToken, signBlob and signJwt, and parse
 * each answer into a typed result or a typed error. Impersonated and compute credentials use it.
 */
import { OAuthError, TokenResponseError } from '../errors.js';
import { apiClientHeader } from '../http/api-client-header.js';
import { decodeBase64, encodeBase64 } from '../platform/base64url.js';
import { exchange } from '../http/exchange.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpOptions, HttpRequest, HttpResponse } from '../http/types.js';
import { DEFAULT_UNIVERSE_DOMAIN, withoutTrailingSlashes } from '../options.js';
import { bearerSecrets } from './read-only-headers.js';
import type { SignResult } from './signing.js';

/** The IAM Credentials methods warrant calls. */
export type IamMethod = 'generateAccessToken' | 'generateIdToken' | 'signBlob' | 'signJwt';

/** The IAM permission each method needs on the target service account. */
export const IAM_PERMISSIONS: Readonly<Record<IamMethod, string>> = {
  generateAccessToken: 'iam.serviceAccounts.getAccessToken',
  generateIdToken: 'iam.serviceAccounts.getOpenIdToken',
  signBlob: 'iam.serviceAccounts.signBlob',
  signJwt: 'iam.serviceAccounts.signJwt',
};

/** Longest answer read: IAM answers are a few kilobytes at most. */
const MAX_RESPONSE_CHARS = 64 * 1024;

/** `https://iamcredentials.<universe>`, Google's endpoint in the given universe. */
export function defaultIamEndpoint(universeDomain = DEFAULT_UNIVERSE_DOMAIN): string {
  return `https://iamcredentials.${universeDomain}`;
}

/** What every IAM Credentials call names: where, as whom, through which delegates. */
export interface IamCall {
  /** Root of the API, e.g. `https://iamcredentials.googleapis.com`. */
  endpoint: string;
  /** Email (or unique id) of the service account to act as. */
  serviceAccount: string;
  /** Service accounts in the delegation chain, each allowed to act as the next. */
  delegates?: readonly string[];
  /** `authorization` (and quota project) headers of the caller. */
  headers: Headers;
}

/** `POST .../v1/projects/-/serviceAccounts/{account}:{method}` with a JSON body. */
export function buildIamRequest(
  call: IamCall,
  method: IamMethod,
  body: Record<string, unknown>,
): HttpRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    accept: 'application/json',
    ...(method === 'generateAccessToken' && apiClientHeader('imp')),
    ...(method === 'generateIdToken' && apiClientHeader('imp', 'it')),
  };
  call.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const delegates = call.delegates?.length
    ? { delegates: call.delegates.map(resourceName) }
    : undefined;
  return {
    url: `${withoutTrailingSlashes(call.endpoint)}/v1/${resourceName(call.serviceAccount)}:${method}`,
    method: 'POST',
    headers,
    body: JSON.stringify({ ...delegates, ...body }),
  };
}

/** What precedes the email in an account's IAM resource name. */
export const RESOURCE_NAME_PREFIX = 'projects/-/serviceAccounts/';

/** `projects/-/serviceAccounts/{email}`: the resource name IAM takes for an account. */
export function resourceName(serviceAccount: string): string {
  return `${RESOURCE_NAME_PREFIX}${encodeURIComponent(serviceAccount)}`;
}

/**
 * Calls `method` and returns its JSON answer; failures are typed errors in which the caller's
 * token never appears, even when the server echoes it.
 */
export function callIam(
  call: IamCall,
  method: IamMethod,
  body: Record<string, unknown>,
  http?: HttpOptions,
): Promise<Record<string, unknown>> {
  const request = buildIamRequest(call, method, body);
  const secrets = bearerSecrets(call.headers);
  return exchange(
    request,
    (response) => parseIamResponse(response, request.url, method, call.serviceAccount, secrets),
    http,
  );
}

/** Signs `data` with the service account's Google-managed key through `signBlob`. */
export async function iamSignBlob(
  call: IamCall,
  data: Uint8Array,
  http?: HttpOptions,
): Promise<SignResult> {
  const json = await callIam(call, 'signBlob', { payload: encodeBase64(data) }, http);
  const signedBlob = iamField(json, 'signedBlob', 'signBlob', call.endpoint);
  return {
    signature: decodeBase64(signedBlob),
    signerEmail: call.serviceAccount,
    keyId: typeof json.keyId === 'string' ? json.keyId : undefined,
  };
}

/** The body of an answer to `method` as a JSON object, or the typed error it stands for. */
export function parseIamResponse(
  response: HttpResponse,
  url: string,
  method: IamMethod,
  serviceAccount: string,
  knownSecrets: readonly string[] = [],
): Record<string, unknown> {
  if (response.status < 200 || response.status >= 300) {
    throw iamError(response, url, method, serviceAccount, knownSecrets);
  }
  const where = describeUrl(url);
  let json: unknown;
  if (response.body.length <= MAX_RESPONSE_CHARS) {
    try {
      json = JSON.parse(response.body);
    } catch {
      json = undefined;
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TokenResponseError(
      `IAM ${method} at ${where} answered HTTP ${response.status} with a body that is not a JSON object (check iamEndpoint)`,
      where,
    );
  }
  return json as Record<string, unknown>;
}

/** A non-empty string field of an IAM answer; a typed error naming the field otherwise. */
export function iamField(
  json: Record<string, unknown>,
  field: string,
  method: IamMethod,
  url: string,
): string {
  const value = json[field];
  if (typeof value !== 'string' || value === '') {
    throw new TokenResponseError(
      `IAM ${method} at ${describeUrl(url)} answered without ${field}`,
      describeUrl(url),
    );
  }
  return value;
}

/** Parses generateAccessToken's `{accessToken, expireTime}`; `expireTime` is RFC 3339. */
export function parseGeneratedAccessToken(
  json: Record<string, unknown>,
  url: string,
): { accessToken: string; expiresAt: number } {
  const accessToken = iamField(json, 'accessToken', 'generateAccessToken', url);
  const expireTime = iamField(json, 'expireTime', 'generateAccessToken', url);
  const expiresAt = expireTime.length <= 64 ? Date.parse(expireTime) : Number.NaN;
  if (!Number.isFinite(expiresAt)) {
    throw new TokenResponseError(
      `IAM generateAccessToken at ${describeUrl(url)} answered with an expireTime that is not an RFC 3339 time`,
      describeUrl(url),
    );
  }
  return { accessToken, expiresAt };
}

/**
 * IAM's failures as typed errors. A 403 names the permission the caller lacks and how to grant
 * it, whatever the server's text: "Permission denied" alone tells a user nothing.
 */
function iamError(
  response: HttpResponse,
  url: string,
  method: IamMethod,
  serviceAccount: string,
  knownSecrets: readonly string[],
): Error {
  const what = `IAM ${method} for ${serviceAccount}`;
  const error = responseError(response, url, what, knownSecrets);
  if (response.status !== 403 || !(error instanceof OAuthError)) return error;
  const permission = IAM_PERMISSIONS[method];
  return new OAuthError(
    `IAM ${method} for ${serviceAccount} was denied: the caller lacks ${permission} (grant the calling principal roles/iam.serviceAccountTokenCreator on ${serviceAccount}, and on each delegate in the chain)`,
    {
      error: error.error,
      errorDescription: error.errorDescription,
      status: error.status,
      endpoint: error.endpoint,
    },
    'ERR_PERMISSION_DENIED',
  );
}
