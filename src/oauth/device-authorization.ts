import { TokenResponseError } from '../errors.js';
import { buildTokenRequest } from './token-endpoint.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';

/** RFC 8628's grant type for polling the token endpoint. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Seconds between polls when the server does not say (RFC 8628 §3.2). */
export const DEFAULT_POLL_INTERVAL_SEC = 5;

/**
 * The longest wait between polls, and the longest life of a device code, that a server may ask
 * for: beyond them a value is a mistake or an attack (past setTimeout's range, a wait would fire
 * at once and poll every millisecond).
 */
export const MAX_POLL_INTERVAL_SEC = 600;
export const MAX_DEVICE_CODE_LIFETIME_SEC = 86_400;

/** What to show the user: where to go and which code to type. */
export interface DeviceAuthorization {
  /** The short code the user types at {@link verificationUri}. */
  userCode: string;
  verificationUri: string;
  /** The verification URI with the code filled in, when the server offers one. */
  verificationUriComplete?: string;
  /** Seconds the codes stay valid. */
  expiresIn: number;
  /** Seconds to wait between polls. */
  interval: number;
}

/** A device authorization response: what the user sees, and the device code (a secret). */
export interface DeviceAuthorizationResponse extends DeviceAuthorization {
  deviceCode: string;
}

/**
 * Builds the POST that starts a device login (RFC 8628 §3.1) for a public client; a
 * confidential client authenticates as at the token endpoint (see `sendGrant`).
 */
export function buildDeviceAuthorizationRequest(
  url: string,
  clientId: string,
  scopes: readonly string[],
): HttpRequest {
  return buildTokenRequest(url, { client_id: clientId, scope: scopes.join(' ') });
}

/**
 * Reads a device authorization response (RFC 8628 §3.2). Accepts Google's `verification_url`
 * as well as the RFC's `verification_uri`.
 */
export function parseDeviceAuthorizationResponse(
  response: HttpResponse,
  url: string,
): DeviceAuthorizationResponse {
  if (response.status < 200 || response.status >= 300) {
    throw responseError(response, url, 'device authorization request');
  }
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    // Reported below as a missing field.
  }
  const text = (field: string) =>
    json !== null && typeof json[field] === 'string' && json[field] !== ''
      ? (json[field] as string)
      : undefined;
  const deviceCode = text('device_code');
  const userCode = text('user_code');
  const verificationUri = text('verification_uri') ?? text('verification_url');
  const expiresIn = Number(json?.expires_in);
  const where = describeUrl(url);
  if (expiresIn > MAX_DEVICE_CODE_LIFETIME_SEC) {
    throw new TokenResponseError(
      `device authorization endpoint ${where} answered an expires_in beyond ${MAX_DEVICE_CODE_LIFETIME_SEC} s (check the device authorization URL)`,
      where,
    );
  }
  if (!deviceCode || !userCode || !verificationUri || !(expiresIn > 0)) {
    const missing = [
      !deviceCode && 'device_code',
      !userCode && 'user_code',
      !verificationUri && 'verification_uri',
      !(expiresIn > 0) && 'expires_in',
    ].filter(Boolean);
    throw new TokenResponseError(
      `device authorization endpoint ${describeUrl(url)} answered HTTP ${response.status} without ${missing.join(', ')} (check the device authorization URL)`,
      describeUrl(url),
    );
  }
  const interval = json.interval === undefined ? DEFAULT_POLL_INTERVAL_SEC : Number(json.interval);
  if (!(interval > 0 && interval <= MAX_POLL_INTERVAL_SEC)) {
    throw new TokenResponseError(
      `device authorization endpoint ${where} answered an interval that is not a number of seconds above 0 and up to ${MAX_POLL_INTERVAL_SEC} (check the device authorization URL)`,
      where,
    );
  }
  const verificationUriComplete =
    text('verification_uri_complete') ?? text('verification_url_complete');
  const unshowable = [
    !isShowableUrl(verificationUri) && 'verification_uri',
    verificationUriComplete !== undefined &&
      !isShowableUrl(verificationUriComplete) &&
      'verification_uri_complete',
    !SHOWABLE_USER_CODE.test(userCode) && 'user_code',
  ].filter(Boolean);
  if (unshowable.length > 0) {
    throw new TokenResponseError(
      `device authorization endpoint ${where} answered a ${unshowable.join(' and a ')} that cannot be shown to the user (control characters, too long, or not an http(s) URL); it was refused`,
      where,
    );
  }
  return { deviceCode, userCode, verificationUri, verificationUriComplete, expiresIn, interval };
}

/**
 * What the user is shown is printed to a terminal or put on a page: control characters (a
 * terminal's escape sequences), line breaks and other schemes (`javascript:`) are refused.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const SHOWABLE_USER_CODE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]{1,64}$/;
// eslint-disable-next-line no-control-regex -- refusing control characters and spaces is the point
const SHOWABLE_URL = /^https?:\/\/[^\u0000-\u0020\u007f-\u009f\u2028\u2029]{1,2000}$/i;

function isShowableUrl(url: string): boolean {
  return SHOWABLE_URL.test(url) && URL.canParse(url);
}
