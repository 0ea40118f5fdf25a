import { AbortedError, AuthError, OAuthError } from '../errors.js';
import type { DeviceAuthorizationResponse } from './device-authorization.js';
import { sleep as defaultSleep } from '../http/retry.js';
import type { OAuthTokens } from './tokens.js';

/** RFC 8628 §3.5: `slow_down` adds five seconds to the interval, for good. */
const SLOW_DOWN_SEC = 5;

/**
 * A device login in progress (RFC 8628 §3.2): show `userCode` and `verificationUri` to the user;
 * `deviceCode` is a secret the device polls with.
 */
export interface PendingDeviceLogin extends DeviceAuthorizationResponse {
  /** Epoch milliseconds after which the device code is dead. */
  expiresAt: number;
}

/** Options of {@link pollForDeviceToken}. */
export interface DevicePollOptions {
  /** Stops polling with `ERR_ABORTED`. */
  signal?: AbortSignal;
  /** Waits between polls; replace it in tests to observe the intervals without waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Polls until the user finishes (RFC 8628 §3.4–3.5): waits `interval` seconds before each
 * request, keeps going on `authorization_pending`, adds five seconds for good on `slow_down`,
 * and stops with `ERR_ACCESS_DENIED` on `access_denied` and `ERR_DEVICE_CODE_EXPIRED` on
 * `expired_token` or when the code's lifetime has passed.
 */
export async function pollForDeviceToken(
  authorization: PendingDeviceLogin,
  requestToken: () => Promise<OAuthTokens>,
  now: () => number,
  options: DevicePollOptions = {},
): Promise<OAuthTokens> {
  const sleep = options.sleep ?? defaultSleep;
  let interval = authorization.interval;
  for (;;) {
    if (options.signal?.aborted) throw new AbortedError('device authorization polling was aborted');
    if (now() + interval * 1000 >= authorization.expiresAt) throw expired();
    await sleep(interval * 1000, options.signal);
    try {
      return await requestToken();
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      switch (error.error) {
        case 'authorization_pending':
          continue;
        case 'slow_down':
          interval += SLOW_DOWN_SEC;
          continue;
        case 'access_denied':
          throw new OAuthError(
            'the user denied the device authorization request',
            { error: error.error, errorDescription: error.errorDescription, status: error.status },
            'ERR_ACCESS_DENIED',
          );
        case 'expired_token':
          throw expired();
        default:
          throw error;
      }
    }
  }
}

function expired(): AuthError {
  return new AuthError(
    'ERR_DEVICE_CODE_EXPIRED',
    'the device code expired before the user finished; start the device login again',
  );
}
