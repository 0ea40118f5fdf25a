import assert from 'node:assert/strict';
import nock from 'nock';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { AuthorizedClient } from '../src/transport/authorized-client.js';
import { redactSecrets } from '../src/errors.js';
import { OAuthProvider } from '../src/oauth/provider.js';
import { DeviceFlow } from '../src/flows/device-flow.js';
import { ProviderSession } from '../src/flows/provider-session.js';
import { OAuth1Client } from '../src/oauth/oauth1/client.js';
import { inspect } from 'node:util';
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

  it('keeps the exact secret values out of errors from every OAuth-core endpoint that echoes the request', async () => {
    const host = 'https://op.example.test';
    const accessToken = 'opaque-access-token-value-123';
    const deviceCode = 'opaque-device-code-value-456';
    const secret = 'op-client-secret-value-789';
    // Echoes bare values (no `name=`), the Authorization header's credentials, and nothing token-shaped.
    function echo(
      this: { req: { headers: Record<string, string | undefined> } },
      _uri: string,
      body: unknown,
    ) {
      const values = [...new URLSearchParams(String(body)).values()].join(' ');
      const auth = (this.req.headers.authorization ?? '').split(' ')[1] ?? '';
      return { error: 'invalid_request', error_description: `got ${values} ${auth}` };
    }
    for (const path of ['/token', '/revoke', '/introspect', '/device']) {
      nock(host).post(path).times(20).reply(400, echo);
    }
    nock(host)
      .get('/userinfo')
      .reply(401, function (this: { req: { headers: Record<string, string | undefined> } }) {
        return {
          error: 'invalid_token',
          error_description: `got ${this.req.headers.authorization?.slice(7)}`,
        };
      });
    const errors: [string, unknown][] = [];
    const record = async (what: string, failure: Promise<unknown>) =>
      errors.push([what, await caught(failure)]);
    const endpoints = {
      tokenUrl: `${host}/token`,
      revocationUrl: `${host}/revoke`,
      introspectionUrl: `${host}/introspect`,
      deviceAuthorizationUrl: `${host}/device`,
      userinfoUrl: `${host}/userinfo`,
    };
    for (const clientAuthMethod of [
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
    ] as const) {
      const p = new OAuthProvider({
        ...endpoints,
        clientId: 'app',
        clientSecret: secret,
        clientAuthMethod,
        http: FAST_HTTP,
      });
      await record(`${clientAuthMethod} refresh`, p.refresh(REFRESH_TOKEN));
      await record(`${clientAuthMethod} revoke`, p.revoke(REFRESH_TOKEN));
      await record(`${clientAuthMethod} introspect`, p.introspect(accessToken));
      await record(`${clientAuthMethod} client credentials`, p.clientCredentials());
      await record(`${clientAuthMethod} device authorization`, p.deviceAuthorization());
      await record(
        `${clientAuthMethod} device poll`,
        p.pollDeviceToken(
          {
            deviceCode,
            userCode: 'U',
            verificationUri: host,
            expiresIn: 60,
            interval: 5,
            expiresAt: Date.now() + 60_000,
          },
          { sleep: async () => {} },
        ),
      );
    }
    const p = new OAuthProvider({ ...endpoints, clientId: 'app', http: FAST_HTTP });
    await record('userinfo', p.userinfo(accessToken));
    const device = new DeviceFlow({
      clientId: 'tv',
      clientSecret: secret,
      clientAuthMethod: 'client_secret_basic',
      scopes: 'email',
      deviceAuthorizationUri: `${host}/device`,
      tokenUri: `${host}/token`,
      http: FAST_HTTP,
    });
    await record('DeviceFlow start with client_secret_basic', device.start());

    assert.equal(errors.length, 20);
    const basic = Buffer.from(`app:${secret}`).toString('base64');
    for (const [what, error] of errors) {
      assert.equal((error as { code?: string }).code, 'ERR_OAUTH', what);
      const shown = everythingShown(error);
      for (const leaked of [secret, REFRESH_TOKEN, accessToken, deviceCode, basic]) {
        assert.ok(
          !shown.includes(leaked),
          `${what}: an error shows a secret (${leaked.slice(0, 6)}…)`,
        );
      }
    }
  });

  it("keeps a ProviderSession's tokens out of spreads, JSON and util.inspect without custom inspection", () => {
    const provider = new OAuthProvider({
      tokenUrl: 'https://op.example.test/token',
      clientId: 'app',
      clientSecret: CLIENT_SECRET,
    });
    const session = new ProviderSession({
      provider,
      tokens: {
        accessToken: 'session-access-token',
        refreshToken: REFRESH_TOKEN,
        tokenType: 'Bearer',
        raw: { refresh_token: REFRESH_TOKEN },
      },
    });
    const shown = [
      JSON.stringify({ ...session }),
      JSON.stringify(session),
      inspect(session, { customInspect: false, depth: 10, showHidden: true }),
      inspect({ ...session }, { depth: 10 }),
      inspect(session, { depth: 10 }),
    ].join('\n');
    for (const leaked of [REFRESH_TOKEN, 'session-access-token', CLIENT_SECRET]) {
      assert.ok(
        !shown.includes(leaked),
        `a ProviderSession shows a secret (${leaked.slice(0, 6)}…)`,
      );
    }
    assert.equal(session.tokens.refreshToken, REFRESH_TOKEN, 'the getter still gives the tokens');
  });

  it('keeps OAuth 1.0a PLAINTEXT secrets out of a token endpoint error that echoes the request', async () => {
    const host = 'https://oauth1.example.test';
    nock(host)
      .post('/request')
      .reply(400, function (this: { req: { headers: Record<string, string | undefined> } }) {
        const signature = /oauth_signature="([^"]*)"/.exec(String(this.req.headers.authorization));
        return `rejected ${decodeURIComponent(signature?.[1] ?? '')}`;
      });
    const client = new OAuth1Client({
      consumerKey: 'key',
      consumerSecret: 'oauth1-consumer-secret-value',
      signatureMethod: 'PLAINTEXT',
      requestTokenUrl: `${host}/request`,
      http: FAST_HTTP,
    });
    const error = await caught(client.fetchRequestToken());
    assert.equal((error as { code?: string }).code, 'ERR_HTTP');
    assert.ok(!everythingShown(error).includes('oauth1-consumer-secret-value'));
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
