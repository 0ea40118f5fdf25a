import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { OAuthError } from '../src/errors.js';
import { readAuthorizationCallback } from '../src/oauth/authorization.js';
import { discoveryUrl, issuerFromMetadataUrl } from '../src/oauth/discovery.js';
import { GOOGLE_PROVIDER } from '../src/oauth/presets.js';
import { OAuthProvider } from '../src/oauth/provider.js';
import type { OAuthProviderOptions } from '../src/oauth/provider-options.js';
import { ProviderRegistry } from '../src/oauth/registry.js';
import { assertAuthError, rejectsWith } from './support/oidc-provider-assertions.js';
import { startStubProvider, type StubProvider } from './support/oidc-provider-stub.js';

const CLIENT_ID = 'stub-client';
const CLIENT_SECRET = 'stub-client-secret-0123456789-0123456789';
const REDIRECT_URI = 'http://127.0.0.1:1/callback';

describe('OAuthProvider (scripted provider)', () => {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let stub: StubProvider;
  beforeEach(async () => {
    stub = await startStubProvider({ signingKey });
  });
  afterEach(() => stub.close());

  function provider(options: Partial<OAuthProviderOptions> = {}) {
    return new OAuthProvider({
      issuer: stub.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      http: { retry: { maxAttempts: 1 } },
      ...options,
    });
  }

  const discoveries = () =>
    stub.requests.filter((r) => r.path === '/.well-known/openid-configuration').length;

  describe('security rules of the core', () => {
    const discovery = (extra: Record<string, unknown>) =>
      stub.route('/.well-known/openid-configuration', () => ({
        body: {
          issuer: stub.issuer,
          authorization_endpoint: `${stub.issuer}/authorize`,
          token_endpoint: `${stub.issuer}/token`,
          jwks_uri: `${stub.issuer}/jwks`,
          ...extra,
        },
      }));

    it('refuses a callback without iss when the server advertises RFC 9207 (ERR_AUTHORIZATION)', async () => {
      discovery({ authorization_response_iss_parameter_supported: true });
      const p = provider();
      const redirect = await p.authorizationRedirect({ redirectUri: REDIRECT_URI });
      const tokenCalls = stub.requests.filter((r) => r.path === '/token').length;
      const error = await rejectsWith(
        p.handleCallback(`${REDIRECT_URI}?code=c&state=${redirect.state}`, redirect),
        'ERR_AUTHORIZATION',
      );
      assert.match(error.message, /no iss parameter/);
      assert.equal(stub.requests.filter((r) => r.path === '/token').length, tokenCalls);
    });

    it('refuses plain-http issuers and endpoints off loopback when configured, before any connection', () => {
      for (const options of [
        { issuer: 'http://login.example.test' },
        { issuer: undefined, tokenUrl: 'http://login.example.test/token' },
        { serverMetadataUrl: 'http://login.example.test/.well-known/openid-configuration' },
        { revocationUrl: 'javascript:alert(1)' },
        { tokenUrl: '/relative/token' },
      ]) {
        assert.throws(
          () => provider(options),
          { code: 'ERR_INVALID_OPTIONS' },
          JSON.stringify(options),
        );
      }
      assert.doesNotThrow(() =>
        provider({ issuer: 'http://login.example.test', allowInsecureHttp: true }),
      );
    });

    it('refuses a discovered plain-http endpoint before connecting to it', async () => {
      discovery({ token_endpoint: 'http://login.example.test/token' });
      const error = await rejectsWith(provider().refresh('r'), 'ERR_INVALID_OPTIONS');
      assert.match(error.message, /token_endpoint http:\/\/login\.example\.test is refused/);
    });
  });

  describe('discovery', () => {
    it('refuses a discovery document naming another issuer (ERR_DISCOVERY)', async () => {
      stub.route('/.well-known/openid-configuration', () => ({
        body: { issuer: 'https://impostor.example', token_endpoint: `${stub.issuer}/token` },
      }));
      const error = await rejectsWith(provider().metadata(), 'ERR_DISCOVERY', [CLIENT_SECRET]);
      assert.match(error.message, /impostor\.example/);
    });

    it('names a hostile issuer of a discovery document escaped and cut short', async () => {
      stub.route('/.well-known/openid-configuration', () => ({
        body: { issuer: `https://impostor.example/\u001b[2J\r\n${'x'.repeat(100_000)}` },
      }));
      const error = await rejectsWith(provider().metadata(), 'ERR_DISCOVERY');
      assert.match(error.message, /impostor\.example\/\\u001b\[2J/);
      assert.ok(!/[\r\n]/.test(error.message));
      assert.ok(error.message.length < 600, `${error.message.length} characters`);
    });

    it('compares issuers exactly: a trailing slash is another issuer', async () => {
      await rejectsWith(provider({ issuer: `${stub.issuer}/` }).metadata(), 'ERR_DISCOVERY');
    });

    it('refuses a discovery document that is not JSON', async () => {
      stub.route('/.well-known/openid-configuration', () => ({ body: '<html>' }));
      await rejectsWith(provider().metadata(), 'ERR_DISCOVERY');
    });

    it('fetches the document once for concurrent callers, and again after a failure', async () => {
      let answer = 0;
      stub.route('/.well-known/openid-configuration', () =>
        answer++ === 0
          ? { status: 404, body: 'not yet' }
          : { body: { issuer: stub.issuer, token_endpoint: `${stub.issuer}/token` } },
      );
      const p = provider();
      await rejectsWith(p.metadata(), 'ERR_HTTP');
      const all = await Promise.all(Array.from({ length: 5 }, () => p.metadata()));
      assert.ok(all.every((m) => m.tokenUrl === `${stub.issuer}/token`));
      assert.equal(discoveries(), 2);
    });

    it('needs no discovery when the endpoints and issuer are given', async () => {
      const p = provider({ authorizationUrl: `${stub.issuer}/authorize` });
      await p.authorizationRedirect({ redirectUri: REDIRECT_URI, scope: 'openid' });
      assert.equal(discoveries(), 0);
    });

    it('derives the expected issuer from OpenID and RFC 8414 metadata URLs', () => {
      assert.equal(
        issuerFromMetadataUrl('https://a.example/tenant/.well-known/openid-configuration'),
        'https://a.example/tenant',
      );
      assert.equal(
        issuerFromMetadataUrl('https://a.example/.well-known/oauth-authorization-server/tenant'),
        'https://a.example/tenant',
      );
      assert.equal(issuerFromMetadataUrl('https://a.example/config.json'), undefined);
    });

    it('trims trailing slashes of an issuer in linear time, even after 200 000 inner slashes', () => {
      // The former /\/+$/ backtracked for most of a minute here; the mocha timeout would catch it.
      const slashes = '/'.repeat(200_000);
      assert.equal(
        discoveryUrl(`https://a.example/${slashes}tenant`),
        `https://a.example/${slashes}tenant/.well-known/openid-configuration`,
      );
      assert.equal(
        discoveryUrl(`https://a.example/tenant${slashes}`),
        'https://a.example/tenant/.well-known/openid-configuration',
      );
    });
  });

  describe('authorization redirect and callback', () => {
    it('builds a code + PKCE request, with a nonce only for openid, keeping existing query parameters', async () => {
      const p = provider({ authorizationUrl: `${stub.issuer}/authorize?tenant=t1` });
      const redirect = await p.authorizationRedirect({
        redirectUri: REDIRECT_URI,
        scope: ['openid', 'email'],
        login_hint: 'a@b.test',
      });
      const params = new URL(redirect.url).searchParams;
      assert.equal(params.get('tenant'), 't1');
      assert.equal(params.get('response_type'), 'code');
      assert.equal(params.get('client_id'), CLIENT_ID);
      assert.equal(params.get('scope'), 'openid email');
      assert.equal(params.get('state'), redirect.state);
      assert.equal(params.get('nonce'), redirect.nonce);
      assert.equal(params.get('login_hint'), 'a@b.test');
      assert.equal(params.get('code_challenge_method'), 'S256');
      assert.match(redirect.codeVerifier, /^[A-Za-z0-9_-]{43,128}$/);
      assert.ok(!redirect.url.includes(redirect.codeVerifier));
      const plain = await p.authorizationRedirect({ redirectUri: REDIRECT_URI, scope: 'repo' });
      assert.equal(plain.nonce, undefined);
      assert.notEqual(plain.state, redirect.state);
    });

    it('refuses to let extra parameters override the ones it sets', async () => {
      const p = provider({ authorizationUrl: `${stub.issuer}/authorize` });
      await assert.rejects(
        p.authorizationRedirect({ redirectUri: REDIRECT_URI, code_challenge_method: 'plain' }),
        (error) => assertAuthError(error, 'ERR_INVALID_OPTIONS') !== undefined,
      );
    });

    it('refuses a callback whose state is missing or different (ERR_STATE_MISMATCH)', () => {
      for (const url of [`${REDIRECT_URI}?code=c0de`, `${REDIRECT_URI}?code=c0de&state=other`]) {
        assert.throws(
          () => readAuthorizationCallback(url, 'expected-state'),
          (error) =>
            assertAuthError(error, 'ERR_STATE_MISMATCH', ['c0de', 'expected-state']) !== undefined,
        );
      }
    });

    it('turns error callbacks into typed errors carrying error and errorDescription', () => {
      const denied = `${REDIRECT_URI}?state=s&error=access_denied&error_description=User+said+no`;
      assert.throws(
        () => readAuthorizationCallback(denied, 's'),
        (error) => {
          assertAuthError(error, 'ERR_ACCESS_DENIED');
          assert.equal((error as OAuthError).error, 'access_denied');
          assert.equal((error as OAuthError).errorDescription, 'User said no');
          return true;
        },
      );
      assert.throws(
        () => readAuthorizationCallback(`${REDIRECT_URI}?state=s&error=invalid_scope`, 's'),
        (error) => {
          assertAuthError(error, 'ERR_AUTHORIZATION');
          assert.equal((error as OAuthError).error, 'invalid_scope');
          assert.equal((error as OAuthError).errorDescription, undefined);
          return true;
        },
      );
    });

    it('refuses a callback repeating state, code, error, error_description or iss, whichever copy is first', () => {
      const base = { state: 's', code: 'c0de-c0de', iss: 'https://good.example' };
      for (const [name, value] of [
        ['state', 's'],
        ['state', 'forged'],
        ['code', 'injected-c0de'],
        ['error', 'access_denied'],
        ['error_description', 'x'],
        ['iss', 'https://evil.example'],
        ['iss', 'https://good.example'],
      ]) {
        const original = (base as Record<string, string>)[name] ?? value;
        for (const copies of [
          [original, value],
          [value, original],
        ]) {
          const params = new URLSearchParams(base);
          params.delete(name);
          for (const copy of copies) params.append(name, copy);
          assert.throws(
            () => readAuthorizationCallback(`${REDIRECT_URI}?${params}`, 's', base.iss),
            (error) => {
              assertAuthError(error, 'ERR_AUTHORIZATION', ['c0de-c0de', 'injected-c0de']);
              assert.match((error as Error).message, new RegExp(`carries ${name} more than once`));
              return true;
            },
          );
        }
      }
    });

    it('escapes control characters and cuts a 100 kB error_description or iss it echoes', () => {
      const hostile = `\u001b[2J\u001b]0;pwned\u0007line1\r\nline2\u0000${'x'.repeat(100_000)}`;
      const params = new URLSearchParams({
        state: 's',
        error: `bad\u001b[31m`,
        error_description: hostile,
      });
      for (const [url, issuer] of [
        [`${REDIRECT_URI}?${params}`, undefined],
        [
          `${REDIRECT_URI}?${new URLSearchParams({ state: 's', code: 'c0de', iss: hostile })}`,
          'https://good.example',
        ],
      ] as const) {
        assert.throws(
          () => readAuthorizationCallback(url, 's', issuer),
          (error) => {
            assertAuthError(error, 'ERR_AUTHORIZATION');
            const { message, error: code, errorDescription } = error as OAuthError;
            for (const text of [message, code ?? '', errorDescription ?? '']) {
              const raw = [...text].filter((c) => c.charCodeAt(0) < 0x20 || c === '\u007f');
              assert.deepEqual(raw, [], 'no raw control character');
              assert.ok(text.length < 600, `${text.length} characters`);
            }
            return true;
          },
        );
      }
    });

    it('refuses a callback naming another issuer (RFC 9207) or carrying no code', () => {
      assert.throws(
        () =>
          readAuthorizationCallback(
            `${REDIRECT_URI}?state=s&code=c0de&iss=https://evil.example`,
            's',
            'https://good.example',
          ),
        (error) => assertAuthError(error, 'ERR_AUTHORIZATION', ['c0de']) !== undefined,
      );
      assert.throws(
        () => readAuthorizationCallback(`${REDIRECT_URI}?state=s`, 's'),
        (error) => assertAuthError(error, 'ERR_AUTHORIZATION') !== undefined,
      );
    });
  });

  describe('token responses', () => {
    async function exchangeAnswering(body: Record<string, unknown> | string, status = 200) {
      stub.route('/token', () => ({ status, body }));
      const p = provider();
      const redirect = await p.authorizationRedirect({ redirectUri: REDIRECT_URI, scope: 'repo' });
      const callback = `${REDIRECT_URI}?code=the-code&state=${redirect.state}`;
      return {
        result: p.handleCallback(callback, redirect),
        secrets: ['the-code', redirect.codeVerifier, CLIENT_SECRET, 'the-access-token'],
      };
    }

    it('refuses a token response without token_type (ERR_TOKEN_RESPONSE)', async () => {
      const { result, secrets } = await exchangeAnswering({ access_token: 'the-access-token' });
      await rejectsWith(result, 'ERR_TOKEN_RESPONSE', secrets);
    });

    it('accepts token_type bearer in any case, and refuses other token types', async () => {
      const ok = await exchangeAnswering({
        access_token: 'the-access-token',
        token_type: 'bEaReR',
      });
      assert.equal((await ok.result).tokens.tokenType, 'Bearer');
      const dpop = await exchangeAnswering({
        access_token: 'the-access-token',
        token_type: 'DPoP',
      });
      await rejectsWith(dpop.result, 'ERR_TOKEN_RESPONSE', dpop.secrets);
    });

    it('turns an error response with error_description into an OAuthError, redacting what it echoes', async () => {
      const { result, secrets } = await exchangeAnswering(
        {
          error: 'invalid_request',
          error_description: 'bad code=the-code for client_secret=' + CLIENT_SECRET,
        },
        400,
      );
      const error = await rejectsWith(result, 'ERR_OAUTH', secrets);
      assert.ok(error instanceof OAuthError);
      assert.equal(error.error, 'invalid_request');
      assert.equal(error.status, 400);
      assert.match(error.errorDescription!, /code=\[redacted\]/);
    });

    it('turns an error response without error_description into an OAuthError', async () => {
      const { result, secrets } = await exchangeAnswering({ error: 'invalid_grant' }, 400);
      const error = await rejectsWith(result, 'ERR_INVALID_GRANT', secrets);
      assert.ok(error instanceof OAuthError);
      assert.equal(error.error, 'invalid_grant');
      assert.equal(error.errorDescription, undefined);
    });

    it('keeps the refresh token when a refresh does not rotate it', async () => {
      stub.route('/token', () => ({
        body: { access_token: 'new-access', token_type: 'Bearer', expires_in: 60 },
      }));
      const tokens = await provider().refresh('the-refresh-token');
      assert.equal(tokens.refreshToken, 'the-refresh-token');
      assert.equal(stub.requests.at(-1)?.form.get('grant_type'), 'refresh_token');
    });

    it('refuses an introspection response without a boolean active', async () => {
      stub.route('/introspect', () => ({ body: { active: 'yes' } }));
      await rejectsWith(provider().introspect('the-access-token'), 'ERR_TOKEN_RESPONSE', [
        'the-access-token',
      ]);
    });

    it('turns a refused revocation into an OAuthError', async () => {
      stub.route('/revoke', () => ({ status: 400, body: { error: 'unsupported_token_type' } }));
      const error = await rejectsWith(provider().revoke('the-access-token'), 'ERR_OAUTH', [
        'the-access-token',
      ]);
      assert.equal((error as OAuthError).error, 'unsupported_token_type');
    });

    it('names the missing endpoint when the provider has none', async () => {
      stub.route('/.well-known/openid-configuration', () => ({ body: { issuer: stub.issuer } }));
      const error = await rejectsWith(
        provider().revoke('the-access-token'),
        'ERR_INVALID_OPTIONS',
        ['the-access-token'],
      );
      assert.match(error.message, /revocation_endpoint/);
    });
  });

  describe('options', () => {
    const bad: [string, Partial<OAuthProviderOptions>][] = [
      ['no clientId', { clientId: '' }],
      ['no issuer or endpoints', { issuer: undefined }],
      [
        'client_secret_post without a secret',
        { clientSecret: undefined, clientAuthMethod: 'client_secret_post' },
      ],
      ['private_key_jwt without a key', { clientAuthMethod: 'private_key_jwt' }],
      [
        'a private key that is not one',
        { privateKey: '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----' },
      ],
      ['alg none for ID tokens', { idTokenAlgorithms: ['none'] }],
      [
        'HS256 ID tokens without a secret',
        { clientSecret: undefined, idTokenAlgorithms: ['HS256'] },
      ],
    ];
    for (const [what, options] of bad) {
      it(`refuses ${what}`, () => {
        assert.throws(
          () => provider(options),
          (error) =>
            assertAuthError(error, 'ERR_INVALID_OPTIONS', [CLIENT_SECRET, 'not-a-key']) !==
            undefined,
        );
      });
    }
  });
});

describe('ProviderRegistry and presets', () => {
  it('registers providers once by name and finds them again', () => {
    const providers = new ProviderRegistry();
    const corp = providers.register('corp', {
      issuer: 'https://sso.example.test',
      clientId: 'app',
    });
    assert.equal(providers.get('corp'), corp);
    assert.equal(corp.name, 'corp');
    assert.ok(providers.has('corp'));
    assert.deepEqual(providers.names(), ['corp']);
    assert.throws(
      () => providers.register('corp', { issuer: 'https://other.example.test', clientId: 'app' }),
      (error) => assertAuthError(error, 'ERR_INVALID_OPTIONS') !== undefined,
    );
    assert.throws(
      () => providers.get('github'),
      (error) => assertAuthError(error, 'ERR_INVALID_OPTIONS') !== undefined,
    );
    assert.throws(
      () => providers.register('x', { preset: 'nope' as 'google', clientId: 'app' }),
      (error) => assertAuthError(error, 'ERR_INVALID_OPTIONS') !== undefined,
    );
  });

  it('registers Google from its preset and builds a login URL without any network', async () => {
    assert.equal(GOOGLE_PROVIDER.issuer, 'https://accounts.google.com');
    assert.equal(
      GOOGLE_PROVIDER.serverMetadataUrl,
      'https://accounts.google.com/.well-known/openid-configuration',
    );
    const providers = new ProviderRegistry();
    const google = providers.register('google', {
      preset: 'google',
      clientId: 'app.apps.googleusercontent.com',
      clientSecret: 'google-secret',
    });
    const redirect = await google.authorizationRedirect({
      redirectUri: 'http://127.0.0.1:8080/callback',
      scope: 'openid email',
      access_type: 'offline',
    });
    const url = new URL(redirect.url);
    assert.equal(url.origin, 'https://accounts.google.com');
    assert.equal(url.searchParams.get('access_type'), 'offline');
    assert.ok(redirect.nonce);
  });

  it('accepts Google ID tokens that name the issuer without its scheme', async () => {
    const stub = await startStubProvider();
    try {
      const google = new ProviderRegistry().register('google', {
        preset: 'google',
        clientId: 'app.apps.googleusercontent.com',
        clientSecret: 'google-secret',
        jwksUri: `${stub.issuer}/jwks`,
      });
      const claims = await google.verifyIdToken(
        await stub.idToken('app.apps.googleusercontent.com', { iss: 'accounts.google.com' }),
      );
      assert.equal(claims.iss, 'accounts.google.com');
      await rejectsWith(
        google.verifyIdToken(
          await stub.idToken('app.apps.googleusercontent.com', { iss: stub.issuer }),
        ),
        'ERR_ID_TOKEN_INVALID',
      );
    } finally {
      await stub.close();
    }
  });
});
