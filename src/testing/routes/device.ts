/**
 * The device authorization grant (RFC 8628): `POST /device/code` starts a login, the token
 * endpoint's `urn:ietf:params:oauth:grant-type:device_code` grant is polled, and the user
 * approves at `/device` (an HTML page with Allow and Deny). Tests drive it without a page
 * through {@link deviceLogins}: approve or deny a user code, or script the next poll answers.
 */
import { randomInt } from 'node:crypto';
import type { EmulatorModule } from '../context.js';
import { OAuthError } from '../google-errors.js';
import { randomToken } from '../ids.js';
import { json, type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState, UserRecord } from '../state.js';
import { DEFAULT_CONSENT_EMAIL } from './authorize.js';
import { escapeHtml, htmlPage } from './html.js';
import { authenticateClient } from './token/client-auth.js';
import { splitScopes, userLoginTokens, type TokenRequest } from './token/grant.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const DEVICE_CODE_PATH = '/device/code';
export const DEVICE_VERIFICATION_PATH = '/device';

/** What the next poll answers in place of the login's real status. `approve` approves it. */
export type DevicePollAnswer =
  'authorization_pending' | 'slow_down' | 'access_denied' | 'expired_token' | 'approve';

interface DeviceLogin {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scopes: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
  status: 'pending' | 'approved' | 'denied';
  user?: UserRecord;
}

/** The device logins of one emulator, and the test's handle on them. */
export class DeviceLogins {
  /** Seconds clients are told to wait between polls. Default 5, as Google's. */
  interval = 5;
  /** Seconds a device code lives. Default 1800, as Google's. */
  expiresIn = 1800;
  readonly #byDeviceCode = new Map<string, DeviceLogin>();
  readonly #script: DevicePollAnswer[] = [];
  readonly #state: EmulatorState;

  constructor(state: EmulatorState) {
    this.#state = state;
  }

  /** Queues answers for the next polls of any device code, in order. */
  script(...answers: DevicePollAnswer[]): void {
    this.#script.push(...answers);
  }

  /** Approves the login showing `userCode`, as `email` (default `user@example.com`). */
  approve(userCode: string, email = DEFAULT_CONSENT_EMAIL): void {
    const login = this.#byUserCode(userCode);
    login.status = 'approved';
    login.user = this.#state.userFor(email);
  }

  /** Denies the login showing `userCode`. */
  deny(userCode: string): void {
    this.#byUserCode(userCode).status = 'denied';
  }

  /** Makes every device code issued so far expired. */
  expireAll(): void {
    for (const login of this.#byDeviceCode.values()) login.expiresAt = Date.now() - 1;
  }

  /** User codes of logins still waiting for the user. */
  pendingUserCodes(): string[] {
    return [...this.#byDeviceCode.values()]
      .filter((login) => login.status === 'pending')
      .map((login) => login.userCode);
  }

  start(clientId: string, scopes: string[]): DeviceLogin {
    const login: DeviceLogin = {
      deviceCode: `AH-1${randomToken(36)}`,
      userCode: userCode(),
      clientId,
      scopes,
      expiresAt: Date.now() + this.expiresIn * 1000,
      status: 'pending',
    };
    this.#byDeviceCode.set(login.deviceCode, login);
    return login;
  }

  get(deviceCode: string): DeviceLogin | undefined {
    return this.#byDeviceCode.get(deviceCode);
  }

  findByUserCode(code: string): DeviceLogin | undefined {
    const wanted = code.trim().toUpperCase();
    return [...this.#byDeviceCode.values()].find((login) => login.userCode === wanted);
  }

  /** Removes a redeemed or dead device code. */
  remove(deviceCode: string): void {
    this.#byDeviceCode.delete(deviceCode);
  }

  nextScripted(): DevicePollAnswer | undefined {
    return this.#script.shift();
  }

  #byUserCode(code: string): DeviceLogin {
    const login = this.findByUserCode(code);
    if (!login) throw new Error(`emulator: no device login shows user code ${code}`);
    return login;
  }
}

const registries = new WeakMap<EmulatorState, DeviceLogins>();

/**
 * The device logins of an emulator, to approve, deny or script them from a test.
 *
 * @example
 * ```ts
 * const { userCode } = await deviceFlow.start();
 * deviceLogins(emulator).approve(userCode);
 * ```
 */
export function deviceLogins(emulator: { state: EmulatorState }): DeviceLogins {
  const logins = registries.get(emulator.state);
  if (!logins) throw new Error('emulator: the device routes are not installed');
  return logins;
}

export const deviceAuthorization: EmulatorModule = ({ router, state, grants }) => {
  const logins = new DeviceLogins(state);
  registries.set(state, logins);
  router.add({
    name: 'device-code',
    methods: ['POST'],
    paths: [DEVICE_CODE_PATH],
    errorShape: 'oauth',
    handle: (request) => startLogin(request, state, logins),
  });
  router.add({
    name: 'device-verification',
    methods: ['GET', 'POST'],
    paths: [DEVICE_VERIFICATION_PATH],
    handle: (request) => verificationPage(request, logins),
  });
  grants.set(DEVICE_CODE_GRANT, (request, current) => poll(request, current, logins));
};

function startLogin(
  request: EmulatorRequest,
  state: EmulatorState,
  logins: DeviceLogins,
): RouteResponse {
  const form = new URLSearchParams(request.body);
  const clientId = form.get('client_id');
  if (!clientId) throw new OAuthError('invalid_request', 'Missing required parameter: client_id');
  if (!state.clients.has(clientId))
    throw new OAuthError('invalid_client', 'The OAuth client was not found.');
  const scopes = splitScopes(form.get('scope') ?? undefined);
  if (scopes.length === 0)
    throw new OAuthError('invalid_scope', 'Missing required parameter: scope');
  const login = logins.start(clientId, scopes);
  const verification = `${state.url}${DEVICE_VERIFICATION_PATH}`;
  return json(200, {
    device_code: login.deviceCode,
    user_code: login.userCode,
    verification_url: verification,
    verification_uri_complete: `${verification}?user_code=${encodeURIComponent(login.userCode)}`,
    expires_in: logins.expiresIn,
    interval: logins.interval,
  });
}

async function poll(
  request: TokenRequest,
  state: EmulatorState,
  logins: DeviceLogins,
): Promise<Record<string, unknown>> {
  const client = authenticateClient(request, state);
  const login = logins.get(request.params.require('device_code'));
  if (!login || login.clientId !== client.clientId) {
    throw new OAuthError('invalid_grant', 'Bad Request');
  }
  const scripted = logins.nextScripted();
  if (scripted === 'approve') logins.approve(login.userCode);
  else if (scripted !== undefined) throw pollError(scripted);
  if (login.expiresAt <= Date.now()) {
    logins.remove(login.deviceCode);
    throw pollError('expired_token');
  }
  if (login.status === 'denied') {
    logins.remove(login.deviceCode);
    throw pollError('access_denied');
  }
  if (login.status === 'pending' || !login.user) throw pollError('authorization_pending');

  logins.remove(login.deviceCode);
  return userLoginTokens(state, client.clientId, login.user, login.scopes);
}

/** Google's statuses for the device grant's errors. */
function pollError(answer: Exclude<DevicePollAnswer, 'approve'>): OAuthError {
  switch (answer) {
    case 'authorization_pending':
      return new OAuthError(answer, 'Precondition Required', 428);
    case 'slow_down':
      return new OAuthError(answer, 'Forbidden', 403);
    case 'access_denied':
      return new OAuthError(answer, 'Forbidden', 403);
    case 'expired_token':
      return new OAuthError(answer, 'Bad Request', 400);
  }
}

/** `GET /device[?user_code=]` shows the code form; `POST /device` records Allow or Deny. */
function verificationPage(request: EmulatorRequest, logins: DeviceLogins): RouteResponse {
  if (request.method === 'GET') {
    return htmlPage(
      200,
      'Connect a device - Emulated Google Accounts',
      `<h1>Connect a device</h1>
<form method="post" action="${DEVICE_VERIFICATION_PATH}">
<p><label>Code <input name="user_code" value="${escapeHtml(request.query.get('user_code') ?? '')}"></label></p>
<p><label>Account <input name="email" type="email" value="${DEFAULT_CONSENT_EMAIL}"></label></p>
<p><button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button></p>
</form>`,
    );
  }
  const form = new URLSearchParams(request.body);
  const login = logins.findByUserCode(form.get('user_code') ?? '');
  if (!login || login.status !== 'pending' || login.expiresAt <= Date.now()) {
    return htmlPage(400, 'Invalid code', '<h1>That code is invalid or has expired</h1>');
  }
  if (form.get('decision') === 'allow') {
    logins.approve(login.userCode, form.get('email') || DEFAULT_CONSENT_EMAIL);
    return htmlPage(
      200,
      'Device connected',
      '<h1>Device connected</h1><p>You can return to your device.</p>',
    );
  }
  logins.deny(login.userCode);
  return htmlPage(200, 'Access denied', '<h1>You denied access</h1>');
}

/** Google's user codes: eight letters without look-alikes, as `XXXX-XXXX`. */
function userCode(): string {
  const letters = 'BCDFGHJKLMNPQRSTVWXZ';
  const pick = () => letters[randomInt(letters.length)];
  const half = () => Array.from({ length: 4 }, pick).join('');
  return `${half()}-${half()}`;
}
