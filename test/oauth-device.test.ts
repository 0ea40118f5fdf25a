import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { OAuthProvider } from '../src/oauth/provider.js';
import { rejectsWith } from './support/oidc-provider-assertions.js';
import {
  startStubProvider,
  type StubAnswer,
  type StubProvider,
} from './support/oidc-provider-stub.js';

const DEVICE_CODE = 'the-device-code';

describe('device authorization polling (RFC 8628, scripted provider)', () => {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let stub: StubProvider;
  let now: number;
  beforeEach(async () => {
    stub = await startStubProvider({ signingKey });
    now = Date.now();
    stub.route('/device', () => ({
      body: {
        device_code: DEVICE_CODE,
        user_code: 'WDJB-MJHT',
        verification_uri: `${stub.issuer}/activate`,
        verification_uri_complete: `${stub.issuer}/activate?user_code=WDJB-MJHT`,
        expires_in: 1800,
      },
    }));
  });
  afterEach(() => stub.close());

  const provider = () =>
    new OAuthProvider({
      issuer: stub.issuer,
      clientId: 'tv',
      clock: () => now,
      http: { retry: { maxAttempts: 1 } },
    });

  /** Answers token polls with `answers` in turn (the last one repeats). */
  function tokenAnswers(...answers: StubAnswer[]) {
    let n = 0;
    stub.route('/token', () => answers[Math.min(n++, answers.length - 1)]);
  }
  const pending: StubAnswer = { status: 400, body: { error: 'authorization_pending' } };
  const slowDown: StubAnswer = { status: 400, body: { error: 'slow_down' } };
  const success: StubAnswer = { body: { access_token: 'device-access', token_type: 'Bearer' } };

  /** A sleep that advances the clock instead of waiting, recording each wait. */
  function recordingSleep(waits: number[]) {
    return async (ms: number) => {
      waits.push(ms);
      now += ms;
    };
  }

  it('reads the device authorization response', async () => {
    const authorization = await provider().deviceAuthorization({ scope: ['openid', 'profile'] });
    assert.equal(authorization.userCode, 'WDJB-MJHT');
    assert.equal(authorization.interval, 5);
    assert.equal(authorization.expiresAt, now + 1_800_000);
    assert.equal(stub.requests.at(-1)?.form.get('scope'), 'openid profile');
    assert.equal(stub.requests.at(-1)?.form.get('client_id'), 'tv');
  });

  it('waits the interval before each poll and adds 5 s for good on slow_down', async () => {
    tokenAnswers(pending, slowDown, pending, success);
    const p = provider();
    const waits: number[] = [];
    const { tokens } = await p.pollDeviceToken(await p.deviceAuthorization(), {
      sleep: recordingSleep(waits),
    });
    assert.equal(tokens.accessToken, 'device-access');
    assert.deepEqual(waits, [5000, 5000, 10_000, 10_000]);
    const polls = stub.requests.filter((r) => r.path === '/token');
    assert.equal(polls.length, 4);
    assert.ok(
      polls.every(
        (r) => r.form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code',
      ),
    );
    assert.ok(polls.every((r) => r.form.get('device_code') === DEVICE_CODE));
  });

  it('reads an OAuth error sent with HTTP 200, as GitHub sends them: pending and slow_down keep polling', async () => {
    tokenAnswers(
      { body: { error: 'authorization_pending' } },
      { body: { error: 'slow_down', error_description: 'Too many requests' } },
      success,
    );
    const p = provider();
    const waits: number[] = [];
    const { tokens } = await p.pollDeviceToken(await p.deviceAuthorization(), {
      sleep: recordingSleep(waits),
    });
    assert.equal(tokens.accessToken, 'device-access');
    assert.deepEqual(waits, [5000, 5000, 10_000]);
  });

  it('stops with ERR_DEVICE_CODE_EXPIRED on expired_token', async () => {
    tokenAnswers(pending, { status: 400, body: { error: 'expired_token' } });
    const p = provider();
    await rejectsWith(
      p.pollDeviceToken(await p.deviceAuthorization(), { sleep: recordingSleep([]) }),
      'ERR_DEVICE_CODE_EXPIRED',
      [DEVICE_CODE],
    );
  });

  it('stops with ERR_DEVICE_CODE_EXPIRED once the code has outlived expires_in', async () => {
    tokenAnswers(pending);
    stub.route('/device', () => ({
      body: {
        device_code: DEVICE_CODE,
        user_code: 'U',
        verification_uri: 'https://x.test',
        expires_in: 60,
      },
    }));
    const p = provider();
    const waits: number[] = [];
    await rejectsWith(
      p.pollDeviceToken(await p.deviceAuthorization(), { sleep: recordingSleep(waits) }),
      'ERR_DEVICE_CODE_EXPIRED',
    );
    assert.equal(waits.length, 11, 'polls every 5 s for 60 s, never past the expiry');
  });

  it('stops with ERR_ACCESS_DENIED when the user says no', async () => {
    tokenAnswers(pending, {
      status: 400,
      body: { error: 'access_denied', error_description: 'nope' },
    });
    const p = provider();
    const error = await rejectsWith(
      p.pollDeviceToken(await p.deviceAuthorization(), { sleep: recordingSleep([]) }),
      'ERR_ACCESS_DENIED',
      [DEVICE_CODE],
    );
    assert.equal((error as { errorDescription?: string }).errorDescription, 'nope');
  });

  it('stops with ERR_ABORTED when the signal fires while waiting', async () => {
    tokenAnswers(pending);
    const p = provider();
    const controller = new AbortController();
    const polling = p.pollDeviceToken(await p.deviceAuthorization(), { signal: controller.signal });
    setImmediate(() => controller.abort());
    await rejectsWith(polling, 'ERR_ABORTED', [DEVICE_CODE]);
    assert.equal(stub.requests.filter((r) => r.path === '/token').length, 0);
  });

  it('passes other token errors through as OAuthErrors', async () => {
    tokenAnswers({ status: 401, body: { error: 'invalid_client' } });
    const p = provider();
    await rejectsWith(
      p.pollDeviceToken(await p.deviceAuthorization(), { sleep: recordingSleep([]) }),
      'ERR_OAUTH',
      [DEVICE_CODE],
    );
  });

  it('refuses a device authorization response without a device code', async () => {
    stub.route('/device', () => ({
      body: { user_code: 'X', verification_uri: 'https://x', expires_in: 60 },
    }));
    await rejectsWith(provider().deviceAuthorization(), 'ERR_TOKEN_RESPONSE');
  });
});
