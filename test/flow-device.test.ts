import assert from 'node:assert/strict';
import { DeviceFlow } from '../src/flows/device-flow.js';
import { OAuthError } from '../src/errors.js';
import { pollForDeviceToken } from '../src/oauth/device.js';
import { parseDeviceAuthorizationResponse } from '../src/oauth/device-authorization.js';
import { deviceLogins } from '../src/testing/routes/device.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { assertNoSecrets, caught, emulatorClient } from './support/login.js';

const SCOPES = ['openid', 'email'];

describe('DeviceFlow against the emulator', () => {
  const emulator = useEmulator();

  /** A flow whose waits are recorded instead of slept, on a clock they advance. */
  function deviceFlow() {
    const { secrets, section } = emulatorClient(emulator.current);
    const waits: number[] = [];
    let now = Date.now();
    const flow = DeviceFlow.fromClientConfig(secrets, {
      scopes: SCOPES,
      http: FAST_HTTP,
      clock: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    return { flow, waits, section };
  }

  it('starts a login, polls while it is pending, and returns credentials once approved', async () => {
    const { flow, waits } = deviceFlow();
    const shown = await flow.start();
    assert.match(shown.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(shown.verificationUri, `${emulator.current.url}/device`);
    assert.ok(shown.verificationUriComplete?.includes(encodeURIComponent(shown.userCode)));
    assert.equal(shown.interval, 5);
    assert.equal(shown.expiresIn, 1800);
    assert.ok(!('deviceCode' in shown), 'the device code stays inside the flow');
    deviceLogins(emulator.current).script(
      'authorization_pending',
      'authorization_pending',
      'approve',
    );
    const credentials = await flow.poll();
    assert.deepEqual(waits, [5000, 5000, 5000]);
    const echo = await fetch(emulator.current.echoUrl, {
      headers: await credentials.getRequestHeaders(),
    });
    assert.equal(((await echo.json()) as { principal: string }).principal, 'user@example.com');
    assert.equal(credentials.toJson().account, 'user@example.com');
  });

  it('is approved through the verification page, as a user would', async () => {
    const { flow } = deviceFlow();
    const shown = await flow.start();
    const page = await fetch(shown.verificationUriComplete!);
    assert.match(await page.text(), new RegExp(`value="${shown.userCode}"`));
    const approved = await fetch(shown.verificationUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        user_code: shown.userCode,
        email: 'grace@example.com',
        decision: 'allow',
      }).toString(),
    });
    assert.match(await approved.text(), /Device connected/);
    const credentials = await flow.poll();
    assert.equal(credentials.toJson().account, 'grace@example.com');
  });

  it('adds five seconds after each slow_down, for good, through a storm of them', async () => {
    const { flow, waits } = deviceFlow();
    await flow.start();
    deviceLogins(emulator.current).script(
      'slow_down',
      'slow_down',
      'authorization_pending',
      'slow_down',
      'authorization_pending',
      'approve',
    );
    await flow.poll();
    assert.deepEqual(waits, [5000, 10000, 15000, 15000, 20000, 20000]);
  });

  it('reports a declined login as ERR_ACCESS_DENIED', async () => {
    const { flow, section } = deviceFlow();
    const shown = await flow.start();
    deviceLogins(emulator.current).deny(shown.userCode);
    const error = await caught(flow.poll());
    assert.equal(error.code, 'ERR_ACCESS_DENIED');
    assertNoSecrets(error, [section.client_secret]);
  });

  it('reports expired_token from the server as ERR_DEVICE_CODE_EXPIRED', async () => {
    const { flow, section } = deviceFlow();
    await flow.start();
    deviceLogins(emulator.current).expireAll();
    const error = await caught(flow.poll());
    assert.equal(error.code, 'ERR_DEVICE_CODE_EXPIRED');
    assert.equal((error as { error?: string }).error, 'expired_token');
    assertNoSecrets(error, [section.client_secret]);
  });

  it('stops polling once expires_in has passed, without asking the server again', async () => {
    const { flow, waits } = deviceFlow();
    const logins = deviceLogins(emulator.current);
    logins.expiresIn = 20;
    try {
      await flow.start();
    } finally {
      logins.expiresIn = 1800;
    }
    emulator.current.resetHits();
    const error = await caught(flow.poll());
    assert.equal(error.code, 'ERR_DEVICE_CODE_EXPIRED');
    assert.deepEqual(waits, [5000, 5000, 5000], 'no wait that would outlive the code');
    assert.equal(emulator.current.hits.token, 3, 'polls at 5, 10 and 15 s; none at 20 s');
  });

  it('stops with ERR_ABORTED when the signal fires between polls', async () => {
    const { secrets } = emulatorClient(emulator.current);
    const controller = new AbortController();
    const flow = DeviceFlow.fromClientConfig(secrets, {
      scopes: SCOPES,
      sleep: (_ms, signal) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 1);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(Object.assign(new Error('aborted'), { code: 'ERR_ABORTED' }));
          });
        }),
    });
    await flow.start();
    setTimeout(() => controller.abort(), 20);
    const error = await caught(flow.poll({ signal: controller.signal }));
    assert.equal(error.code, 'ERR_ABORTED');
  });

  it('refuses to poll before start', async () => {
    const { flow } = deviceFlow();
    assert.equal((await caught(flow.poll())).code, 'ERR_INVALID_OPTIONS');
  });

  it('surfaces an unknown client at start as the server error', async () => {
    const flow = new DeviceFlow({
      clientId: 'unknown.apps',
      clientSecret: 'GOCSPX-nobody',
      scopes: SCOPES,
      deviceAuthorizationUri: `${emulator.current.url}/device/code`,
      http: FAST_HTTP,
    });
    const error = await caught(flow.start());
    assert.equal(error.code, 'ERR_OAUTH');
    assert.equal((error as { error?: string }).error, 'invalid_client');
    assertNoSecrets(error, ['GOCSPX-nobody']);
  });
});

describe('parseDeviceAuthorizationResponse', () => {
  const answer = (body: unknown, status = 200) => ({
    status,
    headers: new Headers(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

  it("reads RFC 8628's verification_uri and defaults the interval to five seconds", () => {
    const parsed = parseDeviceAuthorizationResponse(
      answer({
        device_code: 'd',
        user_code: 'U',
        verification_uri: 'https://x.test/device',
        expires_in: 600,
      }),
      'https://x.test/device/code',
    );
    assert.equal(parsed.verificationUri, 'https://x.test/device');
    assert.equal(parsed.interval, 5);
  });

  it('names the fields a malformed answer lacks, without echoing the device code', () => {
    assert.throws(
      () =>
        parseDeviceAuthorizationResponse(
          answer({ device_code: 'secret-device-code' }),
          'https://x.test/device/code',
        ),
      (error: Error & { code?: string }) =>
        error.code === 'ERR_TOKEN_RESPONSE' &&
        /user_code, verification_uri, expires_in/.test(error.message) &&
        !error.message.includes('secret-device-code'),
    );
    assert.throws(() => parseDeviceAuthorizationResponse(answer('<html>'), 'https://x.test/d'), {
      code: 'ERR_TOKEN_RESPONSE',
    });
  });

  it('refuses an interval beyond setTimeout range, zero, negative or not a number (ERR_TOKEN_RESPONSE)', () => {
    for (const interval of [1e10, 601, 0, -5, 'soon', Number.POSITIVE_INFINITY]) {
      const body = {
        device_code: 'd',
        user_code: 'U',
        verification_uri: 'https://x.test/device',
        expires_in: 600,
      };
      assert.throws(
        () =>
          parseDeviceAuthorizationResponse(
            answer({ ...body, interval }),
            'https://x.test/device/code',
          ),
        (error: Error & { code?: string }) =>
          error.code === 'ERR_TOKEN_RESPONSE' &&
          /interval that is not a number of seconds above 0 and up to 600/.test(error.message),
        `interval ${interval}`,
      );
    }
  });

  it('refuses a user code or verification URI a terminal or page could be tricked by', () => {
    const body = {
      device_code: 'secret-device-code',
      user_code: 'WXYZ-1234',
      verification_uri: 'https://x.test/device',
      verification_uri_complete: 'https://x.test/device?user_code=WXYZ-1234',
      expires_in: 600,
    };
    const hostile: [string, string][] = [
      ['user_code', 'WXYZ\u001b[2J\u001b]0;owned\u0007'],
      ['user_code', 'WXYZ\r\nVisit https://evil.test'],
      ['user_code', 'W'.repeat(65)],
      ['verification_uri', 'javascript:alert(1)'],
      ['verification_uri', 'https://x.test/device\u001b[8m'],
      ['verification_uri', 'https://x.test/device and enter EVIL-CODE at https://evil.test'],
      ['verification_uri', `https://x.test/${'d'.repeat(3000)}`],
      ['verification_uri_complete', 'file:///etc/passwd'],
      ['verification_uri_complete', 'https://x.test/\nline'],
    ];
    for (const [field, value] of hostile) {
      assert.throws(
        () =>
          parseDeviceAuthorizationResponse(
            answer({ ...body, [field]: value }),
            'https://x.test/device/code',
          ),
        (error: Error & { code?: string }) =>
          error.code === 'ERR_TOKEN_RESPONSE' &&
          error.message.includes(`a ${field} that cannot be shown`) &&
          !error.message.includes(value) &&
          !error.message.includes('secret-device-code'),
        `${field} ${JSON.stringify(value.slice(0, 60))}`,
      );
    }
    const shown = parseDeviceAuthorizationResponse(answer(body), 'https://x.test/device/code');
    assert.equal(shown.verificationUriComplete, body.verification_uri_complete);
    assert.equal(shown.userCode, 'WXYZ-1234');
  });

  it('refuses a device code lifetime beyond a day', () => {
    const body = { device_code: 'd', user_code: 'U', verification_uri: 'https://x.test/device' };
    assert.throws(
      () =>
        parseDeviceAuthorizationResponse(answer({ ...body, expires_in: 1e13 }), 'https://x.test/d'),
      { code: 'ERR_TOKEN_RESPONSE' },
    );
  });
});

describe('the device poller', () => {
  it('never waits longer than 600 s between polls, however many slow_downs', async () => {
    const waits: number[] = [];
    let now = 0;
    let polls = 0;
    const slowDown = new OAuthError('slow down', { error: 'slow_down' });
    const result = await pollForDeviceToken(
      { interval: 590, expiresAt: 1e9 },
      async () => {
        if (++polls < 4) throw slowDown;
        return 'tokens';
      },
      () => now,
      { sleep: async (ms) => void (waits.push(ms), (now += ms)) },
    );
    assert.equal(result, 'tokens');
    assert.deepEqual(waits, [590_000, 595_000, 600_000, 600_000]);
  });
});
