/**
 * The error model. Every error warrant throws is an {@link AuthError} with a stable `code`.
 * Messages name what failed, which input, and what to do; they never carry a token, refresh
 * token, client secret, private key or assertion (see {@link redactSecrets}).
 */

/** Stable error codes. Match on these, never on messages. */
export type AuthErrorCode =
  | 'ERR_INVALID_CREDENTIALS'
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_INVALID_GRANT'
  | 'ERR_OAUTH'
  | 'ERR_TOKEN_RESPONSE'
  | 'ERR_HTTP'
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_NO_CREDENTIALS'
  | 'ERR_METADATA_UNAVAILABLE'
  | 'ERR_METADATA_SPOOFED'
  | 'ERR_UNSUPPORTED'
  | 'ERR_NODE_ONLY'
  | 'ERR_STATE_MISMATCH'
  | 'ERR_ACCESS_DENIED'
  | 'ERR_PERMISSION_DENIED'
  | 'ERR_AUTHORIZATION'
  | 'ERR_PORT_IN_USE'
  | 'ERR_DEVICE_CODE_EXPIRED'
  | 'ERR_TOKEN_STORE'
  | 'ERR_ID_TOKEN_INVALID'
  | 'ERR_ID_TOKEN_EXPIRED'
  | 'ERR_ID_TOKEN_SIGNATURE'
  | 'ERR_ID_TOKEN_KEY_NOT_FOUND'
  | 'ERR_DISCOVERY'
  | 'ERR_OAUTH1'
  | 'ERR_SUBJECT_TOKEN'
  | 'ERR_SUBJECT_TOKEN_EXPIRED'
  | 'ERR_EXECUTABLE_NOT_ALLOWED';

export interface AuthErrorOptions {
  /** The underlying failure, already stripped of secrets. */
  cause?: unknown;
}

/** Base of every error warrant throws. */
export class AuthError extends Error {
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }

  /** Whether trying the same operation again may succeed (transient network or server trouble). */
  get retryable(): boolean {
    return false;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** A credentials file, JSON object or option is malformed. Names the source and the field. */
export class InvalidCredentialsError extends AuthError {
  readonly source?: string;
  readonly field?: string;

  constructor(message: string, details: { source?: string; field?: string; cause?: unknown } = {}) {
    super('ERR_INVALID_CREDENTIALS', message, { cause: details.cause });
    this.source = details.source;
    this.field = details.field;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), source: this.source, field: this.field };
  }
}

/**
 * A feature that needs files, sockets or child processes (ADC files, the metadata server probe,
 * the loopback login, the file token store, gaxios) was called outside Node.js. `feature` names it.
 */
export class NodeOnlyError extends AuthError {
  readonly feature: string;

  constructor(feature: string, instead: string) {
    super(
      'ERR_NODE_ONLY',
      `${feature} needs Node.js and is not available in this runtime (${instead})`,
    );
    this.feature = feature;
  }
}

/** An option passed to a warrant API is missing or out of range. */
export class InvalidOptionsError extends AuthError {
  constructor(message: string) {
    super('ERR_INVALID_OPTIONS', message);
  }
}

/**
 * Workload identity federation could not get a subject token from its source (a file, a URL, an
 * executable, AWS, a certificate): the source is missing, refused, answered junk or an expired
 * token. `source` names where it was read from.
 */
export class SubjectTokenError extends AuthError {
  readonly source: string;

  constructor(
    message: string,
    source: string,
    code:
      | 'ERR_SUBJECT_TOKEN'
      | 'ERR_SUBJECT_TOKEN_EXPIRED'
      | 'ERR_EXECUTABLE_NOT_ALLOWED' = 'ERR_SUBJECT_TOKEN',
    cause?: unknown,
  ) {
    super(code, message, { cause });
    this.source = source;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), source: this.source };
  }
}

/** An OAuth 2.0 error response (RFC 6749 §5.2): `invalid_grant`, `invalid_client`, ... */
export class OAuthError extends AuthError {
  readonly error: string;
  readonly errorDescription?: string;
  readonly status?: number;
  readonly endpoint?: string;
  /** Seconds from a Retry-After header, when the server sent one. */
  readonly retryAfterSec?: number;

  constructor(
    message: string,
    details: {
      error: string;
      errorDescription?: string;
      status?: number;
      endpoint?: string;
      retryAfterSec?: number;
    },
    code: AuthErrorCode = details.error === 'invalid_grant' ? 'ERR_INVALID_GRANT' : 'ERR_OAUTH',
  ) {
    super(code, message);
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.status = details.status;
    this.endpoint = details.endpoint;
    this.retryAfterSec = details.retryAfterSec;
  }

  override get retryable(): boolean {
    return this.status !== undefined && isRetryableStatus(this.status);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      error: this.error,
      errorDescription: this.errorDescription,
      status: this.status,
      endpoint: this.endpoint,
    };
  }
}

/** A server answered with an unexpected HTTP status (and no OAuth error body). */
export class HttpError extends AuthError {
  readonly status: number;
  readonly url: string;
  /** Seconds from a Retry-After header, when the server sent one. */
  readonly retryAfterSec?: number;

  constructor(message: string, details: { status: number; url: string; retryAfterSec?: number }) {
    super('ERR_HTTP', message);
    this.status = details.status;
    this.url = details.url;
    this.retryAfterSec = details.retryAfterSec;
  }

  override get retryable(): boolean {
    return isRetryableStatus(this.status);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, url: this.url };
  }
}

/** A 2xx response whose body is not what the protocol promises. */
export class TokenResponseError extends AuthError {
  readonly url: string;

  constructor(message: string, url: string) {
    super('ERR_TOKEN_RESPONSE', message);
    this.url = url;
  }
}

/** The connection failed: refused, reset, DNS, TLS. */
export class NetworkError extends AuthError {
  readonly url: string;

  constructor(message: string, url: string, cause?: unknown) {
    super('ERR_NETWORK', message, { cause });
    this.url = url;
  }

  override get retryable(): boolean {
    return true;
  }
}

/** A request or a wait took longer than its bound. */
export class TimeoutError extends AuthError {
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number) {
    super('ERR_TIMEOUT', message);
    this.timeoutMs = timeoutMs;
  }

  override get retryable(): boolean {
    return true;
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends AuthError {
  constructor(message = 'the operation was aborted') {
    super('ERR_ABORTED', message);
  }
}

/** HTTP statuses worth another attempt: timeouts, throttling, transient server trouble. */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 ||
    status === 429 ||
    status === 500 ||
    status === 502 ||
    status === 503 ||
    status === 504
  );
}

// Every pattern below runs on text an attacker controls, so each must run in linear time: a
// failed match may not rescan what a later start position scans again. Each one consumes what it
// looks at, and the JWT pattern matches a whole dotted run and decides in code (see below).
const SECRET_PARAMS =
  /\b(access_token|refresh_token|id_token|client_secret|assertion|subject_token|code|code_verifier|device_code|password|private_key|token)=([^&\s"']+)/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
// A run of base64url segments joined by dots that starts with `eyJ`, or a run of word characters
// (which a start cannot fall inside, so no position is scanned twice).
const DOTTED_RUN = /\beyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)*|[A-Za-z0-9_]+/g;
const PEM = /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g;
const GOOGLE_TOKENS = /\b(ya29\.[A-Za-z0-9._-]+|1\/\/[A-Za-z0-9._-]+)/g;
// C0 and C1 controls (CR, LF, ESC ...) and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const MIN_KNOWN_SECRET_LENGTH = 4;

/** How much of a server's text an error message quotes. */
export const MAX_EXCERPT_LENGTH = 200;

/**
 * Strips anything shaped like a credential from text that came from outside (a server's error
 * body, a URL), and every occurrence of `knownSecrets` (the values a request sent), in case the
 * server echoed them back. Runs in time linear in the text's length, whatever the text.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let clean = text;
  for (const secret of knownSecrets) {
    if (secret.length >= MIN_KNOWN_SECRET_LENGTH) clean = clean.split(secret).join('[redacted]');
  }
  return clean
    .replace(PEM, '[redacted key]')
    .replace(SECRET_PARAMS, '$1=[redacted]')
    .replace(BEARER, '$1 [redacted]')
    .replace(DOTTED_RUN, (run) => (isJwtShaped(run) ? '[redacted jwt]' : run))
    .replace(GOOGLE_TOKENS, '[redacted token]');
}

/** Header, payload and signature: at least two dots, and a payload that is not empty. */
function isJwtShaped(run: string): boolean {
  if (!run.startsWith('eyJ')) return false;
  const firstDot = run.indexOf('.');
  const secondDot = firstDot === -1 ? -1 : run.indexOf('.', firstDot + 1);
  return secondDot > firstDot + 1;
}

/**
 * Server text made fit for an error message: secrets redacted, control characters (which could
 * forge lines in a log or a terminal) shown as `\uXXXX`, runs of white space collapsed, and at
 * most {@link MAX_EXCERPT_LENGTH} characters kept.
 */
export function excerpt(text: string, knownSecrets: readonly string[] = []): string {
  const clean = redactSecrets(text, knownSecrets)
    .replace(/[ \t\r\n]+/g, ' ')
    .replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .trim();
  return clean.length > MAX_EXCERPT_LENGTH ? `${clean.slice(0, MAX_EXCERPT_LENGTH)}…` : clean;
}
