import assert from 'node:assert/strict';
import nock from 'nock';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { AuthorizedClient } from '../src/transport/authorized-client.js';
import { redactSecrets } from '../src/errors.js';
import { closedPort, FAST_HTTP, useEmulator } from './support/emulator.js';
import { generateTestKey, serviceAccountJson } from './support/keys.js';
import { everythingShown } from './support/secrets.js';

const REFRESH_TOKEN = '1//0refresh-secret-abcdefghijklmnopqrstuvwxyz';
const CLIENT_SECRET = 'GOCSPX-client-secret-value';
const TOKEN_HOST = 'https://oauth2.example.test';

async function caught(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error;
  }
  assert.fail('expected a failure');
}

describe('no secret in any error', () => {
  const emulator = useEmulator();
  afterEach(() => nock.cleanAll());

  it('keeps tokens, refresh tokens, client secrets, keys and assertions out of every failure path', async () => {
    const key = generateTestKey();
    const user = {
      type: 'authorized_user',
      client_id: 'client.apps.example.test',
      client_secret: CLIENT_SECRET,
      refresh_token: REFRESH_TOKEN,
      token_uri: `${TOKEN_HOST}/token`,
    };
    const errors: [string, unknown][] = [];
    const record = async (what: string, failure: Promise<unknown> | (() => unknown)) =>
      errors.push([what, await caught(failure)]);

    // A PEM that does not parse.
    const brokenPem = key.privateKeyPem.replace(/[A-Za-z]{10}/, 'AAAAAAAAAA');
    await record('unparseable key', () =>
      ServiceAccountCredentials.fromJson(serviceAccountJson(key, { private_key: brokenPem })),
    );

    // Servers that echo the request back in their error text.
    nock(TOKEN_HOST)
      .post('/token')
      .reply(400, (_uri, body) => ({
        error: 'invalid_request',
        error_description: `bad request: ${body}`,
      }));
    await record(
      'OAuth error echoing the form',
      UserCredentials.fromJson(user, { http: FAST_HTTP }).getAccessToken(),
    );
    nock(TOKEN_HOST)
      .post('/token')
      .times(3)
      .reply(500, (_uri, body) => `upstream failed for ${body}`);
    await record(
      '500 echoing the form',
      UserCredentials.fromJson(user, { http: FAST_HTTP }).getAccessToken(),
    );
    nock(TOKEN_HOST)
      .post('/token')
      .reply(400, {
        error: 'invalid_grant',
        error_description: `refresh token ${REFRESH_TOKEN} revoked`,
      });
    await record(
      'invalid_grant naming the token',
      UserCredentials.fromJson(user, { http: FAST_HTTP }).getAccessToken(),
    );
    nock(TOKEN_HOST).post('/token').reply(200, `<html>${REFRESH_TOKEN}</html>`);
    await record(
      'non-JSON 200',
      UserCredentials.fromJson(user, { http: FAST_HTTP }).getAccessToken(),
    );

    // JWT-bearer: a rejected assertion, echoed.
    let assertion = '';
    nock(TOKEN_HOST)
      .post('/token', (body: Record<string, string>) => {
        assertion = body.assertion;
        return true;
      })
      .reply(400, (_uri, body) => ({ error: 'invalid_grant', error_description: String(body) }));
    await record(
      'rejected assertion',
      ServiceAccountCredentials.fromJson(serviceAccountJson(key), {
        scopes: 'x',
        http: FAST_HTTP,
      }).getAccessToken(),
    );

    // Network failure and timeout while sending secrets.
    const port = await closedPort();
    await record(
      'connection refused',
      UserCredentials.fromJson(
        { ...user, token_uri: `http://127.0.0.1:${port}/token` },
        { http: FAST_HTTP },
      ).getAccessToken(),
    );
    emulator.current.fail('token', { hang: true });
    await record(
      'timeout',
      UserCredentials.fromJson(emulator.current.authorizedUser, {
        http: { timeoutMs: 30, retry: { maxAttempts: 1 } },
      }).getAccessToken(),
    );

    // An API call that fails after authorization: the request config must not carry the token.
    const apiCredentials = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: 'x',
    });
    const accessToken = await apiCredentials.getAccessToken();
    emulator.current.fail('echo', { status: 403, count: 1 });
    await record(
      'API 403 through gaxios',
      new AuthorizedClient(apiCredentials).request({ url: emulator.current.echoUrl }),
    );

    const secrets = [
      REFRESH_TOKEN,
      CLIENT_SECRET,
      emulator.current.authorizedUser.refresh_token,
      emulator.current.authorizedUser.client_secret,
      accessToken,
      key.privateKeyPem.split('\n')[1],
      brokenPem.split('\n')[1],
    ];
    assert.ok(assertion.length > 100, 'the assertion was captured');
    secrets.push(assertion, assertion.split('.')[2]);

    assert.equal(errors.length, 9);
    for (const [what, error] of errors) {
      const shown = everythingShown(error);
      for (const secret of secrets) {
        assert.ok(
          !shown.includes(secret),
          `${what}: an error shows a secret (${secret.slice(0, 6)}…)`,
        );
      }
    }
  });

  it('keeps the token out of the TypeError that refuses changing shared headers', async () => {
    const credentials = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: 'x',
    });
    const headers = await credentials.getRequestHeaders();
    const token = await credentials.getAccessToken();
    const record = headers as unknown as Record<string, string>;
    const failures = [
      await caught(() => headers.set('authorization', 'Bearer other')),
      await caught(() => (record.authorization = 'Bearer other')),
      await caught(() => delete record.authorization),
    ];
    for (const error of failures) {
      assert.ok(error instanceof TypeError);
      assert.ok(!everythingShown(error).includes(token), 'a refusal shows the token');
    }
  });

  it('redactSecrets strips token-shaped text and known values', () => {
    const text =
      'refresh_token=1//abc&client_secret=s3cr3t Bearer ya29.zzz eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln ' +
      '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- plain-secret-value';
    const clean = redactSecrets(text, ['plain-secret-value']);
    for (const leaked of [
      '1//abc',
      's3cr3t',
      'ya29.zzz',
      'eyJhbGciOiJSUzI1NiJ9',
      'MIIE',
      'plain-secret-value',
    ]) {
      assert.ok(!clean.includes(leaked), leaked);
    }
  });
});
