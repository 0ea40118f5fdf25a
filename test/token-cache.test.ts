import assert from 'node:assert/strict';
import { MemoryTokenCache } from '../src/cache/memory-token-cache.js';
import type { SharedTokenRequest, TokenCache } from '../src/credentials/token-cache.js';
import { IdTokenCredentials } from '../src/credentials/id-token-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** A cache that records what it is asked and passes every request through to the mint. */
class RecordingCache implements TokenCache {
  readonly requests: SharedTokenRequest[] = [];
  async fetch(request: SharedTokenRequest) {
    this.requests.push(request);
    const token = await request.mint();
    return { token, refreshAt: (token.expiresAt ?? 0) - 60_000 };
  }
}

describe('the token cache seam in Credentials', () => {
  const emulator = useEmulator();
  const serviceAccount = (options = {}) =>
    ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: [SCOPE],
      http: FAST_HTTP,
      ...options,
    });

  it('shares one mint between two credentials objects for one service account', async () => {
    emulator.current.setLatency(20);
    const tokenCache = new MemoryTokenCache();
    const [a, b] = [serviceAccount({ tokenCache }), serviceAccount({ tokenCache })];
    const tokens = await Promise.all([a.getAccessToken(), b.getAccessToken()]);
    assert.equal(tokens[0], tokens[1]);
    assert.equal(emulator.current.hits.token, 1);
  });

  it('never shares a token between different scopes or different service accounts', async () => {
    const tokenCache = new MemoryTokenCache();
    const other = emulator.current.createServiceAccount();
    const tokens = await Promise.all([
      serviceAccount({ tokenCache }).getAccessToken(),
      serviceAccount({ tokenCache, scopes: [`${SCOPE}.read-only`] }).getAccessToken(),
      ServiceAccountCredentials.fromJson(other, { scopes: [SCOPE], tokenCache }).getAccessToken(),
    ]);
    assert.equal(new Set(tokens).size, 3);
    assert.equal(emulator.current.hits.token, 3);
  });

  it('serves cached getRequestHeaders() without consulting the cache', async () => {
    const tokenCache = new RecordingCache();
    const sa = serviceAccount({ tokenCache });
    await sa.getRequestHeaders();
    for (let i = 0; i < 100; i++) await sa.getRequestHeaders();
    assert.equal(tokenCache.requests.length, 1);
  });

  it('hands the cache the identity of each type, with the user refresh token only as a secret part', async () => {
    const tokenCache = new RecordingCache();
    const user = UserCredentials.fromJson(emulator.current.authorizedUser, { tokenCache });
    await serviceAccount({ tokenCache, subject: 'someone@example.com' }).getAccessToken();
    await user.getAccessToken();
    const [sa, userIdentity] = tokenCache.requests.map((r) => r.identity);
    assert.deepEqual(sa, {
      type: 'service_account',
      principal: emulator.current.serviceAccountKey.client_email,
      issuer: emulator.current.tokenUrl,
      scopes: [SCOPE],
      subject: 'someone@example.com',
      universe: 'googleapis.com',
    });
    assert.equal(userIdentity.principal, emulator.current.authorizedUser.client_id);
    assert.equal(userIdentity.secretPrincipal, emulator.current.authorizedUser.refresh_token);
    assert.ok(tokenCache.requests[1].rotatingSecret, 'user credentials share their refresh token');
  });

  it('keeps tokens unshared for types that name no identity: self-signed JWTs, extra claims', async () => {
    const tokenCache = new RecordingCache();
    const selfSigned = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      tokenCache,
    });
    await selfSigned.getRequestHeaders(emulator.current.echoUrl);
    await serviceAccount({ tokenCache, additionalClaims: { team: 'a' } }).getAccessToken();
    assert.equal(tokenCache.requests.length, 0);
  });

  it('shares ID tokens for one audience through the source credentials identity', async () => {
    const tokenCache = new MemoryTokenCache();
    const audience = 'https://service.example.com';
    const idTokens = () =>
      new IdTokenCredentials({ sourceCredentials: serviceAccount(), audience, tokenCache });
    const [a, b] = await Promise.all([idTokens().getAccessToken(), idTokens().getAccessToken()]);
    assert.equal(a, b);
    const other = await new IdTokenCredentials({
      sourceCredentials: serviceAccount(),
      audience: 'https://other.example.com',
      tokenCache,
    }).getAccessToken();
    assert.notEqual(other, a);
  });

  it('passes a rotated refresh token to the other credentials objects of the same user', async () => {
    emulator.current.state.rotateRefreshTokens = true;
    try {
      const tokenCache = new MemoryTokenCache();
      const json = emulator.current.createUser();
      const a = UserCredentials.fromJson(json, { tokenCache });
      const b = UserCredentials.fromJson(json, { tokenCache });
      await a.getAccessToken();
      assert.notEqual(a.refreshToken, json.refresh_token, 'the emulator rotated it');
      await b.getAccessToken();
      assert.equal(b.refreshToken, a.refreshToken);
      // b refreshes with the rotated token; the original one no longer works.
      await b.refresh();
      assert.equal(emulator.current.hits.token, 2);
    } finally {
      emulator.current.state.rotateRefreshTokens = false;
    }
  });

  it('refuses a tokenCache option that is not a TokenCache', () => {
    assert.throws(() => serviceAccount({ tokenCache: {} as TokenCache }), {
      code: 'ERR_INVALID_OPTIONS',
      message: /tokenCache must be a TokenCache/,
    });
    assert.throws(() => new MemoryTokenCache({ maxEntries: 0 }), { code: 'ERR_INVALID_OPTIONS' });
  });
});
