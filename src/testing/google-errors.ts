/**
 * The two error shapes Google serves: OAuth 2.0 errors from the token endpoint (RFC 6749
 * §5.2) and google.rpc-style errors from APIs.
 */
import { STATUS_CODES } from 'node:http';

/**
 * An OAuth error response (`{error, error_description}`). Route and grant handlers throw it;
 * the router turns it into the response.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/** The OAuth error code a token endpoint would answer with for an HTTP status. */
export function oauthErrorForStatus(status: number): OAuthError {
  const description = STATUS_CODES[status] ?? 'Error';
  if (status === 401) return new OAuthError('invalid_client', description, status);
  if (status === 403) return new OAuthError('access_denied', description, status);
  if (status === 429 || status === 503) {
    return new OAuthError('temporarily_unavailable', description, status);
  }
  if (status >= 500) return new OAuthError('server_error', description, status);
  return new OAuthError('invalid_request', description, status);
}

const RPC_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** A Google API error body: `{error: {code, message, status}}`. */
export function apiErrorBody(
  status: number,
  message = STATUS_CODES[status] ?? 'Error',
): { error: { code: number; message: string; status: string } } {
  const rpc = RPC_STATUS[status] ?? 'UNKNOWN';
  return { error: { code: status, message, status: rpc } };
}
