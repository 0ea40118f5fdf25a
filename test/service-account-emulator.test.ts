import assert from 'node:assert/strict';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { AuthError } from '../src/errors.js';
import { closedPort, FAST_HTTP, useEmulator } from './support/emulator.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

describe('ServiceAccountCredentials against the emulator', () => {
  const emulator = useEmulator();
  const credentials = (options = {}) =>
    ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: [SCOPE],
      http: FAST_HTTP,
      ...options,
    });

  it('mints a token the emulator verifies and its echo API accepts', async () => {
    const sa = credentials();
    const response = await fetch(emulator.current.echoUrl, {
      headers: await sa.getRequestHeaders(),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { principal: string; scopes: string[] };
    assert.equal(body.principal, emulator.current.serviceAccountKey.client_email);
    assert.deepEqual(body.scopes, [SCOPE]);
    assert.equal(emulator.current.hits.token, 1);
  });

  it('causes exactly one token-endpoint hit for 500 concurrent getRequestHeaders()', async () => {
    emulator.current.setLatency(20);
    const sa = credentials();
    const all = await Promise.all(Array.from({ length: 500 }, () => sa.getRequestHeaders()));
    assert.equal(emulator.current.hits.token, 1);
    assert.equal(new Set(all.map((h) => h.get('authorization'))).size, 1);
  });

  it('mints with an ES256 service account', async () => {
    const key = emulator.current.createServiceAccount({ algorithm: 'ES256' });
    const sa = ServiceAccountCredentials.fromJson(key, { scopes: [SCOPE] });
    const response = await fetch(emulator.current.echoUrl, {
      headers: await sa.getRequestHeaders(),
    });
    assert.equal(response.status, 200);
  });

  it('calls the echo API with a self-signed JWT and no token request at all', async () => {
    const sa = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey);
    const url = `${emulator.current.echoUrl}/thing`;
    const response = await fetch(url, { headers: await sa.getRequestHeaders(url) });
    assert.equal(response.status, 200);
    assert.equal(emulator.current.hits.token, 0);
  });

  describe('domain-wide delegation (a subject) always goes to the token endpoint', () => {
    const echoed = async (sa: ServiceAccountCredentials, url = emulator.current.echoUrl) => {
      const response = await fetch(url, { headers: await sa.getRequestHeaders(url) });
      assert.equal(response.status, 200);
      return ((await response.json()) as { principal: string }).principal;
    };

    it('acts as the subject even with useSelfSignedJwt, which cannot carry one', async () => {
      const sa = credentials({ useSelfSignedJwt: true }).withSubject('alice@example.com');
      assert.equal(await echoed(sa), 'alice@example.com');
      assert.equal(emulator.current.hits.token, 1);
    });

    it('is refused outside the default universe, where there is no token endpoint for it', () => {
      const elsewhere = credentials({ universeDomain: 'example-universe.test' });
      assert.throws(() => elsewhere.withSubject('alice@example.com'), {
        code: 'ERR_INVALID_OPTIONS',
        message: /domain-wide delegation.*example-universe\.test/,
      });
    });
  });

  it('surfaces a rejected assertion as ERR_INVALID_GRANT without retrying', async () => {
    const stranger = emulator.current.createServiceAccount();
    const forged = { ...stranger, client_email: 'nobody@emulated.iam.gserviceaccount.com' };
    const sa = ServiceAccountCredentials.fromJson(forged, { scopes: [SCOPE], http: FAST_HTTP });
    await assert.rejects(sa.getAccessToken(), { code: 'ERR_INVALID_GRANT', status: 400 });
    assert.equal(emulator.current.hits.token, 1);
  });

  describe('token endpoint faults: a bounded retry, then a typed error, and the old token kept', () => {
    async function withPreviousToken() {
      let now = Date.now();
      const sa = credentials({ clock: () => now });
      const first = await sa.getAccessToken();
      now += (3600 - 120) * 1000; // inside the refresh margin, still really valid
      emulator.current.resetHits();
      return { sa, first };
    }

    const faults: [string, Parameters<typeof emulator.current.fail>[1], string, number][] = [
      ['500', { status: 500, count: 3 }, 'ERR_OAUTH', 3],
      [
        '500 with a plain-text body',
        { status: 500, count: 3, body: 'Internal error' },
        'ERR_HTTP',
        3,
      ],
      [
        '503 with Retry-After',
        { status: 503, count: 3, headers: { 'retry-after': '0' } },
        'ERR_OAUTH',
        3,
      ],
      ['429', { status: 429, count: 3 }, 'ERR_OAUTH', 3],
      ['a reset mid-body', { reset: true, count: 3 }, 'ERR_NETWORK', 3],
      [
        'a 200 with a non-JSON body',
        { status: 200, body: '<html>captive portal</html>' },
        'ERR_TOKEN_RESPONSE',
        1,
      ],
      [
        'a 200 without access_token',
        { status: 200, body: '{"token_type":"Bearer"}' },
        'ERR_TOKEN_RESPONSE',
        1,
      ],
    ];

    for (const [what, fault, code, hits] of faults) {
      it(`handles ${what}`, async () => {
        const { sa, first } = await withPreviousToken();
        emulator.current.fail('token', fault);
        await assert.rejects(sa.getAccessToken(), { code });
        assert.equal(emulator.current.hits.token, hits);
        assert.equal(sa.token, first);
      });
    }

    it('recovers when a 503 with Retry-After is followed by success', async () => {
      emulator.current.fail('token', { status: 503, headers: { 'retry-after': '1' } });
      const sa = credentials();
      assert.ok(await sa.getAccessToken());
      assert.equal(emulator.current.hits.token, 2);
    });

    it('times out a token endpoint slower than the timeout', async () => {
      emulator.current.fail('token', { delayMs: 400, count: 2 });
      const sa = credentials({
        http: { timeoutMs: 50, retry: { maxAttempts: 2, initialDelayMs: 1 } },
      });
      await assert.rejects(sa.getAccessToken(), { code: 'ERR_TIMEOUT' });
    });

    it('reports a token endpoint that is down as ERR_NETWORK after its retries', async () => {
      const port = await closedPort();
      const sa = credentials({ tokenUri: `http://127.0.0.1:${port}/token` });
      await assert.rejects(sa.getAccessToken(), (e: unknown) => {
        assert.ok(e instanceof AuthError);
        assert.equal(e.code, 'ERR_NETWORK');
        assert.match(e.message, /ECONNREFUSED/);
        return true;
      });
    });
  });
});
