import { AbortedError, AuthError, OAuthError } from '../errors.js';
import { sleep as defaultSleep } from '../http/retry.js';
import { MAX_POLL_INTERVAL_SEC, type DeviceAuthorizationResponse } from './device-authorization.js';

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
 * The one device-code poller (RFC 8628 §3.4–3.5), for `DeviceFlow` and `OAuthProvider`: waits
 * `interval` seconds before each request, keeps going on `authorization_pending`, adds five
 * seconds for good on `slow_down` (never past {@link MAX_POLL_INTERVAL_SEC}), and stops with
 * `ERR_ACCESS_DENIED` on `access_denied`, and with `ERR_DEVICE_CODE_EXPIRED` on `expired_token`
 * or before a wait that would outlive the code.
 */
export async function pollForDeviceToken<T>(
  authorization: Pick<PendingDeviceLogin, 'interval' | 'expiresAt'>,
  requestToken: () => Promise<T>,
  now: () => number,
  options: DevicePollOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  let interval = Math.min(authorization.interval, MAX_POLL_INTERVAL_SEC);
  for (;;) {
    if (options.signal?.aborted) throw aborted();
    if (now() + interval * 1000 >= authorization.expiresAt) {
      throw expired('its lifetime passed');
    }
    await sleep(interval * 1000, options.signal);
    if (options.signal?.aborted) throw aborted();
    try {
      return await requestToken();
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      switch (error.error) {
        case 'authorization_pending':
          continue;
        case 'slow_down':
          interval = Math.min(interval + SLOW_DOWN_SEC, MAX_POLL_INTERVAL_SEC);
          continue;
        case 'access_denied':
          throw new OAuthError(
            'the user declined the device login (access_denied); start the login again to retry',
            details(error),
            'ERR_ACCESS_DENIED',
          );
        case 'expired_token':
          throw expired('the server reports expired_token', details(error));
        default:
          throw error;
      }
    }
  }
}

function details(error: OAuthError) {
  return {
    error: error.error,
    errorDescription: error.errorDescription,
    status: error.status,
    endpoint: error.endpoint,
  };
}

function aborted(): AbortedError {
  return new AbortedError('device authorization polling was aborted');
}

function expired(why: string, from?: ReturnType<typeof details>): AuthError {
  const message = `the device code expired before the user approved (${why}); start the device login again`;
  return from
    ? new OAuthError(message, from, 'ERR_DEVICE_CODE_EXPIRED')
    : new AuthError('ERR_DEVICE_CODE_EXPIRED', message);
}
