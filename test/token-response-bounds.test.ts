import assert from 'node:assert/strict';
import { ComputeCredentials } from '../src/credentials/compute-credentials.js';
import { MAX_TOKEN_LIFETIME_SEC } from '../src/oauth/token-endpoint.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { TokenResponseError } from '../src/errors.js';
import { MetadataClient } from '../src/metadata/metadata-client.js';
import { useEmulator } from './support/emulator.js';
import { caught } from './support/login.js';
import { assertNoSecrets } from './support/secrets.js';

const NO_RETRY = { retry: { maxAttempts: 1 } };

describe('token responses: lifetimes and header-safe tokens', () => {
  const emulator = useEmulator();
  const user = () => UserCredentials.fromJson(emulator.current.authorizedUser, { http: NO_RETRY });
  const answer = (body: Record<string, unknown>) =>
    emulator.current.fail('token', { status: 200, body: JSON.stringify(body) });

  it('cuts a huge expires_in (1e13 s) to a year, so the expiry is a valid date and saving works', async () => {
    answer({ access_token: 'ya29.long-lived', token_type: 'Bearer', expires_in: 1e13 });
    const credentials = user();
    assert.equal(await credentials.getAccessToken(), 'ya29.long-lived');
    const expiresAt = credentials.expiresAt;
    assert.ok(expiresAt instanceof Date);
    const lifetimeSec = (expiresAt.getTime() - Date.now()) / 1000;
    assert.ok(lifetimeSec <= MAX_TOKEN_LIFETIME_SEC && lifetimeSec > MAX_TOKEN_LIFETIME_SEC - 3600);
    assert.doesNotThrow(() => JSON.stringify(credentials.toJson()));
  });

  it('accepts expires_in sent as a string of digits', async () => {
    answer({ access_token: 'ya29.string-lifetime', token_type: 'Bearer', expires_in: '3600' });
    const credentials = user();
    await credentials.getAccessToken();
    assert.ok(credentials.expiresAt && credentials.expiresAt.getTime() > Date.now() + 3000_000);
  });

  for (const expiresIn of [0, -60, 'soon', true, { s: 1 }, -1e-9]) {
    it(`refuses expires_in ${JSON.stringify(expiresIn)} with ERR_TOKEN_RESPONSE naming the field`, async () => {
      answer({
        access_token: 'ya29.expired-on-arrival',
        token_type: 'Bearer',
        expires_in: expiresIn,
      });
      const error = await caught(user().getAccessToken());
      assert.ok(error instanceof TokenResponseError);
      assert.equal(error.code, 'ERR_TOKEN_RESPONSE');
      assert.match(error.message, /expires_in .*positive number of seconds/);
      assertNoSecrets(error, ['ya29.expired-on-arrival']);
    });
  }

  for (const [what, token] of [
    ['CR/LF', 'ya29.abc\r\nX-Injected: yes'],
    ['a NUL', 'ya29.abc\u0000def'],
    ['a space', 'ya29.abc def'],
    ['non-ASCII', 'ya29.abcé'],
  ]) {
    it(`refuses an access token holding ${what}, without quoting it`, async () => {
      answer({ access_token: token, token_type: 'Bearer', expires_in: 3600 });
      const credentials = user();
      const error = await caught(credentials.getAccessToken());
      assert.ok(error instanceof TokenResponseError);
      assert.equal(error.code, 'ERR_TOKEN_RESPONSE');
      assert.match(error.message, /access_token with characters an HTTP header cannot carry/);
      assertNoSecrets(error, [token, 'ya29.abc']);
      assert.equal(credentials.expiresAt, undefined);
    });
  }

  it('keeps the old token when a refresh answers a header-breaking token', async () => {
    const credentials = user();
    const first = await credentials.getAccessToken();
    answer({ access_token: 'ya29.x\nInjected: 1', token_type: 'Bearer', expires_in: 3600 });
    await assert.rejects(credentials.refresh(), { code: 'ERR_TOKEN_RESPONSE' });
    assert.equal(await credentials.getAccessToken(), first);
  });

  describe('from the metadata server', () => {
    const compute = () =>
      new ComputeCredentials({
        metadataClient: new MetadataClient({
          env: { GCE_METADATA_HOST: emulator.current.host },
          http: NO_RETRY,
        }),
      });
    const answerMetadata = (body: Record<string, unknown>) =>
      emulator.current.fail('metadata', {
        status: 200,
        body: JSON.stringify(body),
        headers: { 'metadata-flavor': 'Google', 'content-type': 'application/json' },
      });

    it('refuses a metadata token with CR/LF and a zero lifetime, typed, without the token', async () => {
      answerMetadata({ access_token: 'ya29.m\r\nX: y', expires_in: 3600, token_type: 'Bearer' });
      const broken = await caught(compute().getAccessToken());
      assert.ok(broken instanceof TokenResponseError);
      assertNoSecrets(broken, ['ya29.m']);
      answerMetadata({ access_token: 'ya29.zero', expires_in: 0, token_type: 'Bearer' });
      await assert.rejects(compute().getAccessToken(), { code: 'ERR_TOKEN_RESPONSE' });
    });
  });
});
