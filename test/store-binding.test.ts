import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { bindToStore, loadUserCredentials, storedRecord } from '../src/store/bind-to-store.js';
import { FileTokenStore } from '../src/store/file-token-store.js';
import { MemoryTokenStore } from '../src/store/memory-token-store.js';
import type { TokenStore } from '../src/store/token-store.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { caught } from './support/login.js';

describe('bindToStore and loadUserCredentials', () => {
  const emulator = useEmulator({ rotateRefreshTokens: true });
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warrant-bind-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function user() {
    return UserCredentials.fromJson(emulator.current.createUser(), { http: FAST_HTTP });
  }

  it('saves now, then every new access token and rotated refresh token', async () => {
    const store = new FileTokenStore(join(dir, 'rotation.json'));
    const credentials = user();
    const firstRefresh = credentials.refreshToken;
    const binding = await bindToStore(credentials, store, 'default');
    assert.equal((await store.get('default'))?.refresh_token, firstRefresh);
    await credentials.getAccessToken();
    await binding.flush();
    const saved = await store.get('default');
    assert.notEqual(saved?.refresh_token, firstRefresh, 'the emulator rotated the refresh token');
    assert.equal(saved?.refresh_token, credentials.refreshToken);
    assert.equal(saved?.access_token, credentials.token);
    assert.equal(saved?.expiry, credentials.expiresAt?.toISOString());
    assert.equal(saved?.type, 'authorized_user');
  });

  it('loads credentials that use the saved access token until it is due, then refresh', async () => {
    const store = new MemoryTokenStore();
    const credentials = user();
    await credentials.getAccessToken();
    await bindToStore(credentials, store, 'me');
    const loaded = await loadUserCredentials(store, 'me', { http: FAST_HTTP });
    assert.ok(loaded);
    assert.equal(loaded.token, credentials.token);
    assert.ok(loaded.valid, 'no refresh needed');
    assert.equal(await loaded.getAccessToken(), credentials.token);
    await bindToStore(loaded, store, 'me', { saveNow: false });
    emulator.current.expireAccessTokens();
    await loaded.refresh();
    const echo = await fetch(emulator.current.echoUrl, {
      headers: await loaded.getRequestHeaders(),
    });
    assert.equal(echo.status, 200);
  });

  it('does not use the saved access token for other scopes than it was issued for', async () => {
    const store = new MemoryTokenStore();
    const credentials = user().withScopes([
      'openid',
      'https://www.googleapis.com/auth/cloud-platform',
    ]);
    await credentials.getAccessToken();
    await bindToStore(credentials, store, 'me');
    const same = await loadUserCredentials(store, 'me', {
      scopes: [...credentials.scopes].reverse(),
    });
    assert.equal(same?.token, credentials.token);
    const narrower = await loadUserCredentials(store, 'me', {
      scopes: ['openid'],
      http: FAST_HTTP,
    });
    assert.equal(narrower?.token, undefined);
    assert.notEqual(await narrower!.getAccessToken(), credentials.token);
  });

  it('answers undefined when nothing is stored under the key', async () => {
    assert.equal(await loadUserCredentials(new MemoryTokenStore(), 'nobody'), undefined);
  });

  it('does not keep an access token whose expiry is unknown', () => {
    const credentials = new UserCredentials({
      clientId: 'c',
      refreshToken: 'r',
      accessToken: 'ya29.forever',
    });
    assert.equal(storedRecord(credentials).access_token, undefined);
  });

  it('reports a malformed stored record as ERR_INVALID_CREDENTIALS naming the key', async () => {
    const store = new MemoryTokenStore();
    await store.set('bad', {
      type: 'authorized_user',
      client_id: 'c',
      refresh_token: 'r',
      expiry: 'someday',
      access_token: 'ya29.x',
    });
    const error = await caught(loadUserCredentials(store, 'bad'));
    assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
    assert.match(error.message, /'bad'/);
    assert.ok(!error.message.includes('ya29.x'));
  });

  it('reports a failed save through onError and flush, and stops saving after unbind', async () => {
    let failing = false;
    let saves = 0;
    const inner = new MemoryTokenStore();
    const flaky: TokenStore = {
      get: (key) => inner.get(key),
      delete: (key) => inner.delete(key),
      set: async (key, value) => {
        saves++;
        if (failing) throw Object.assign(new Error('disk full'), { code: 'ERR_TOKEN_STORE' });
        await inner.set(key, value);
      },
    };
    const credentials = user();
    const seen: unknown[] = [];
    const binding = await bindToStore(credentials, flaky, 'k', { onError: (e) => seen.push(e) });
    failing = true;
    await credentials.refresh();
    assert.equal((await caught(binding.flush())).message, 'disk full');
    assert.equal(seen.length, 1);
    await binding.flush();
    binding.unbind();
    const before = saves;
    await credentials.refresh();
    await binding.flush();
    assert.equal(saves, before);
  });
});
