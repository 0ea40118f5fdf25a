import assert from 'node:assert/strict';
import { OAuthProvider } from '../src/oauth/provider.js';
import type { OAuthProviderOptions } from '../src/oauth/provider-options.js';
import { ProviderSession } from '../src/flows/provider-session.js';
import { DeviceFlow } from '../src/flows/device-flow.js';
import { Flow } from '../src/flows/flow.js';
import type { OAuthTokens } from '../src/oauth/tokens.js';
import type { TokenStore } from '../src/store/token-store.js';
import { OAuthError } from '../src/errors.js';
import { assertAuthError, rejectsWith } from './support/oidc-provider-assertions.js';
import {
  CLIENT_SECRET,
  CLIENTS,
  startOidcProvider,
  type OidcTestProvider,
} from './support/oidc-provider.js';

describe('OAuth providers against oidc-provider (an independent OpenID provider)', () => {
  let op: OidcTestProvider;
  before(async () => {
    op = await startOidcProvider();
  });
  after(() => op.close());

  function provider(clientId: string, options: Partial<OAuthProviderOptions> = {}) {
    return new OAuthProvider({
      issuer: op.issuer,
      clientId,
      clientSecret: CLIENT_SECRET,
      ...options,
    });
  }

  async function logIn(
    p: OAuthProvider,
    scope = 'openid email',
    params: Record<string, string> = {},
  ) {
    const redirect = await p.authorizationRedirect({
      redirectUri: op.redirectUri,
      scope,
      ...params,
    });
    const callback = await op.login(redirect.url);
    return { redirect, callback, ...(await p.handleCallback(callback, redirect)) };
  }

  const count = (method: string, path: string) =>
    op.requests.filter((r) => r.method === method && r.path === path).length;

  describe('discovery', () => {
    it('reads the endpoints from the discovery document, fetched once per provider', async () => {
      const p = provider(CLIENTS.basic);
      const before = count('GET', '/.well-known/openid-configuration');
      const metadata = await p.metadata();
      await p.metadata();
      await p.authorizationRedirect({ redirectUri: op.redirectUri, scope: 'openid' });
      assert.equal(count('GET', '/.well-known/openid-configuration') - before, 1);
      assert.equal(metadata.issuer, op.issuer);
      assert.equal(metadata.authorizationUrl, `${op.issuer}/auth`);
      assert.equal(metadata.tokenUrl, `${op.issuer}/token`);
      assert.equal(metadata.jwksUri, `${op.issuer}/jwks`);
      assert.equal(metadata.userinfoUrl, `${op.issuer}/me`);
      assert.equal(metadata.revocationUrl, `${op.issuer}/token/revocation`);
      assert.equal(metadata.introspectionUrl, `${op.issuer}/token/introspection`);
      assert.equal(metadata.deviceAuthorizationUrl, `${op.issuer}/device/auth`);
    });

    it('finds the issuer from serverMetadataUrl alone', async () => {
      const p = new OAuthProvider({
        serverMetadataUrl: `${op.issuer}/.well-known/openid-configuration`,
        clientId: CLIENTS.basic,
        clientSecret: CLIENT_SECRET,
      });
      const { claims } = await logIn(p);
      assert.equal(claims?.iss, op.issuer);
    });
  });

  describe('authorization code with PKCE', () => {
    const methods: [string, string, () => Partial<OAuthProviderOptions>][] = [
      ['client_secret_basic', CLIENTS.basic, () => ({})],
      ['client_secret_post', CLIENTS.post, () => ({ clientAuthMethod: 'client_secret_post' })],
      ['client_secret_jwt', CLIENTS.secretJwt, () => ({ clientAuthMethod: 'client_secret_jwt' })],
      [
        'private_key_jwt',
        CLIENTS.privateKeyJwt,
        () => ({ clientSecret: undefined, privateKey: op.clientKey, privateKeyId: op.clientKeyId }),
      ],
      ['none (a public client)', CLIENTS.public, () => ({ clientSecret: undefined })],
    ];
    for (const [method, clientId, options] of methods) {
      it(`logs a user in with ${method} and verifies the ID token`, async () => {
        const p = provider(clientId, options());
        const { redirect, tokens, claims } = await logIn(p);
        assert.equal(tokens.tokenType, 'Bearer');
        assert.ok(tokens.accessToken.length > 10);
        assert.ok(tokens.expiresAt! > Date.now());
        assert.equal(claims?.sub, 'alice');
        assert.equal(claims?.aud, clientId);
        assert.equal(claims?.nonce, redirect.nonce);
        assert.deepEqual(await p.userinfo(tokens.accessToken, { expectedSubject: 'alice' }), {
          sub: 'alice',
          email: 'alice@example.test',
          email_verified: true,
        });
      });
    }

    it('is refused with invalid_client for a wrong secret, which the error does not show', async () => {
      const wrongSecret = 'wrong-secret-0123456789-0123456789-abcdef';
      const p = provider(CLIENTS.basic, { clientSecret: wrongSecret });
      const redirect = await p.authorizationRedirect({
        redirectUri: op.redirectUri,
        scope: 'openid',
      });
      const callback = await op.login(redirect.url);
      const code = new URL(callback).searchParams.get('code')!;
      const error = await rejectsWith(p.handleCallback(callback, redirect), 'ERR_OAUTH', [
        wrongSecret,
        code,
        redirect.codeVerifier,
      ]);
      assert.equal((error as OAuthError).error, 'invalid_client');
    });

    it('is refused with invalid_client when the client uses another method than registered', async () => {
      const p = provider(CLIENTS.privateKeyJwt, { clientAuthMethod: 'client_secret_basic' });
      const redirect = await p.authorizationRedirect({
        redirectUri: op.redirectUri,
        scope: 'openid',
      });
      const callback = await op.login(redirect.url);
      const error = await rejectsWith(p.handleCallback(callback, redirect), 'ERR_OAUTH', [
        CLIENT_SECRET,
      ]);
      assert.equal((error as OAuthError).error, 'invalid_client');
    });

    it('sends the PKCE verifier: the code with another verifier is refused', async () => {
      const p = provider(CLIENTS.basic);
      const redirect = await p.authorizationRedirect({
        redirectUri: op.redirectUri,
        scope: 'openid',
      });
      const url = new URL(redirect.url);
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.match(redirect.codeVerifier, /^[A-Za-z0-9_-]{43,128}$/);
      const callback = await op.login(redirect.url);
      const other = (await p.authorizationRedirect({ redirectUri: op.redirectUri })).codeVerifier;
      const code = new URL(callback).searchParams.get('code')!;
      await rejectsWith(
        p.handleCallback(callback, { ...redirect, codeVerifier: other }),
        'ERR_INVALID_GRANT',
        [CLIENT_SECRET, code, other, redirect.codeVerifier],
      );
    });

    it('turns a user cancelling into ERR_ACCESS_DENIED with the error and description', async () => {
      const p = provider(CLIENTS.basic);
      const redirect = await p.authorizationRedirect({
        redirectUri: op.redirectUri,
        scope: 'openid',
      });
      const callback = await op.login(redirect.url, { deny: true });
      const error = await rejectsWith(p.handleCallback(callback, redirect), 'ERR_ACCESS_DENIED');
      assert.ok(error instanceof OAuthError);
      assert.equal(error.error, 'access_denied');
      assert.equal(error.errorDescription, 'End-User aborted interaction');
    });

    it("refuses a callback carrying another login's state", async () => {
      const p = provider(CLIENTS.basic);
      const first = await p.authorizationRedirect({ redirectUri: op.redirectUri, scope: 'openid' });
      const second = await p.authorizationRedirect({
        redirectUri: op.redirectUri,
        scope: 'openid',
      });
      const callback = await op.login(first.url);
      const code = new URL(callback).searchParams.get('code')!;
      await rejectsWith(p.handleCallback(callback, second), 'ERR_STATE_MISMATCH', [
        code,
        first.state,
        second.state,
        second.codeVerifier,
      ]);
    });

    it('refuses userinfo describing another subject than expected', async () => {
      const p = provider(CLIENTS.basic);
      const { tokens } = await logIn(p);
      await rejectsWith(
        p.userinfo(tokens.accessToken, { expectedSubject: 'mallory' }),
        'ERR_TOKEN_RESPONSE',
        [tokens.accessToken],
      );
    });
  });

  describe('refresh, revocation and introspection', () => {
    it('refreshes with the refresh token of an offline_access login', async () => {
      const p = provider(CLIENTS.basic);
      const { tokens } = await logIn(p, 'openid email offline_access', { prompt: 'consent' });
      assert.ok(tokens.refreshToken);
      const refreshed = await p.refresh(tokens.refreshToken);
      assert.notEqual(refreshed.accessToken, tokens.accessToken);
      assert.ok(refreshed.refreshToken);
      assert.equal((await p.userinfo(refreshed.accessToken)).sub, 'alice');
    });

    it('introspects an active token, revokes it, and then introspects it as inactive', async () => {
      const p = provider(CLIENTS.post, { clientAuthMethod: 'client_secret_post' });
      const { tokens } = await logIn(p, 'openid email offline_access', { prompt: 'consent' });
      const active = await p.introspect(tokens.accessToken, 'access_token');
      assert.equal(active.active, true);
      assert.equal(active.sub, 'alice');
      assert.equal(active.clientId, CLIENTS.post);
      await p.revoke(tokens.accessToken, 'access_token');
      assert.equal((await p.introspect(tokens.accessToken)).active, false);
    });

    it('makes a revoked refresh token fail with ERR_INVALID_GRANT, without showing it', async () => {
      const p = provider(CLIENTS.privateKeyJwt, {
        clientSecret: undefined,
        privateKey: op.clientKey,
        privateKeyId: op.clientKeyId,
      });
      const { tokens } = await logIn(p, 'openid offline_access', { prompt: 'consent' });
      await p.revoke(tokens.refreshToken!, 'refresh_token');
      await rejectsWith(p.refresh(tokens.refreshToken!), 'ERR_INVALID_GRANT', [
        tokens.refreshToken,
      ]);
    });
  });

  describe('client credentials', () => {
    it('gets a token for the client itself, with the scope asked for', async () => {
      const p = provider(CLIENTS.service);
      const tokens = await p.clientCredentials({ scope: 'api:read' });
      assert.deepEqual(tokens.scopes, ['api:read']);
      const introspection = await p.introspect(tokens.accessToken);
      assert.equal(introspection.active, true);
      assert.equal(introspection.clientId, CLIENTS.service);
    });
  });

  describe('device authorization (RFC 8628)', () => {
    it('polls while the user approves, then returns verified tokens', async () => {
      const p = provider(CLIENTS.device, { clientSecret: undefined });
      const authorization = await p.deviceAuthorization({ scope: 'openid offline_access' });
      assert.match(authorization.verificationUri, /\/device$/);
      assert.equal(authorization.interval, 5);
      const waits: number[] = [];
      const result = await p.pollDeviceToken(authorization, {
        sleep: async (ms) => {
          waits.push(ms);
          if (waits.length === 2) {
            await op.approveDevice(authorization.verificationUri, authorization.userCode);
          }
        },
      });
      assert.deepEqual(waits, [5000, 5000]);
      assert.equal(result.claims?.sub, 'alice');
      assert.ok(result.tokens.refreshToken);
    });

    it('turns the user denying into ERR_ACCESS_DENIED', async () => {
      const p = provider(CLIENTS.device, { clientSecret: undefined });
      const authorization = await p.deviceAuthorization({ scope: 'openid' });
      await op.approveDevice(authorization.verificationUri, authorization.userCode, { deny: true });
      const error = await rejectsWith(
        p.pollDeviceToken(authorization, { sleep: async () => {} }),
        'ERR_ACCESS_DENIED',
        [authorization.deviceCode],
      );
      assert.equal((error as OAuthError).error, 'access_denied');
    });
  });

  describe("Google's presets over the same core", () => {
    const lastPost = () => op.requests.filter((r) => r.method === 'POST').at(-1);
    const basicAuth = (clientId: string) =>
      `Basic ${Buffer.from(`${clientId}:${CLIENT_SECRET}`).toString('base64')}`;

    it('logs in with Flow (code + PKCE) using client_secret_basic, and the credentials refresh the same way', async () => {
      const flow = new Flow({
        clientId: CLIENTS.basic,
        clientSecret: CLIENT_SECRET,
        clientAuthMethod: 'client_secret_basic',
        scopes: ['openid', 'offline_access', 'email'],
        authUri: `${op.issuer}/auth`,
        tokenUri: `${op.issuer}/token`,
        redirectUri: op.redirectUri,
      });
      const request = flow.authorizationUrl({ prompt: 'consent' });
      const callback = await op.login(request.url);
      const credentials = await flow.fetchToken(
        { authorizationResponse: callback },
        { state: request.state, codeVerifier: request.codeVerifier },
      );
      const first = await credentials.getAccessToken();
      await credentials.refresh();
      assert.notEqual(await credentials.getAccessToken(), first);
      assert.equal(lastPost()?.authorization, basicAuth(CLIENTS.basic));
    });

    it('runs DeviceFlow for a confidential client, authenticating with client_secret_basic at both endpoints', async () => {
      const flow = new DeviceFlow({
        clientId: CLIENTS.deviceConfidential,
        clientSecret: CLIENT_SECRET,
        clientAuthMethod: 'client_secret_basic',
        scopes: ['openid', 'offline_access'],
        deviceAuthorizationUri: `${op.issuer}/device/auth`,
        tokenUri: `${op.issuer}/token`,
        sleep: async () => {
          if (count('POST', '/token') === polled) {
            await op.approveDevice(shown.verificationUri, shown.userCode);
          }
        },
      });
      const shown = await flow.start();
      const polled = count('POST', '/token');
      assert.equal(lastPost()?.path, '/device/auth');
      assert.equal(lastPost()?.authorization, basicAuth(CLIENTS.deviceConfidential));
      const credentials = await flow.poll();
      assert.equal(lastPost()?.authorization, basicAuth(CLIENTS.deviceConfidential));
      await credentials.refresh();
      assert.equal(lastPost()?.authorization, basicAuth(CLIENTS.deviceConfidential));
    });

    it('runs the generic device flow for a confidential client with client_secret_basic', async () => {
      const p = provider(CLIENTS.deviceConfidential);
      const authorization = await p.deviceAuthorization({ scope: 'openid offline_access' });
      await op.approveDevice(authorization.verificationUri, authorization.userCode);
      const result = await p.pollDeviceToken(authorization, { sleep: async () => {} });
      assert.equal(result.claims?.sub, 'alice');
      assert.equal(lastPost()?.authorization, basicAuth(CLIENTS.deviceConfidential));
    });
  });

  describe('ProviderSession', () => {
    async function sessionFor(
      options: {
        clock?: () => number;
        onTokens?: (t: OAuthTokens) => void;
        store?: TokenStore;
      } = {},
    ) {
      const p = provider(CLIENTS.basic);
      const { tokens } = await logIn(p, 'openid email offline_access', { prompt: 'consent' });
      const userinfoUrl = (await p.metadata()).userinfoUrl!;
      return {
        p,
        tokens,
        userinfoUrl,
        session: new ProviderSession({ ...options, provider: p, tokens }),
      };
    }

    it('fetches a protected resource with the access token', async () => {
      const { session, userinfoUrl } = await sessionFor();
      const response = await session.fetch(userinfoUrl);
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { sub: string }).sub, 'alice');
    });

    it('refreshes once for many concurrent callers when the token is due, and saves the new tokens', async () => {
      let now = Date.now();
      const saved: OAuthTokens[] = [];
      const stored = new Map<string, Record<string, unknown>>();
      const store: TokenStore = {
        get: async (key) => stored.get(key),
        set: async (key, value) => void stored.set(key, value),
        delete: async (key) => void stored.delete(key),
      };
      const { session, tokens, userinfoUrl, p } = await sessionFor({
        clock: () => now,
        onTokens: (t) => void saved.push(t),
        store,
      });
      now += 3600 * 1000;
      const tokenRequests = count('POST', '/token');
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => session.fetch(userinfoUrl)),
      );
      assert.deepEqual(
        responses.map((r) => r.status),
        Array(20).fill(200),
      );
      assert.equal(count('POST', '/token') - tokenRequests, 1);
      assert.equal(saved.length, 1);
      assert.notEqual(session.tokens.accessToken, tokens.accessToken);
      const restored = await ProviderSession.fromStore(store, { provider: p });
      assert.equal(restored?.tokens.accessToken, session.tokens.accessToken);
      assert.equal(restored?.tokens.refreshToken, session.tokens.refreshToken);
    });

    it('refreshes and replays once when the resource answers 401', async () => {
      const p = provider(CLIENTS.basic);
      const { tokens } = await logIn(p, 'openid email offline_access', { prompt: 'consent' });
      // A token the provider never issued stands for one it stopped honouring before its expiry.
      const session = new ProviderSession({
        provider: p,
        tokens: { ...tokens, accessToken: 'no-longer-honoured' },
      });
      const tokenRequests = count('POST', '/token');
      const response = await session.fetch((await p.metadata()).userinfoUrl!);
      assert.equal(response.status, 200);
      assert.equal(count('POST', '/token') - tokenRequests, 1);
      assert.notEqual(session.tokens.accessToken, 'no-longer-honoured');
    });

    it('asks the user to log in again (ERR_INVALID_GRANT) when the token is due and there is no refresh token', async () => {
      const p = provider(CLIENTS.basic);
      const { tokens } = await logIn(p);
      const session = new ProviderSession({
        provider: p,
        tokens: { ...tokens, refreshToken: undefined },
        clock: () => tokens.expiresAt! + 1,
      });
      const error = await rejectsWith(session.getAccessToken(), 'ERR_INVALID_GRANT', [
        tokens.accessToken,
      ]);
      assertAuthError(error, 'ERR_INVALID_GRANT');
    });
  });
});
