import assert from 'node:assert/strict';
import { ProviderSession } from '../src/flows/provider-session.js';
import { OAuthProvider } from '../src/oauth/provider.js';
import { MemoryTokenStore } from '../src/store/memory-token-store.js';
import {
  rotatedTokens,
  startStubProvider,
  type StubProvider,
} from './support/oidc-provider-stub.js';

describe('ProviderSession and its store', () => {
  let stub: StubProvider;
  let rotation = 0;
  beforeEach(async () => {
    stub = await startStubProvider();
    rotation = 0;
    stub.route('/token', () => rotatedTokens(++rotation));
  });
  afterEach(() => stub.close());

  const provider = () =>
    new OAuthProvider({
      name: 'stub',
      tokenUrl: `${stub.issuer}/token`,
      clientId: 'app',
      clientSecret: 'stub-client-secret',
    });
  const tokens = {
    accessToken: 'access-0',
    refreshToken: 'refresh-0',
    tokenType: 'Bearer' as const,
    raw: {},
  };

  it('saves its first tokens at once when created with a store', async () => {
    const store = new MemoryTokenStore();
    const session = new ProviderSession({ provider: provider(), tokens, store, storeKey: 'u1' });
    await session.saved();
    assert.equal((await store.get('u1'))?.refresh_token, 'refresh-0');
  });

  it('hands out a refreshed token before its save ends, and saves a rotated refresh token before using it', async () => {
    const store = new MemoryTokenStore();
    const saves: Array<() => void> = [];
    const gated = {
      get: (key: string) => store.get(key),
      delete: (key: string) => store.delete(key),
      set: (key: string, value: Record<string, unknown>) =>
        new Promise<void>((resolve) => saves.push(() => void store.set(key, value).then(resolve))),
    };
    const session = new ProviderSession({
      provider: provider(),
      tokens,
      store: gated,
      storeKey: 'u1',
    });
    await new Promise((resolve) => setImmediate(resolve)); // the first save starts on its own
    saves.shift()!();
    await session.saved();

    await session.refresh();
    assert.equal(
      session.token,
      'access-1',
      'the caller has the new token while the save is pending',
    );
    assert.equal((await store.get('u1'))?.refresh_token, 'refresh-0');

    const second = session.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(rotation, 1, 'the next refresh waits for the rotated refresh token to be saved');
    saves.shift()!();
    await second;
    assert.equal(rotation, 2);
    assert.equal(stub.requests.at(-1)?.form.get('refresh_token'), 'refresh-1');
    saves.shift()!();
    await session.saved();
    assert.equal((await store.get('u1'))?.refresh_token, 'refresh-2');
  });

  it('refuses a refreshed ID token for another user (ERR_ID_TOKEN_INVALID) and keeps the old token', async () => {
    const first = await stub.idToken('app', { sub: 'alice' });
    const other = await stub.idToken('app', { sub: 'mallory' });
    stub.route('/token', () => ({
      body: { access_token: 'access-1', token_type: 'Bearer', expires_in: 3600, id_token: other },
    }));
    const p = new OAuthProvider({
      issuer: stub.issuer,
      clientId: 'app',
      clientSecret: 'stub-client-secret',
    });
    const session = new ProviderSession({ provider: p, tokens: { ...tokens, idToken: first } });
    await assert.rejects(session.refresh(), { code: 'ERR_ID_TOKEN_INVALID' });
    assert.equal(session.token, 'access-0');
    assert.equal(session.tokens.idToken, first);
  });
  it('fetch() goes through the http.fetch the session was given, with its access token', async () => {
    stub.route('/api/me', (request) => ({
      body: { authorization: String(request.headers.authorization) },
    }));
    const seen: string[] = [];
    const session = new ProviderSession({
      provider: provider(),
      tokens: { ...tokens, expiresAt: Date.now() + 3_600_000 },
      http: {
        fetch: (input, init) => {
          seen.push(String(input));
          return fetch(input, init);
        },
      },
    });
    const response = await session.fetch(`${stub.issuer}/api/me`);
    assert.deepEqual(await response.json(), { authorization: 'Bearer access-0' });
    assert.deepEqual(seen, [`${stub.issuer}/api/me`]);
  });
});
