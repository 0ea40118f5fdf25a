// Every public entry point, fed hostile input, fails with an AuthError carrying a stable code:
// never a TypeError, a jose error or ERR_NETWORK. A new export without a case fails the last test.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import * as root from '../src/index.js';
import * as protocol from '../src/protocol.js';
import * as oauth1 from '../src/oauth1.js';
import * as constants from '../src/constants.js';
import { AuthError } from '../src/errors.js';

type Case = () => unknown;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_PEM = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const BAD_URLS = ['relative/path', 'http://exa mple.com/', '::', 'ftp://host/x'];
const BAD_TIMEOUTS = [-1, Number.NaN, Number.POSITIVE_INFINITY];
const any = (value: unknown) => value as never;
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Well-formed enough to reach the key lookup: the URL is the bad input, not the token. */
const UNSIGNED_JWT = `${b64url({ alg: 'RS256', kid: 'k' })}.${b64url({})}.${b64url({})}`;

const user = { clientId: 'c', clientSecret: 's', refreshToken: 'r' };
const sa = { clientEmail: 'robot@example.test', privateKey: RSA_PEM };

/** Cases per export name; each must fail with an AuthError. */
const CASES: Record<string, Case[]> = {
  // Credentials and their factories
  UserCredentials: [
    () => new root.UserCredentials(any({})),
    () => new root.UserCredentials(any(null)),
    ...BAD_URLS.map((tokenUri) => () => new root.UserCredentials({ ...user, tokenUri })),
    () => root.UserCredentials.fromJson('not an object'),
    () => root.UserCredentials.fromFile(any(42)),
  ],
  ServiceAccountCredentials: [
    () => new root.ServiceAccountCredentials(any({})),
    ...BAD_URLS.map((tokenUri) => () => new root.ServiceAccountCredentials({ ...sa, tokenUri })),
    () => new root.ServiceAccountCredentials({ ...sa, privateKey: 'not a pem' }).getAccessToken(),
    () => root.ServiceAccountCredentials.fromJson([]),
  ],
  ComputeCredentials: [() => new root.ComputeCredentials(any({ scopes: 42 }))],
  ImpersonatedCredentials: [() => new root.ImpersonatedCredentials(any({}))],
  DownscopedCredentials: [() => new root.DownscopedCredentials(any({}))],
  ExternalAccountCredentials: [() => root.ExternalAccountCredentials.fromJson(any({}))],
  ExternalAccountAuthorizedUserCredentials: [
    () => root.ExternalAccountAuthorizedUserCredentials.fromJson(any({})),
  ],
  GdchCredentials: [() => root.GdchCredentials.fromJson(any({}))],
  ApiKeyCredentials: [() => new root.ApiKeyCredentials(any({}))],
  IdTokenCredentials: [() => new root.IdTokenCredentials(any({}))],
  Credentials: [() => root.credentialsFromJson({ type: 'nonsense' })],
  credentialsFromJson: [() => root.credentialsFromJson(null), () => root.credentialsFromJson('{')],
  loadCredentialsFile: [() => root.loadCredentialsFile(any(null))],
  defaultCredentials: [
    ...BAD_TIMEOUTS.map(
      (timeoutMs) => () => root.defaultCredentials(any({ timeoutMs, scopes: 42 })),
    ),
  ],
  signStorageUrl: [() => root.signStorageUrl(any(null), any({}))],
  DefaultCredentialsResolver: [
    () => new root.DefaultCredentialsResolver(any({ scopes: 42 })),
    () => new root.DefaultCredentialsResolver(any({ env: 42 })),
    () => new root.DefaultCredentialsResolver(any({ homedir: 42 })),
    () => new root.DefaultCredentialsResolver({ env: {} }).resolve(any({ scopes: 42 })),
  ],
  findProjectId: [
    () => root.findProjectId(any({ credentials: 42 })),
    () => root.findProjectId(any({ env: { GCLOUD_PROJECT: 42 } })),
  ],
  gcloudProject: [
    () => root.gcloudProject(any(42), any(null)),
    () => root.gcloudProject(any(42), {}),
  ],
  gcloudConfigDir: [
    () => root.gcloudConfigDir(any({ CLOUDSDK_CONFIG: 42 })),
    () => root.gcloudConfigDir({}, 'linux', any(42)),
  ],
  wellKnownCredentialsPath: [
    () => root.wellKnownCredentialsPath(any({ CLOUDSDK_CONFIG: 42 })),
    () => root.wellKnownCredentialsPath(any(null)),
  ],
  WebCryptoSigner: [
    () => new root.WebCryptoSigner(any(42)),
    () => new root.WebCryptoSigner(any(null)),
  ],
  KeyObjectSigner: [
    () => new root.KeyObjectSigner(any('not a key')),
    () => new root.KeyObjectSigner(generateKeyPairSync('ed25519').privateKey),
  ],
  // Transport and metadata
  AuthorizedClient: [
    () => new root.AuthorizedClient(any(null)),
    () => new root.AuthorizedClient(any({ getRequestHeaders: () => ({}) })),
  ],
  MetadataClient: [
    ...['relative/path', 'http://169.254.169.254/', 'user@host', 42].map(
      (host) => () => new root.MetadataClient(any({ host })),
    ),
  ],
  // Flows
  Flow: [
    () => new root.Flow(any({})),
    ...BAD_URLS.map(
      (authUri) => () =>
        new root.Flow(any({ clientId: 'c', redirectUri: 'http://127.0.0.1/cb', authUri })),
    ),
  ],
  InstalledAppFlow: [() => new root.InstalledAppFlow(any({}))],
  DeviceFlow: [
    () => new root.DeviceFlow(any({})),
    ...BAD_URLS.map((tokenUri) => () => new root.DeviceFlow(any({ clientId: 'c', tokenUri }))),
  ],
  parseClientSecrets: [
    () => root.parseClientSecrets(null),
    () => root.parseClientSecrets({ web: 42 }),
  ],
  readClientSecretsFile: [() => root.readClientSecretsFile(any(null))],
  openInBrowser: [...BAD_URLS.map((url) => () => root.openInBrowser(url))],
  revoke: [...BAD_URLS.map((revokeUrl) => () => root.revoke('t', { revokeUrl }))],
  tokenInfo: [...BAD_URLS.map((tokenInfoUrl) => () => root.tokenInfo('t', { tokenInfoUrl }))],
  // ID tokens
  verifyIdToken: [
    () => root.verifyIdToken(any(null), any({})),
    () => root.verifyIdToken('a.b.c', any({ audience: 42 })),
  ],
  verifyIapJwt: [() => root.verifyIapJwt(any(null), any({}))],
  IdTokenVerifier: [
    ...[...BAD_URLS, 'http://keys.example.test/certs'].map(
      (certsUrl) => () =>
        new root.IdTokenVerifier().verify(UNSIGNED_JWT, { audience: 'a', certsUrl }),
    ),
    ...BAD_URLS.map(
      (jwksUrl) => () =>
        new root.IdTokenVerifier().verify(UNSIGNED_JWT, { audience: 'a', jwksUrl }),
    ),
  ],
  PublicKeyCache: [
    ...[...BAD_URLS, 'http://keys.example.test/jwks'].map(
      (url) => () => new root.PublicKeyCache().get(url, 'jwks', 'k'),
    ),
  ],
  // OAuth providers and web login
  OAuthProvider: [
    () => new root.OAuthProvider(any({})),
    ...BAD_URLS.map((issuer) => () => new root.OAuthProvider(any({ issuer, clientId: 'c' }))),
  ],
  ProviderRegistry: [() => new root.ProviderRegistry().register('x', any({}))],
  ProviderSession: [() => new root.ProviderSession(any({}))],
  loginHandler: [
    ...['relative', 'http://app.example.test/cb'].map(
      (redirectUri) => () =>
        root.loginHandler(
          new root.OAuthProvider({ issuer: 'https://idp.example.test', clientId: 'c' }),
          {
            secret: 'x'.repeat(32),
            redirectUri,
          },
        ),
    ),
  ],
  callbackHandler: [
    () =>
      root.callbackHandler(
        new root.OAuthProvider({ issuer: 'https://idp.example.test', clientId: 'c' }),
        any({ secret: 'short' }),
      ),
  ],
  CookieLoginStateStore: [
    () => new root.CookieLoginStateStore(any({ secret: 42 })),
    () => new root.CookieLoginStateStore({ secret: 'x'.repeat(32), maxAgeSec: -1 }),
    () => new root.CookieLoginStateStore({ secret: 'x'.repeat(32), cookieName: 'a;b' }),
  ],
  loginErrorPage: [],
  // Stores
  FileTokenStore: [() => new root.FileTokenStore(any(42))],
  MemoryTokenStore: [],
  bindToStore: [() => root.bindToStore(any(null), new root.MemoryTokenStore(), 'k')],
  loadUserCredentials: [
    async () => {
      const store = new root.MemoryTokenStore();
      await store.set('k', {
        type: 'authorized_user',
        client_id: 'c',
        refresh_token: 'r',
        expiry: 42,
      });
      return root.loadUserCredentials(store, 'k');
    },
  ],
  // warrant/protocol
  buildAuthorizationUrl: [
    ...BAD_URLS.map(
      (authorizationUrl) => () =>
        protocol.buildAuthorizationUrl(any({ authUri: authorizationUrl, clientId: 'c' })),
    ),
  ],
  parseAuthorizationResponse: [
    () => protocol.parseAuthorizationResponse(any(42), 's'),
    () => protocol.parseAuthorizationResponse(any({ state: 's', code: 'c' }), 's'),
  ],
  parseRevokeResponse: [
    () =>
      protocol.parseRevokeResponse(any({ status: 500, headers: {}, body: '' }), 'https://x.test/r'),
    () => protocol.parseRevokeResponse(any(null), 'https://x.test/r'),
  ],
  storageUrlToSign: [
    () => protocol.storageUrlToSign(any(null), 'a@b.test'),
    () => protocol.storageUrlToSign(any(42), 'a@b.test'),
  ],
  codeChallengeS256: [
    ...['short', 'x'.repeat(129), `${'x'.repeat(42)} `, `${'x'.repeat(42)}+`].map(
      (verifier) => () => protocol.codeChallengeS256(verifier),
    ),
    () => protocol.codeChallengeS256(any(42)),
  ],
  buildTokenRequest: [...BAD_URLS.map((url) => () => protocol.buildTokenRequest(url, {}))],
  requestToken: [...BAD_URLS.map((url) => () => protocol.requestToken(url, {}))],
  parseTokenResponse: [
    () =>
      protocol.parseTokenResponse(
        any({ status: 200, headers: {}, body: 'not json' }),
        'https://x.test/token',
      ),
  ],
  buildDeviceAuthorizationRequest: [
    ...BAD_URLS.map((url) => () => protocol.buildDeviceAuthorizationRequest(url, 'c', [])),
  ],
  parseDeviceAuthorizationResponse: [
    () =>
      protocol.parseDeviceAuthorizationResponse(
        any({ status: 200, headers: {}, body: '[]' }),
        'https://x.test/device',
      ),
  ],
  buildRevokeRequest: [...BAD_URLS.map((url) => () => protocol.buildRevokeRequest(url, 't'))],
  buildTokenInfoRequest: [...BAD_URLS.map((url) => () => protocol.buildTokenInfoRequest(url, 't'))],
  parseTokenInfoResponse: [
    () =>
      protocol.parseTokenInfoResponse(
        any({ status: 200, headers: {}, body: '{' }),
        'https://x.test/info',
      ),
  ],
  buildTokenExchangeRequest: [
    ...BAD_URLS.map(
      (url) => () =>
        protocol.buildTokenExchangeRequest(any({ url, subjectToken: 's', subjectTokenType: 't' })),
    ),
  ],
  parseTokenExchangeResponse: [
    () =>
      protocol.parseTokenExchangeResponse(
        any({ status: 200, headers: {}, body: '{' }),
        'https://x.test/sts',
      ),
  ],
  exchangeToken: [
    ...BAD_URLS.map(
      (url) => () => protocol.exchangeToken(any({ url, subjectToken: 's', subjectTokenType: 't' })),
    ),
  ],
  createCodeVerifier: [],
  createState: [],
  discoveryUrl: [...BAD_URLS.map((issuer) => () => protocol.discoveryUrl(issuer))],
  parseAuthorizedUser: [() => protocol.parseAuthorizedUser(any({}), 'x')],
  parseServiceAccountKey: [() => protocol.parseServiceAccountKey(any({}), 'x')],
  tokensToJson: [() => protocol.tokensToJson(any(null)), () => protocol.tokensToJson(any({}))],
  tokensFromJson: [() => protocol.tokensFromJson({ access_token: 'a', expires_at: 'soon' })],
  // warrant/oauth1
  OAuth1Client: [() => new oauth1.OAuth1Client(any({}))],
  baseStringUri: [...BAD_URLS.map((url) => () => oauth1.baseStringUri(url))],
  signatureBaseString: [() => oauth1.signatureBaseString('GET', 'relative', [])],
  normalizeParameters: [
    () => oauth1.normalizeParameters(any(null)),
    () => oauth1.normalizeParameters(any([['a']])),
    () => oauth1.normalizeParameters(any([['a', 42]])),
  ],
  signBaseString: [
    () => oauth1.signBaseString(any('NOPE'), 'base', { consumerSecret: 'c' }),
    () => oauth1.signBaseString('HMAC-SHA1', 'base', any({})),
    () => oauth1.signBaseString('HMAC-SHA1', 'base', any(null)),
    () => oauth1.signBaseString('RSA-SHA1', 'base', { consumerSecret: 'c' }),
  ],
  signOAuth1Request: [
    ...BAD_URLS.map(
      (url) => () => oauth1.signOAuth1Request({ method: 'GET', url }, any({ consumerSecret: 'c' })),
    ),
    () => oauth1.signOAuth1Request(any(null), any({})),
    () => oauth1.signOAuth1Request({ method: 'GET', url: 'https://x.test/' }, any(null)),
  ],
};

/** Exports that take no input worth attacking: error classes, and functions without parameters. */
const NO_INPUT = new Set([
  'AbortedError',
  'AuthError',
  'HttpError',
  'InvalidCredentialsError',
  'InvalidOptionsError',
  'LoginStateError',
  'NetworkError',
  'NodeOnlyError',
  'OAuthError',
  'SubjectTokenError',
  'TimeoutError',
  'TokenResponseError',
  'TokenStoreError',
  'canSign',
  'createCodeVerifier',
  'createState',
  'MemoryTokenStore',
  'loginErrorPage',
]);

const MODULES = {
  warrant: root,
  'warrant/protocol': protocol,
  'warrant/oauth1': oauth1,
  'warrant/constants': constants,
};

async function failure(run: Case): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('every public entry point with bad input', () => {
  for (const [name, cases] of Object.entries(CASES)) {
    if (cases.length === 0) continue;
    it(`${name}: bad input is an AuthError with a code`, async () => {
      for (const [i, run] of cases.entries()) {
        const error = await failure(run);
        assert.ok(error !== undefined, `${name} case ${i}: accepted bad input`);
        assert.ok(
          error instanceof AuthError,
          `${name} case ${i}: ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`,
        );
        assert.match(error.code, /^ERR_[A-Z0-9_]+$/);
        assert.notEqual(error.code, 'ERR_NETWORK', `${name} case ${i}: retried as a network error`);
      }
    });
  }

  it('canSign answers false, never throws, for values that cannot sign', () => {
    for (const value of [null, undefined, 42, 'x', {}])
      assert.equal(root.canSign(any(value)), false);
  });

  it('has a case (or a reason for none) for every callable export of every public entry point', () => {
    const missing: string[] = [];
    for (const [module, exports] of Object.entries(MODULES)) {
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value !== 'function') continue; // data: constants and default instances
        if (!NO_INPUT.has(name) && !CASES[name]?.length) {
          missing.push(`${module}: ${name}`);
        }
      }
    }
    assert.deepEqual(missing, [], 'add cases for these exports to CASES');
  });
});
