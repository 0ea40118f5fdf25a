// The emulator's login endpoints checked with plain HTTP: what tests of the flows rely on.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { useEmulator } from './support/emulator.js';
import { emulatorClient } from './support/login.js';

describe('emulator login endpoints', () => {
  const emulator = useEmulator();
  const verifier = 'v'.repeat(43);
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  function authUrl(params: Record<string, string>) {
    const { section } = emulatorClient(emulator.current);
    const url = new URL(section.auth_uri);
    const all: Record<string, string> = {
      client_id: section.client_id,
      redirect_uri: 'http://127.0.0.1:9/cb',
      response_type: 'code',
      scope: 'openid email',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...params,
    };
    for (const [key, value] of Object.entries(all))
      if (value !== '') url.searchParams.set(key, value);
    return { url: url.toString(), section };
  }

  async function get(url: string) {
    const response = await fetch(url, { redirect: 'manual' });
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: await response.text(),
    };
  }

  it('shows a consent page with Allow and Deny for a valid request', async () => {
    const { status, body } = await get(authUrl({}).url);
    assert.equal(status, 200);
    assert.match(
      body,
      /<button type="submit" name="decision" value="allow" id="allow">Allow<\/button>/,
    );
    assert.match(body, /id="deny">Deny</);
    assert.match(body, /<li>email<\/li>/);
  });

  it('answers an unknown client or a bad redirect URI on a page, never by redirect', async () => {
    const unknown = await get(authUrl({ client_id: 'nobody.apps' }).url);
    assert.equal(unknown.status, 401);
    assert.equal(unknown.location, null);
    assert.match(unknown.body, /invalid_client/);
    for (const redirect of ['', 'not a url', 'javascript:alert(1)', 'http://127.0.0.1:9/cb#frag']) {
      const bad = await get(authUrl({ redirect_uri: redirect }).url);
      assert.equal(bad.status, 400, redirect);
      assert.equal(bad.location, null);
    }
  });

  for (const [params, error] of [
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ scope: '' }, 'invalid_request'],
    [{ code_challenge_method: 'S512' }, 'invalid_request'],
    [{ code_challenge: 'short' }, 'invalid_request'],
    [{ code_challenge: '' }, 'invalid_request'],
  ] as const) {
    it(`redirects ${JSON.stringify(params)} back with error=${error} and the state`, async () => {
      const { status, location } = await get(authUrl(params).url);
      assert.equal(status, 302);
      const back = new URL(location!);
      assert.equal(back.origin + back.pathname, 'http://127.0.0.1:9/cb');
      assert.equal(back.searchParams.get('error'), error);
      assert.equal(back.searchParams.get('state'), 'st');
    });
  }

  it('issues single-use codes bound to the PKCE challenge and the redirect URI', async () => {
    const { url, section } = authUrl({});
    const exchange = async (extra: Record<string, string>) => {
      const { location } = await get(`${url}&emulator_consent=approve`);
      const response = await fetch(section.token_uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: new URL(location!).searchParams.get('code')!,
          redirect_uri: 'http://127.0.0.1:9/cb',
          client_id: section.client_id,
          client_secret: section.client_secret,
          code_verifier: verifier,
          ...extra,
        }).toString(),
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    assert.equal((await exchange({ code_verifier: 'w'.repeat(43) })).status, 400);
    assert.equal(
      (await exchange({ redirect_uri: 'http://127.0.0.1:9/other' })).body.error,
      'redirect_uri_mismatch',
    );
    const ok = await exchange({});
    assert.equal(ok.status, 200);
    assert.equal(ok.body.scope, 'openid email');
    assert.ok(ok.body.refresh_token && ok.body.id_token);
  });

  it('describes a service account token at tokeninfo', async () => {
    const credentials = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    const token = await credentials.getAccessToken();
    const info = await fetch(`${emulator.current.url}/tokeninfo?access_token=${token}`);
    const body = (await info.json()) as Record<string, string>;
    assert.equal(body.aud, emulator.current.serviceAccountKey.client_id);
    assert.equal(body.scope, 'https://www.googleapis.com/auth/cloud-platform');
    assert.equal(body.email, undefined, 'no email scope, no email');
  });

  it('rejects unknown tokens at tokeninfo and a revoke without a token', async () => {
    const info = await fetch(`${emulator.current.url}/tokeninfo?access_token=ya29.unknown`);
    assert.equal(info.status, 400);
    assert.equal(((await info.json()) as { error: string }).error, 'invalid_token');
    const revoke = await fetch(`${emulator.current.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    assert.equal(revoke.status, 400);
    assert.equal(((await revoke.json()) as { error: string }).error, 'invalid_request');
  });
});
