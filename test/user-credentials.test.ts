import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import nock from 'nock';
import { UserCredentials } from '../src/credentials/user-credentials.js';

const TOKEN_HOST = 'https://oauth2.example.test';
const USER = {
  type: 'authorized_user',
  client_id: 'client-1.apps.example.test',
  client_secret: 'client-secret-value',
  refresh_token: '1//refresh-token-value',
  token_uri: `${TOKEN_HOST}/token`,
};

describe('UserCredentials', () => {
  afterEach(() => nock.cleanAll());

  it('refreshes with the refresh-token grant, sending client credentials in the body', async () => {
    let form = new URLSearchParams();
    nock(TOKEN_HOST)
      .post('/token', (body: Record<string, string>) => {
        form = new URLSearchParams(body);
        return true;
      })
      .reply(200, {
        access_token: 'ya29.user',
        expires_in: 3599,
        scope: 'openid email',
        token_type: 'Bearer',
      });
    const credentials = UserCredentials.fromJson(USER);
    const headers = await credentials.getRequestHeaders();
    assert.equal(headers.get('authorization'), 'Bearer ya29.user');
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('client_id'), USER.client_id);
    assert.equal(form.get('client_secret'), USER.client_secret);
    assert.equal(form.get('refresh_token'), USER.refresh_token);
    assert.equal(form.get('scope'), null);
    assert.ok(credentials.expiresAt && credentials.expiresAt.getTime() > Date.now() + 3500_000);
  });

  it('asks for the scopes it was narrowed to', async () => {
    let scope: string | null = null;
    nock(TOKEN_HOST)
      .post('/token', (body: Record<string, string>) => {
        scope = new URLSearchParams(body).get('scope');
        return true;
      })
      .reply(200, { access_token: 'ya29.narrow', expires_in: 3600 });
    await UserCredentials.fromJson(USER).withScopes(['a', 'b']).getAccessToken();
    assert.equal(scope, 'a b');
  });

  it('adopts a rotated refresh token, announces it and writes it back in toJson()', async () => {
    nock(TOKEN_HOST)
      .post('/token')
      .reply(200, { access_token: 'ya29.one', expires_in: 3600, refresh_token: '1//rotated' });
    const credentials = UserCredentials.fromJson(USER);
    const events: (string | undefined)[] = [];
    credentials.on('tokens', (t) => events.push(t.refreshToken));
    await credentials.getAccessToken();
    assert.deepEqual(events, ['1//rotated']);
    assert.equal(credentials.refreshToken, '1//rotated');
    assert.equal(credentials.toJson().refresh_token, '1//rotated');
    // A clone made after rotation carries the new refresh token.
    let sent: string | null = null;
    nock(TOKEN_HOST)
      .post('/token', (body: Record<string, string>) => {
        sent = new URLSearchParams(body).get('refresh_token');
        return true;
      })
      .reply(200, { access_token: 'ya29.two', expires_in: 3600 });
    await credentials.withQuotaProject('q').getAccessToken();
    assert.equal(sent, '1//rotated');
  });

  it('turns invalid_grant into a non-retryable ERR_INVALID_GRANT telling the user to log in again', async () => {
    const scope = nock(TOKEN_HOST).post('/token').reply(400, {
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    const credentials = UserCredentials.fromJson(USER, { source: 'adc.json' });
    await assert.rejects(credentials.getAccessToken(), (e: Error & Record<string, unknown>) => {
      assert.equal(e.code, 'ERR_INVALID_GRANT');
      assert.equal(e.error, 'invalid_grant');
      assert.equal(e.retryable, false);
      assert.match(e.message, /adc\.json: the refresh token was rejected.*must log in again/);
      assert.doesNotMatch(
        `${e.message}${e.stack}${JSON.stringify(e)}`,
        /refresh-token-value|client-secret-value/,
      );
      return true;
    });
    assert.ok(scope.isDone());
  });

  it('starts from an access token it already holds, without a round trip', async () => {
    const credentials = new UserCredentials({
      clientId: 'c',
      refreshToken: 'r',
      accessToken: 'ya29.held',
      expiresAt: Date.now() + 3600_000,
    });
    assert.equal(credentials.valid, true);
    assert.equal(await credentials.getAccessToken(), 'ya29.held');
  });

  it('round-trips authorized_user JSON through toJson()', () => {
    const json = { ...USER, quota_project_id: 'quota', account: 'me@example.com' };
    assert.deepEqual(UserCredentials.fromJson(json).toJson(), json);
  });

  it('reads an authorized_user file and reports missing fields with the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warrant-user-'));
    const path = join(dir, 'adc.json');
    await writeFile(path, JSON.stringify(USER));
    assert.equal((await UserCredentials.fromFile(path)).clientId, USER.client_id);
    await writeFile(path, JSON.stringify({ ...USER, refresh_token: undefined }));
    await assert.rejects(UserCredentials.fromFile(path), {
      code: 'ERR_INVALID_CREDENTIALS',
      field: 'refresh_token',
      message: /adc\.json: field refresh_token is missing \(log in again/,
    });
  });

  it('never shows the refresh token or client secret when inspected or serialized', () => {
    const credentials = UserCredentials.fromJson(USER);
    const shown = `${JSON.stringify(credentials)} ${String(credentials)} ${inspect(credentials)}`;
    assert.doesNotMatch(shown, /refresh-token-value|client-secret-value/);
  });
});

describe('UserCredentials scopes', () => {
  afterEach(() => nock.cleanAll());

  it('exposes the scopes the server granted, and a narrowed copy fetches its own token', async () => {
    const held = new UserCredentials({
      clientId: 'c',
      refreshToken: 'r',
      tokenUri: `${TOKEN_HOST}/token`,
      accessToken: 'ya29.wide',
      expiresAt: Date.now() + 3600_000,
      grantedScopes: ['a', 'b'],
    });
    assert.deepEqual(held.grantedScopes, ['a', 'b']);
    assert.equal(await held.withQuotaProject('q').getAccessToken(), 'ya29.wide');
    nock(TOKEN_HOST)
      .post('/token')
      .reply(200, { access_token: 'ya29.narrow', expires_in: 3600, scope: 'a' });
    const narrowed = held.withScopes(['a']);
    assert.equal(await narrowed.getAccessToken(), 'ya29.narrow');
    assert.deepEqual(narrowed.grantedScopes, ['a']);
    assert.equal(await held.getAccessToken(), 'ya29.wide');
  });
});
