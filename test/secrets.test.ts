import assert from 'node:assert/strict';
import nock from 'nock';
import { WebCryptoSigner } from '../src/service-account/webcrypto-signer.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { AuthorizedClient } from '../src/transport/authorized-client.js';
import { redactSecrets, type AuthError } from '../src/errors.js';
import { DownscopedCredentials } from '../src/credentials/downscoped-credentials.js';
import { ExternalAccountAuthorizedUserCredentials } from '../src/external-account/authorized-user-credentials.js';
import { ExternalAccountCredentials } from '../src/external-account/external-account-credentials.js';
import { Credentials, type TokenResult } from '../src/credentials/credentials.js';
import { GdchCredentials } from '../src/service-account/gdch-credentials.js';
import { ImpersonatedCredentials } from '../src/credentials/impersonated-credentials.js';
import { credentialsFromJson } from '../src/adc/load-credentials.js';
import { signStorageUrl } from '../src/storage/signed-url.js';
import { OAuthProvider } from '../src/oauth/provider.js';
import { DeviceFlow } from '../src/flows/device-flow.js';
import { Flow } from '../src/flows/flow.js';
import { readAuthorizationCallback } from '../src/oauth/authorization.js';
import { ProviderSession } from '../src/flows/provider-session.js';
import { OAuth1Client } from '../src/oauth/oauth1/client.js';
import { revoke } from '../src/flows/revoke.js';
import { tokenInfo } from '../src/flows/token-info.js';
import { exchangeToken, TOKEN_TYPES } from '../src/oauth/token-exchange.js';
import { introspectStsToken } from '../src/oauth/sts.js';
import { inspect } from 'node:util';
import { normalizeParameters, signBaseString } from '../src/oauth/oauth1/signature.js';
import { signOAuth1Request } from '../src/oauth/oauth1/sign-request.js';
import { codeChallengeS256 } from '../src/oauth/pkce.js';
import { gcloudConfigDir } from '../src/adc/well-known-file.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CookieLoginStateStore } from '../src/oauth/web/login-state.js';
import { RedisTokenCache, type TokenCacheEvent } from '../src/cache/redis-token-cache.js';
import { checkHttpUrl, describeUrl } from '../src/http/send.js';
import { closedPort, FAST_HTTP, useEmulator } from './support/emulator.js';
import { generateTestKey, serviceAccountJson } from './support/keys.js';
import { assertNoSecrets, everythingShown } from './support/secrets.js';
import { nodeSubjectTokenSource as webSubjectTokenSource } from '../src/external-account/node-sources.web.js';

const REFRESH_TOKEN = '1//0refresh-secret-abcdefghijklmnopqrstuvwxyz';
const CLIENT_SECRET = 'GOCSPX-client-secret-value';
const TOKEN_HOST = 'https://oauth2.example.test';
const any = (value: unknown) => value as never;

async function caught(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error;
  }
  assert.fail('expected a failure');
}

/**
 * A nock reply that echoes the request as an OAuth error: bare form values (no `name=`) and the
 * Authorization header's credentials, nothing token-shaped.
 */
function echoRequest(
  this: { req: { headers: Record<string, string | undefined> } },
  _uri: string,
  body: unknown,
) {
  const values = [...new URLSearchParams(String(body)).values()].join(' ');
  const auth = (this.req.headers.authorization ?? '').split(' ')[1] ?? '';
  return { error: 'invalid_request', error_description: `got ${values} ${auth}` };
}

/** Fails naming the failure path whose error shows one of `secrets`. */
function assertNoneShows(errors: readonly [string, unknown][], secrets: readonly string[]): void {
  for (const [what, error] of errors) {
    const shown = everythingShown(error);
    for (const secret of secrets) {
      assert.ok(
        !shown.includes(secret),
        `${what}: an error shows a secret (${secret.slice(0, 6)}…)`,
      );
    }
  }
}

describe('no secret in any error', () => {
  it('names a URL without its user info or query, keeping an @ in the path', () => {
    const secret = 'url-password-secret-0123';
    const error = (() => {
      try {
        checkHttpUrl(`ftp://user:${secret}@host.example.test/x?token=${secret}`, 'url');
      } catch (caught) {
        return caught;
      }
    })();
    assert.equal((error as AuthError).code, 'ERR_INVALID_OPTIONS');
    assertNoSecrets(error, [secret]);
    assert.equal(
      describeUrl(`https://u:${secret}@iam.example.test/v1/serviceAccounts/a@p.test:signBlob?x=1`),
      'https://iam.example.test/v1/serviceAccounts/a@p.test:signBlob',
    );
  });

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
    // Keys are parsed on first use, so the first token request is what fails.
    await record(
      'unparseable key',
      ServiceAccountCredentials.fromJson(serviceAccountJson(key, { private_key: brokenPem }), {
        scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      }).getAccessToken(),
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
    assertNoneShows(errors, secrets);
  });

  it('keeps subject tokens, AWS keys and session tokens, STS client secrets and the signed AWS request out of federation failures', async () => {
    const STS_HOST = 'https://sts.example.test';
    const SUBJECT_TOKEN = 'opaque-subject-token-value-0123456789';
    const STS_CLIENT_SECRET = 'sts-client-secret-value-abcdef';
    const AWS = {
      accessKeyId: 'ASIAEXAMPLEKEY0000',
      secretAccessKey: 'aws-secret-access-key-value-0123456789',
      sessionToken: 'aws-session-token-value-abcdefghijklmnop',
    };
    const base = {
      audience:
        '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q',
      tokenUrl: `${STS_HOST}/v1/token`,
      http: FAST_HTTP,
    };
    const errors: [string, unknown][] = [];
    const record = async (what: string, failure: Promise<unknown>) =>
      errors.push([what, await caught(failure)]);
    const echoForm = () =>
      nock(STS_HOST)
        .post('/v1/token')
        .reply(400, (_uri, body) => ({
          error: 'invalid_grant',
          error_description: `rejected ${body}`,
        }));

    let signedRequest = '';
    echoForm();
    await record(
      'STS echoing an opaque subject token and client',
      new ExternalAccountCredentials({
        ...base,
        subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
        subjectTokenSupplier: { getSubjectToken: async () => SUBJECT_TOKEN },
        clientId: 'sts-client',
        clientSecret: STS_CLIENT_SECRET,
      }).getAccessToken(),
    );
    nock(STS_HOST)
      .post('/v1/token', (body: Record<string, string>) => {
        signedRequest = body.subject_token;
        return true;
      })
      .reply(400, (_uri, body) => ({ error: 'invalid_request', error_description: `bad ${body}` }));
    const aws = new ExternalAccountCredentials({
      ...base,
      subjectTokenType: 'urn:ietf:params:aws:token-type:aws4_request',
      awsSecurityCredentialsSupplier: {
        getAwsRegion: async () => 'us-east-1',
        getAwsSecurityCredentials: async () => AWS,
      },
    });
    await record('STS echoing the signed AWS request', aws.getAccessToken());
    nock(STS_HOST)
      .post('/v1/token')
      .times(3)
      .reply(500, (_uri, body) => `upstream failed for ${body}`);
    await record('STS 500 echoing the AWS form', aws.getAccessToken());
    nock(STS_HOST)
      .post('/v1/token')
      .reply(200, (_uri, body) => `<html>${body}</html>`);
    await record('non-JSON 200 from STS', aws.getAccessToken());

    const sourceToken = await ServiceAccountCredentials.fromJson(
      emulator.current.serviceAccountKey,
      { scopes: 'x' },
    ).getAccessToken();
    echoForm();
    await record(
      'downscoping echoing the source token',
      new DownscopedCredentials({
        sourceCredentials: ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
          scopes: 'x',
        }),
        credentialAccessBoundary: {
          accessBoundaryRules: [
            {
              availableResource: '//storage.googleapis.com/projects/_/buckets/b',
              availablePermissions: ['inRole:roles/storage.objectViewer'],
            },
          ],
        },
        tokenUrl: base.tokenUrl,
        http: FAST_HTTP,
      }).getAccessToken(),
    );
    nock(STS_HOST)
      .post('/v1/oauthtoken')
      .reply(400, (_uri, body) => ({
        error: 'invalid_grant',
        error_description: `refresh ${body}`,
      }));
    await record(
      'workforce refresh echoing the refresh token',
      new ExternalAccountAuthorizedUserCredentials({
        tokenUrl: `${STS_HOST}/v1/oauthtoken`,
        clientId: 'workforce-client',
        clientSecret: STS_CLIENT_SECRET,
        refreshToken: REFRESH_TOKEN,
        http: FAST_HTTP,
      }).getAccessToken(),
    );

    const STS_TOKEN = 'sts-issued-access-token-value-0123456789';
    nock(STS_HOST).post('/v1/token').reply(200, {
      access_token: STS_TOKEN,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
    });
    nock('https://crm.example.test')
      .get('/v1/projects/1')
      .reply(403, function (this: { req: { headers: Record<string, string> } }) {
        const message = `denied ${this.req.headers.authorization}`;
        return { error: { code: 403, message, status: 'PERMISSION_DENIED' } };
      });
    await record(
      'Cloud Resource Manager echoing the STS token',
      new ExternalAccountCredentials({
        ...base,
        subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
        subjectTokenSupplier: { getSubjectToken: async () => SUBJECT_TOKEN },
        resourceManagerUrl: 'https://crm.example.test/v1/projects/',
      }).fetchProjectId(),
    );

    assert.ok(signedRequest.length > 100, 'the signed AWS request was captured');
    const signature = /Signature=([0-9a-f]{64})/.exec(decodeURIComponent(signedRequest))?.[1];
    assert.ok(signature);
    const secrets = [
      SUBJECT_TOKEN,
      STS_CLIENT_SECRET,
      AWS.secretAccessKey,
      AWS.sessionToken,
      signedRequest,
      signature,
      REFRESH_TOKEN,
      STS_TOKEN,
    ];
    assert.equal(errors.length, 7);
    assertNoneShows(errors, secrets);
    assert.ok(sourceToken);
  });

  it('keeps caller tokens, signing keys and GDCH assertions out of impersonation, signing and GDCH failures', async () => {
    const CALLER_TOKEN = 'opaque-caller-token-not-shaped-like-any-known-token';
    class OpaqueSource extends Credentials {
      readonly type = 'opaque';
      protected override async fetchToken(): Promise<TokenResult> {
        return { accessToken: CALLER_TOKEN, expiresAt: Date.now() + 3600_000 };
      }
    }
    const IAM = 'https://iam.example.test';
    // An IAM that echoes the caller's authorization header and the request in every error.
    const echoing = (status: number) =>
      function (this: { req: { headers: Record<string, string> } }, _uri: string, body: unknown) {
        const message = `denied ${this.req.headers.authorization} for ${JSON.stringify(body)}`;
        return status === 500 ? message : { error: { code: status, message, status: 'X' } };
      };
    nock(IAM)
      .post(/:generateAccessToken$/)
      .reply(403, echoing(403));
    nock(IAM)
      .post(/:generateIdToken$/)
      .reply(400, echoing(400));
    nock(IAM)
      .post(/:signBlob$/)
      .times(3)
      .reply(500, echoing(500));
    nock(IAM)
      .post(/:signJwt$/)
      .reply(200, `{"signedJwt": ${JSON.stringify(CALLER_TOKEN)}`);
    const impersonated = new ImpersonatedCredentials({
      sourceCredentials: new OpaqueSource({}),
      targetPrincipal: 'target@p.iam.gserviceaccount.com',
      iamEndpoint: IAM,
      http: FAST_HTTP,
    });
    const errors: [string, unknown][] = [];
    const record = async (what: string, failure: Promise<unknown> | (() => unknown)) =>
      errors.push([what, await caught(failure)]);
    await record('IAM 403 echoing the caller token', impersonated.getAccessToken());
    await record('IAM 400 echoing the caller token', impersonated.fetchIdToken('https://a.test'));
    await record(
      'signed URL over a failing signBlob',
      signStorageUrl(impersonated, { bucket: 'b', object: 'o', expires: Date.now() + 60_000 }),
    );
    await record('IAM answering junk', impersonated.signJwt({ sub: 'x' }));

    // Wrappers whose universe is not their source's: refused, whatever the source holds.
    const primed = new OpaqueSource({});
    await primed.getAccessToken();
    await record(
      'impersonation in another universe than its source',
      new ImpersonatedCredentials({
        sourceCredentials: primed,
        targetPrincipal: 'target@p.iam.gserviceaccount.com',
        universeDomain: 'other-universe.test',
      }).getAccessToken(),
    );
    await record(
      'downscoping in another universe than its source',
      new DownscopedCredentials({
        sourceCredentials: primed,
        credentialAccessBoundary: {
          accessBoundaryRules: [
            { availableResource: '//storage.googleapis.com/b', availablePermissions: ['inRole:r'] },
          ],
        },
        universeDomain: 'other-universe.test',
      }).getAccessToken(),
    );

    // An impersonated_service_account file whose source key is broken.
    const key = generateTestKey();
    await record('domain-wide delegation outside googleapis.com', () =>
      ServiceAccountCredentials.fromJson(
        serviceAccountJson(key, { universe_domain: 'other-universe.test' }),
      ).withSubject('alice@example.com'),
    );
    const brokenPem = key.privateKeyPem.replace(/[A-Za-z]{10}/, 'AAAAAAAAAA');
    await record(
      'impersonated file with a broken source key (parsed at the first token request)',
      credentialsFromJson({
        type: 'impersonated_service_account',
        service_account_impersonation_url: `${IAM}/v1/projects/-/serviceAccounts/t@p.iam.gserviceaccount.com:generateAccessToken`,
        source_credentials: serviceAccountJson(key, { private_key: brokenPem }),
      }).getAccessToken(),
    );

    // GDCH: a token endpoint echoing the assertion it was sent.
    const gdchKey = generateTestKey('ec');
    let gdchAssertion = '';
    nock('https://gdch.example.test')
      .post('/authenticate', (body: Record<string, string>) => {
        gdchAssertion = body.subject_token;
        return true;
      })
      .reply(400, (_uri, body) => ({
        error: 'invalid_grant',
        error_description: JSON.stringify(body),
      }));
    await record(
      'GDCH refusal echoing the assertion',
      GdchCredentials.fromJson(
        {
          type: 'gdch_service_account',
          format_version: '1',
          project: 'p',
          name: 'n',
          private_key_id: 'k',
          private_key: gdchKey.privateKeyPem,
          token_uri: 'https://gdch.example.test/authenticate',
        },
        { http: FAST_HTTP },
      )
        .withAudience('https://api.test')
        .getAccessToken(),
    );

    assert.ok(gdchAssertion.length > 100, 'the GDCH assertion was captured');
    const secrets = [
      CALLER_TOKEN,
      key.privateKeyPem.split('\n')[1],
      brokenPem.split('\n')[1],
      gdchKey.privateKeyPem.split('\n')[1],
      gdchAssertion,
      gdchAssertion.split('.')[2],
    ];
    assert.equal(errors.length, 9);
    for (const [what, error] of errors) {
      assert.ok(error instanceof Error && 'code' in error, `${what}: a typed error`);
      const shown = everythingShown(error);
      for (const secret of secrets) {
        assert.ok(
          !shown.includes(secret),
          `${what}: an error shows a secret (${secret.slice(0, 6)}…)`,
        );
      }
    }
  });

  it('keeps the private key and client secret out of a spread or JSON of credentials', () => {
    const key = generateTestKey();
    const sa = ServiceAccountCredentials.fromJson(serviceAccountJson(key));
    const user = UserCredentials.fromJson(emulator.current.authorizedUser);
    for (const credentials of [sa, user]) {
      const shown = `${JSON.stringify({ ...credentials })} ${JSON.stringify(credentials)} ${everythingShown(credentials)}`;
      assert.ok(!shown.includes(key.privateKeyPem.split('\n')[1]));
      assert.ok(!shown.includes(emulator.current.authorizedUser.client_secret));
    }
  });

  it('keeps the exact secret values out of errors from every OAuth-core endpoint that echoes the request', async () => {
    const host = 'https://op.example.test';
    const accessToken = 'opaque-access-token-value-123';
    const deviceCode = 'opaque-device-code-value-456';
    const secret = 'op-client-secret-value-789';
    for (const path of ['/token', '/revoke', '/introspect', '/device']) {
      nock(host).post(path).times(20).reply(400, echoRequest);
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

  it('keeps the exact secret values out of revoke(), tokenInfo(), exchangeToken() and STS introspection errors from an endpoint that echoes the request', async () => {
    const host = 'https://google.example.test';
    const accessToken = 'opaque-access-token-value-321';
    const subjectToken = 'opaque-subject-token-value-654';
    const actorToken = 'opaque-actor-token-value-987';
    const secret = 'sts-client-secret-value-159';
    for (const path of ['/revoke', '/tokeninfo', '/sts', '/introspect']) {
      nock(host).post(path).times(4).reply(400, echoRequest);
    }
    const errors: [string, unknown][] = [];
    const record = async (what: string, failure: Promise<unknown>) =>
      errors.push([what, await caught(failure)]);
    await record('revoke', revoke(REFRESH_TOKEN, { revokeUrl: `${host}/revoke`, http: FAST_HTTP }));
    await record(
      'tokenInfo',
      tokenInfo(accessToken, { tokenInfoUrl: `${host}/tokeninfo`, http: FAST_HTTP }),
    );
    const exchange = {
      tokenUrl: `${host}/sts`,
      subjectToken,
      subjectTokenType: TOKEN_TYPES.jwt,
      actorToken,
      actorTokenType: TOKEN_TYPES.jwt,
      audience: 'aud',
    };
    await record('exchangeToken', exchangeToken(exchange, FAST_HTTP));
    await record(
      'exchangeToken with a Basic client',
      exchangeToken({ ...exchange, client: { clientId: 'sts', clientSecret: secret } }, FAST_HTTP),
    );
    await record(
      'STS introspection',
      introspectStsToken(
        `${host}/introspect`,
        accessToken,
        { clientId: 'sts', clientSecret: secret },
        FAST_HTTP,
      ),
    );
    assert.equal(errors.length, 5);
    const basic = Buffer.from(`sts:${secret}`).toString('base64');
    for (const [what, error] of errors) {
      assert.equal((error as { code?: string }).code, 'ERR_OAUTH', what);
    }
    assertNoneShows(errors, [REFRESH_TOKEN, accessToken, subjectToken, actorToken, secret, basic]);
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

  it('keeps the cache key, tokens and refresh tokens out of token-cache errors, events and inspect', async () => {
    const cacheKey = Buffer.alloc(32, 7).toString('base64');
    const shortKey = cacheKey.slice(0, 20);
    const keyError = await caught(
      () => new RedisTokenCache({ url: 'redis://127.0.0.1:1', key: shortKey }),
    );
    const events: TokenCacheEvent[] = [];
    const cache = new RedisTokenCache({
      url: `redis://127.0.0.1:${await closedPort()}`,
      key: cacheKey,
      onEvent: (event) => events.push(event),
    });
    try {
      const json = emulator.current.createUser();
      const user = UserCredentials.fromJson(json, { tokenCache: cache, http: FAST_HTTP });
      const accessToken = await user.getAccessToken();
      emulator.current.revokeToken(json.refresh_token);
      const refreshError = await caught(user.refresh());
      assert.ok(
        events.some((e) => e.type === 'fault'),
        'Redis was down: the cache reported it',
      );
      const shown = [
        everythingShown(keyError),
        everythingShown(refreshError),
        JSON.stringify(events),
        inspect(cache, { depth: 5, showHidden: true }),
        JSON.stringify(cache),
      ].join('\n');
      for (const secret of [
        cacheKey,
        shortKey,
        accessToken,
        json.refresh_token,
        json.client_secret,
      ]) {
        assert.ok(!shown.includes(secret), `token cache shows a secret (${secret.slice(0, 6)}…)`);
      }
    } finally {
      cache.close();
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

  it('keeps the private key out of WebCryptoSigner failures and its inspection', async () => {
    const pem = generateTestKey().privateKeyPem;
    const body = pem.split('\n')[1];
    const pkcs1Like = pem.replace(/PRIVATE KEY/g, 'RSA PRIVATE KEY');
    const truncated = pem.replace(/\n[^-]+\n-----END/, `\n${body}\n-----END`);
    const failures = [
      await caught(() => new WebCryptoSigner(pkcs1Like, undefined, 'key.json')),
      await caught(() => new WebCryptoSigner(`${pem}trailing`, undefined, 'key.json')),
      await caught(new WebCryptoSigner(truncated, undefined, 'key.json').sign(new Uint8Array(1))),
    ];
    for (const error of failures) assertNoSecrets(error, [pem, body, body.slice(10, 40)]);
    const shown = `${inspect(new WebCryptoSigner(pem))} ${JSON.stringify(new WebCryptoSigner(pem))}`;
    assert.ok(!shown.includes(body.slice(10, 40)), 'the signer shows its key');
  });

  it("keeps the STS client secret and AWS keys out of the edge's refusals of Node-only subject-token sources", async () => {
    const secrets = ['sts-client-secret-value-abcdef', 'aws-secret-access-key-value-0123456789'];
    const options = {
      audience:
        '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      clientId: 'client',
      clientSecret: secrets[0],
      env: { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: secrets[1] },
    };
    const format = { type: 'text' } as const;
    for (const source of [
      { kind: 'file', file: '/var/run/token', format },
      { kind: 'executable', command: `get-token ${secrets[0]}`, timeoutMs: 5000 },
      { kind: 'aws', regionalCredVerificationUrl: 'https://sts.amazonaws.com' },
      { kind: 'certificate', useDefaultCertificateConfig: true },
    ] as const) {
      const error = await caught(() => webSubjectTokenSource(source, options, Date.now));
      assert.equal((error as AuthError).code, 'ERR_NODE_ONLY');
      assertNoSecrets(error, secrets);
    }
  });

  it('keeps the PKCE verifier, nonce and state out of the login Set-Cookie, in any encoding, and out of its errors', async () => {
    const secret = 'login-cookie-secret-of-32-bytes-or-more';
    const saved = {
      state: 'state-value-123456',
      nonce: 'nonce-value-123456',
      codeVerifier: 'verifier-value-1234567890',
      redirectUri: 'https://app.example.test/callback',
    };
    const headers = new Map<string, unknown>();
    const res = {
      getHeader: (name: string) => headers.get(name),
      setHeader: (name: string, value: unknown) => headers.set(name, value),
    } as unknown as ServerResponse;
    const store = new CookieLoginStateStore({ secret }, 'provider-a');
    store.save({} as IncomingMessage, res, saved);
    const [cookie] = headers.get('set-cookie') as string[];
    const secrets = [saved.nonce, saved.codeVerifier, secret];
    for (const value of [...secrets, saved.state]) {
      for (const encoded of [value, Buffer.from(value).toString('base64url')]) {
        assert.ok(!cookie.includes(encoded), `the cookie shows ${value.slice(0, 6)}…`);
      }
    }
    const pair = cookie.split(';')[0];
    // Flips a character inside the sealed bytes (the last one may only carry padding bits).
    const at = pair.length - 30;
    const tampered = `${pair.slice(0, at)}${pair[at] === 'A' ? 'B' : 'A'}${pair.slice(at + 1)}`;
    const request = (cookieHeader: string) =>
      ({
        url: `/callback?state=${saved.state}`,
        headers: { cookie: cookieHeader },
      }) as IncomingMessage;
    const failures: [string, unknown][] = [
      [
        'other provider',
        await caught(() =>
          new CookieLoginStateStore({ secret }, 'provider-b').take(request(pair), res),
        ),
      ],
      ['tampered', await caught(() => store.take(request(tampered), res))],
      [
        'short secret',
        await caught(() => new CookieLoginStateStore({ secret: secret.slice(0, 20) })),
      ],
      [
        'oversize',
        await caught(() =>
          store.save({} as IncomingMessage, res, {
            ...saved,
            redirectUri: `${saved.redirectUri}?${'x'.repeat(4096)}`,
          }),
        ),
      ],
    ];
    assertNoneShows(failures, [...secrets, pair.split('=')[1]]);
  });

  it('keeps OAuth 1.0a secrets, a PKCE verifier and env values out of the refusals of bad signing input', async () => {
    const consumerSecret = 'oauth1-consumer-secret-value';
    const tokenSecret = 'oauth1-token-secret-value';
    const verifier = 'pkce-verifier-secret+value';
    const envSecret = 'env-secret-value';
    const failures = [
      await caught(() => signBaseString(any('NOPE'), 'base', { consumerSecret, tokenSecret })),
      await caught(() => signBaseString('RSA-SHA1', 'base', { consumerSecret, tokenSecret })),
      await caught(() =>
        signOAuth1Request(
          { method: 'GET', url: 'relative' },
          any({ consumerKey: 'k', consumerSecret, tokenSecret }),
        ),
      ),
      await caught(() => normalizeParameters(any([['oauth_token', consumerSecret, tokenSecret]]))),
      await caught(() => codeChallengeS256(verifier)),
      await caught(() => gcloudConfigDir(any({ CLOUDSDK_CONFIG: [envSecret] }))),
    ];
    for (const error of failures) {
      assert.equal((error as AuthError).code, 'ERR_INVALID_OPTIONS');
      assertNoSecrets(error, [consumerSecret, tokenSecret, verifier, envSecret]);
    }
  });
  it('keeps codes, tokens and device codes out of the refusals of hostile callbacks and responses', async () => {
    const host = 'https://hostile-op.example.test';
    const code = 'opaque-authorization-code-111';
    const injected = 'opaque-injected-code-222';
    const accessToken = 'opaque-access-token-value-333';
    const deviceCode = 'opaque-device-code-value-444';
    const verifier = 'v'.repeat(43);
    nock(host)
      .post('/token')
      .reply(200, {
        access_token: accessToken,
        refresh_token: REFRESH_TOKEN,
        token_type: `mac ${accessToken}`,
      })
      .post('/device')
      .reply(200, {
        device_code: deviceCode,
        user_code: `CODE\u001b]0;${deviceCode}\u0007`,
        verification_uri: `javascript:alert('${deviceCode}')`,
        expires_in: 600,
      });
    const flow = new Flow({
      clientId: 'app',
      clientSecret: CLIENT_SECRET,
      scopes: 'email',
      redirectUri: 'https://app.example.test/callback',
      tokenUri: `${host}/token`,
      http: FAST_HTTP,
    });
    const device = new DeviceFlow({
      clientId: 'tv',
      clientSecret: CLIENT_SECRET,
      scopes: 'email',
      deviceAuthorizationUri: `${host}/device`,
      tokenUri: `${host}/token`,
      http: FAST_HTTP,
    });
    const repeated = `https://app.example.test/callback?state=s&code=${code}&code=${injected}`;
    const failures: [string, unknown][] = [
      [
        'a Flow token response of type mac',
        await caught(flow.fetchToken({ code }, { codeVerifier: verifier })),
      ],
      [
        'a Flow callback with two codes',
        await caught(
          flow.fetchToken(
            { authorizationResponse: repeated },
            { state: 's', codeVerifier: verifier },
          ),
        ),
      ],
      [
        'an OAuth callback with two codes',
        await caught(() => readAuthorizationCallback(repeated, 's')),
      ],
      ['an unshowable device authorization', await caught(device.start())],
    ];
    for (const [what, error] of failures) {
      assert.match(String((error as AuthError).code), /^ERR_(TOKEN_RESPONSE|AUTHORIZATION)$/, what);
    }
    assertNoneShows(failures, [
      code,
      injected,
      accessToken,
      REFRESH_TOKEN,
      deviceCode,
      verifier,
      CLIENT_SECRET,
    ]);
  });
});
