import assert from 'node:assert/strict';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { ProviderSession } from '../src/flows/provider-session.js';
import { OAuthProvider } from '../src/oauth/provider.js';
import { bindToStore, loadUserCredentials } from '../src/store/bind-to-store.js';
import { MemoryTokenStore } from '../src/store/memory-token-store.js';
import type { TokenStore } from '../src/store/token-store.js';
import {
  rotatedTokens,
  startStubProvider,
  type StubProvider,
} from './support/oidc-provider-stub.js';

/** A store whose saves wait until the test releases them, one by one. */
function gatedStore(inner = new MemoryTokenStore()) {
  const pending: Array<() => void> = [];
  let requested: (() => void) | undefined;
  const store: TokenStore = {
    get: (key) => inner.get(key),
    delete: (key) => inner.delete(key),
    set: (key, value) =>
      new Promise<void>((resolve) => {
        pending.push(() => void inner.set(key, value).then(resolve));
        requested?.();
      }),
  };
  return {
    store,
    inner,
    /** Resolves once a save is waiting, then lets it through. */
    async release(): Promise<void> {
      if (pending.length === 0) await new Promise<void>((resolve) => (requested = resolve));
      pending.shift()!();
    },
  };
}

/**
 * A fetch that notes every refresh token sent before `store` held it under 'k'. Checked when the
 * request leaves, so a refresh that did not wait for the save is caught at once.
 */
function watchSends(store: TokenStore) {
  const unsavedSends: string[] = [];
  const checkingFetch: typeof fetch = async (input, init) => {
    const sent = new URLSearchParams(String(init?.body)).get('refresh_token')!;
    if ((await store.get('k'))?.refresh_token !== sent) unsavedSends.push(sent);
    return fetch(input, init);
  };
  return { unsavedSends, checkingFetch };
}

describe('one token-record format and one store binding', () => {
  let stub: StubProvider;
  let rotation = 0;
  /** What the store held when each refresh arrived; the stub refuses a refresh token not yet saved. */
  let persisted: () => Promise<unknown> = async () => undefined;
  beforeEach(async () => {
    stub = await startStubProvider();
    rotation = 0;
    persisted = async () => undefined;
    stub.route('/token', async (request) => {
      const sent = request.form.get('refresh_token');
      const saved = await persisted();
      if (saved !== undefined && saved !== sent) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'not saved' } };
      }
      return rotatedTokens(++rotation);
    });
  });
  afterEach(() => stub.close());

  it('reads a user-credentials record written by 0.1.0 (authorized_user + scopes, access_token, ISO expiry)', async () => {
    const store = new MemoryTokenStore();
    const expiry = new Date(Date.now() + 30 * 60_000).toISOString();
    await store.set('default', {
      type: 'authorized_user',
      client_id: 'client.apps.googleusercontent.com',
      client_secret: 'GOCSPX-secret',
      refresh_token: '1//0refresh',
      scopes: ['openid', 'email'],
      access_token: 'ya29.saved',
      expiry,
    });
    const credentials = (await loadUserCredentials(store, 'default'))!;
    assert.equal(credentials.refreshToken, '1//0refresh');
    assert.equal(await credentials.getAccessToken(), 'ya29.saved');
    assert.equal(credentials.expiresAt?.toISOString(), expiry);
    assert.deepEqual([...credentials.scopes], ['openid', 'email']);
  });

  it('reads a ProviderSession record written by 0.1.0 (expires_at in epoch seconds, scope string)', async () => {
    const store = new MemoryTokenStore();
    const expiresAt = Math.floor(Date.now() / 1000) + 1800;
    await store.set('stub', {
      access_token: 'access-old',
      token_type: 'Bearer',
      expires_at: expiresAt,
      refresh_token: 'refresh-old',
      scope: 'openid email',
    });
    const session = (await ProviderSession.fromStore(store, { provider: provider() }))!;
    assert.equal(session.tokens.accessToken, 'access-old');
    assert.equal(session.tokens.refreshToken, 'refresh-old');
    assert.equal(session.tokens.expiresAt, expiresAt * 1000);
    assert.deepEqual(session.tokens.scopes, ['openid', 'email']);
    assert.equal(await session.getAccessToken(), 'access-old');
  });

  it('writes the same record format from a ProviderSession and from bindToStore', async () => {
    const store = new MemoryTokenStore();
    const session = new ProviderSession({
      provider: provider(),
      tokens: { ...tokens(), expiresAt: Date.parse('2030-01-01T00:00:00Z'), scopes: ['openid'] },
      store,
      storeKey: 'session',
    });
    await session.saved();
    assert.deepEqual(await store.get('session'), {
      access_token: 'access-0',
      token_type: 'Bearer',
      expiry: '2030-01-01T00:00:00.000Z',
      refresh_token: 'refresh-0',
      scopes: ['openid'],
    });
    const credentials = user();
    await credentials.getAccessToken();
    await bindToStore(credentials, store, 'user');
    const record = (await store.get('user'))!;
    assert.deepEqual(Object.keys(record).sort(), [
      'access_token',
      'client_id',
      'client_secret',
      'expiry',
      'refresh_token',
      'token_type',
      'token_uri',
      'type',
    ]);
    assert.equal(record.expiry, credentials.expiresAt?.toISOString());
  });

  it('rejects a malformed 0.1.0 session field as ERR_INVALID_CREDENTIALS naming the key, without the token', async () => {
    const store = new MemoryTokenStore();
    await store.set('stub', { access_token: 'access-secret-x', expires_at: 'tomorrow' });
    await assert.rejects(ProviderSession.fromStore(store, { provider: provider() }), (error) => {
      assert.equal((error as { code?: string }).code, 'ERR_INVALID_CREDENTIALS');
      assert.match((error as Error).message, /'stub'.*expires_at/);
      assert.ok(!(error as Error).message.includes('access-secret-x'));
      return true;
    });
  });

  it('bindToStore: hands out a refreshed token before its save ends, and sends a rotated refresh token only once it is saved', async () => {
    const gated = gatedStore();
    const { unsavedSends, checkingFetch } = watchSends(gated.inner);
    const credentials = user(checkingFetch);
    const binding = bindToStore(credentials, gated.store, 'k');
    await gated.release();
    await binding;

    await credentials.refresh();
    assert.equal(
      credentials.token,
      'access-1',
      'the caller has the new token while the save waits',
    );
    assert.equal((await gated.inner.get('k'))?.refresh_token, 'refresh-0');

    const second = credentials.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    await gated.release();
    await second;
    assert.deepEqual(unsavedSends, [], 'every refresh token was saved before it was sent');
    assert.equal(credentials.token, 'access-2');
    assert.equal(stub.requests.at(-1)?.form.get('refresh_token'), 'refresh-1');
    await gated.release();
    await (await binding).flush();
    assert.equal((await gated.inner.get('k'))?.refresh_token, 'refresh-2');
  });

  it('ProviderSession: sends a rotated refresh token only once it is saved', async () => {
    const gated = gatedStore();
    const { unsavedSends, checkingFetch } = watchSends(gated.inner);
    const session = new ProviderSession({
      provider: provider(checkingFetch),
      tokens: tokens(),
      store: gated.store,
      storeKey: 'k',
    });
    await gated.release();
    await session.saved();
    await session.refresh();
    const second = session.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    await gated.release();
    await second;
    assert.deepEqual(unsavedSends, []);
    assert.equal(session.token, 'access-2');
  });

  it('ProviderSession created with a store saves its first tokens at once, before any refresh', async () => {
    const store = new MemoryTokenStore();
    const session = new ProviderSession({
      provider: provider(),
      tokens: tokens(),
      store,
      storeKey: 'first',
    });
    await session.saved();
    assert.equal(rotation, 0);
    assert.equal((await store.get('first'))?.refresh_token, 'refresh-0');
  });

  function provider(customFetch?: typeof fetch) {
    return new OAuthProvider({
      http: customFetch && { fetch: customFetch },
      name: 'stub',
      tokenUrl: `${stub.issuer}/token`,
      clientId: 'app',
      clientSecret: 'stub-client-secret',
    });
  }

  function tokens() {
    return {
      accessToken: 'access-0',
      refreshToken: 'refresh-0',
      tokenType: 'Bearer' as const,
      raw: {},
    };
  }

  function user(customFetch?: typeof fetch) {
    return new UserCredentials({
      http: customFetch && { fetch: customFetch },
      clientId: 'app',
      clientSecret: 'stub-client-secret',
      refreshToken: 'refresh-0',
      tokenUri: `${stub.issuer}/token`,
    });
  }
});
