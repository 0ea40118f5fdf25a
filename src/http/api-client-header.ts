import { WARRANT_VERSION } from '../version.js';

/**
 * The credential a token request is for, in the labels Google's auth libraries send:
 * service account, user, metadata server, impersonated, external account.
 */
export type CredentialKind = 'sa' | 'u' | 'mds' | 'imp' | 'ext';

/** What is being fetched: an access token or an ID token. */
export type TokenKind = 'at' | 'it';

const RUNTIME =
  typeof process !== 'undefined' && typeof process.versions?.node === 'string'
    ? `gl-node/${process.versions.node} `
    : '';

/**
 * The `x-goog-api-client` header for a request warrant sends itself (token, metadata, IAM,
 * STS): `gl-node/<node> auth/<warrant> auth-request-type/<at|it> cred-type/<kind>`, the form
 * Google's auth libraries use for their own metrics. Never part of `getRequestHeaders()`, where
 * it would override what googleapis or google-gax send for the API call.
 */
export function apiClientHeader(
  credential: CredentialKind,
  token: TokenKind = 'at',
): { 'x-goog-api-client': string } {
  return {
    'x-goog-api-client': `${RUNTIME}auth/${WARRANT_VERSION} auth-request-type/${token} cred-type/${credential}`,
  };
}
