import assert from 'node:assert/strict';
import { Credentials, type TokenResult } from '../src/credentials/credentials.js';
import { IdTokenCredentials } from '../src/credentials/id-token-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { AuthorizedClient } from '../src/transport/authorized-client.js';
import { IdTokenVerifier } from '../src/id-token/verifier.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { assertSafeError, googleClaims, segment } from './fixtures/id-token/tokens.js';

/** Credentials of some other kind (compute, impersonated...) whose fetchIdToken is scripted. */
class ScriptedIdTokenSource extends Credentials {
  readonly type = 'scripted';
  calls: string[] = [];
  constructor(readonly mint: (audience: string) => Promise<string>) {
    super({});
  }
  protected override async fetchToken(): Promise<TokenResult> {
    throw new Error('not used');
  }
  override fetchIdToken(audience: string): Promise<string> {
    this.calls.push(audience);
    return this.mint(audience);
  }
}

class AccessTokenOnly extends Credentials {
  readonly type = 'access_token_only';
  protected override async fetchToken(): Promise<TokenResult> {
    return { accessToken: 'opaque' };
  }
}

describe('fetching ID tokens', () => {
  const emulator = useEmulator();
  const verifier = new IdTokenVerifier();
  const runUrl = () => `${emulator.current.url}/run`;
  const verify = (token: string, audience: string) =>
    verifier.verify(token, { audience, jwksUrl: emulator.current.jwksUrl });

  describe('service account', () => {
    it('gets an ID token for the audience from the JWT-bearer grant with target_audience', async () => {
      const credentials = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
        scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      });
      const token = await credentials.fetchIdToken(runUrl());
      const ticket = await verify(token, runUrl());
      assert.equal(ticket.email, emulator.current.serviceAccountKey.client_email);
      assert.equal(emulator.current.hits.token, 1);
      assert.equal(credentials.token, undefined, 'the access-token slot is untouched');
    });

    it('fails with ERR_TOKEN_RESPONSE when the endpoint answers without an id_token', async () => {
      const credentials = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey);
      emulator.current.fail('token', {
        status: 200,
        body: JSON.stringify({ access_token: 'ya29.not-an-id-token', expires_in: 3600 }),
      });
      await assert.rejects(credentials.fetchIdToken(runUrl()), (e) =>
        assertSafeError(e, 'ERR_TOKEN_RESPONSE', 'ya29.not-an-id-token'),
      );
    });

    it('reports a rejected assertion as an OAuth error that shows neither key nor assertion', async () => {
      const key = emulator.current.createServiceAccount();
      const credentials = ServiceAccountCredentials.fromJson({
        ...key,
        client_email: 'nobody@x.iam.gserviceaccount.com',
      });
      const error = await credentials.fetchIdToken(runUrl()).catch((e: Error) => e);
      assert.equal((error as { code?: string }).code, 'ERR_INVALID_GRANT');
      const text = `${(error as Error).message} ${JSON.stringify(error)}`;
      assert.ok(!text.includes('eyJ') && !text.includes('PRIVATE KEY'), text);
    });
  });

  describe('user credentials', () => {
    it('returns the ID token of a refresh grant when the login granted openid', async () => {
      const json = emulator.current.createUser();
      const user = UserCredentials.fromJson(json);
      const token = await user.fetchIdToken(json.client_id);
      const ticket = await verify(token, json.client_id);
      assert.match(ticket.email ?? '', /@example\.com$/);
      assert.ok(user.token, 'the refresh also installed an access token');
    });

    it('shares one refresh with concurrent callers and saves a rotated refresh token', async () => {
      const json = emulator.current.createUser();
      const user = UserCredentials.fromJson(json);
      const rotated: string[] = [];
      user.on('tokens', (t) => t.refreshToken && rotated.push(t.refreshToken));
      emulator.current.state.rotateRefreshTokens = true;
      try {
        const [a, b, access] = await Promise.all([
          user.fetchIdToken(json.client_id),
          user.fetchIdToken(json.client_id),
          user.getAccessToken(),
        ]);
        assert.equal(a, b);
        assert.ok(access);
        assert.equal(emulator.current.hits.token, 1);
        assert.equal(rotated.length, 1);
        assert.equal(user.refreshToken, rotated[0]);
        await user.fetchIdToken(json.client_id);
        assert.equal(emulator.current.hits.token, 2, 'the rotated refresh token works');
      } finally {
        emulator.current.state.rotateRefreshTokens = false;
      }
    });

    it('explains that the openid scope is needed when the grant has no ID token', async () => {
      const json = emulator.current.createUser({
        scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      });
      const user = UserCredentials.fromJson(json);
      await assert.rejects(user.fetchIdToken(json.client_id), (e) => {
        assertSafeError(e, 'ERR_UNSUPPORTED', json.refresh_token);
        assert.match((e as Error).message, /openid/);
        assert.ok(!(e as Error).message.includes(json.client_secret));
        return true;
      });
    });

    it('says the passed scopes may leave openid out', async () => {
      const json = emulator.current.createUser();
      const user = UserCredentials.fromJson(json, {
        scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      });
      await assert.rejects(user.fetchIdToken(json.client_id), /scopes passed to these credentials/);
    });
  });

  it('refuses with ERR_UNSUPPORTED, naming the types that can, on credentials that cannot', async () => {
    await assert.rejects(new AccessTokenOnly({}).fetchIdToken('https://x.example'), (e) => {
      assertSafeError(e, 'ERR_UNSUPPORTED', undefined);
      assert.match((e as Error).message, /service account.*compute.*user credentials/);
      return true;
    });
  });

  describe('IdTokenCredentials', () => {
    it('calls a private Cloud Run service through AuthorizedClient with a service account', async () => {
      const sourceCredentials = ServiceAccountCredentials.fromJson(
        emulator.current.serviceAccountKey,
      );
      const credentials = new IdTokenCredentials({ sourceCredentials, audience: runUrl() });
      const client = new AuthorizedClient(credentials);
      const response = await client.fetch(`${runUrl()}/hello`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { email: string; aud: string; path: string };
      assert.equal(body.email, emulator.current.serviceAccountKey.client_email);
      assert.equal(body.aud, runUrl());
      assert.equal(body.path, '/run/hello');

      const gaxios = await client.request<{ ok: boolean }>({ url: `${runUrl()}/again` });
      assert.equal(gaxios.data.ok, true);
      assert.equal(emulator.current.hits.token, 1, 'the ID token is cached');
    });

    it('is turned away by the service when minted for another audience', async () => {
      const sourceCredentials = ServiceAccountCredentials.fromJson(
        emulator.current.serviceAccountKey,
      );
      const credentials = new IdTokenCredentials({
        sourceCredentials,
        audience: 'https://other.example',
      });
      const response = await new AuthorizedClient(credentials).fetch(`${runUrl()}/hello`);
      assert.equal(response.status, 401);
      assert.equal(emulator.current.hits.token, 2, 'one refresh and replay after the 401');
    });

    it('takes its expiry from the token exp and refreshes once for concurrent callers', async () => {
      const sourceCredentials = ServiceAccountCredentials.fromJson(
        emulator.current.serviceAccountKey,
      );
      const credentials = new IdTokenCredentials({ sourceCredentials, audience: runUrl() });
      const headers = await Promise.all(
        Array.from({ length: 20 }, () => credentials.getRequestHeaders()),
      );
      assert.equal(emulator.current.hits.token, 1);
      const token = headers[0].get('authorization')?.slice('Bearer '.length) ?? '';
      assert.ok(headers.every((h) => h.get('authorization') === `Bearer ${token}`));
      const { payload } = await verify(token, runUrl());
      assert.equal(credentials.expiresAt?.getTime(), payload.exp * 1000);
      assert.equal(credentials.audience, runUrl());
      assert.deepEqual(JSON.parse(JSON.stringify(credentials)).audience, runUrl());
      assert.ok(!JSON.stringify(credentials).includes(token));
    });

    it('works with any credentials whose fetchIdToken works (compute, impersonated, ...)', async () => {
      let now = Date.now();
      const { signingKeys } = emulator.current.state;
      const source = new ScriptedIdTokenSource(async (audience) =>
        signingKeys.sign(
          googleClaims(audience, {
            iat: Math.floor(now / 1000),
            exp: Math.floor(now / 1000) + 600,
          }),
        ),
      );
      const credentials = new IdTokenCredentials({
        sourceCredentials: source,
        audience: runUrl(),
        clock: () => now,
      });
      const response = await new AuthorizedClient(credentials).fetch(runUrl());
      assert.equal(response.status, 200);
      await credentials.getRequestHeaders();
      assert.deepEqual(source.calls, [runUrl()]);
      now += 301_000; // past half the 600 s lifetime
      await credentials.getRequestHeaders();
      assert.deepEqual(source.calls, [runUrl(), runUrl()]);
      assert.equal(
        await credentials.fetchIdToken('https://x.example').then(() => source.calls.at(-1)),
        'https://x.example',
      );
    });

    it('fails with ERR_TOKEN_RESPONSE, not showing it, when the source returns something without exp', async () => {
      const noExp = `${segment({ alg: 'RS256' })}.${segment({ aud: 'x', sub: 'secret-subject-value' })}.c2lnbmF0dXJlLXZhbHVl`;
      for (const bad of ['not-a-jwt-but-a-secret-value', noExp]) {
        const credentials = new IdTokenCredentials({
          sourceCredentials: new ScriptedIdTokenSource(async () => bad),
          audience: runUrl(),
        });
        await assert.rejects(credentials.getRequestHeaders(), (e) => {
          assertSafeError(e, 'ERR_TOKEN_RESPONSE', bad);
          assert.ok(!(e as Error).message.includes(bad));
          return true;
        });
      }
    });

    it('passes on the source error and keeps no token', async () => {
      const credentials = new IdTokenCredentials({
        sourceCredentials: new AccessTokenOnly({}),
        audience: runUrl(),
      });
      await assert.rejects(credentials.getRequestHeaders(), { code: 'ERR_UNSUPPORTED' });
      assert.equal(credentials.token, undefined);
    });

    it('checks its options', () => {
      const sourceCredentials = new AccessTokenOnly({});
      assert.throws(() => new IdTokenCredentials({ sourceCredentials, audience: '' }), {
        code: 'ERR_INVALID_OPTIONS',
      });
      assert.throws(
        () =>
          new IdTokenCredentials({
            sourceCredentials: {} as Credentials,
            audience: 'https://x.example',
          }),
        { code: 'ERR_INVALID_OPTIONS' },
      );
    });

    it('fetches through the source with its HTTP options (fast failure on an outage)', async () => {
      const sourceCredentials = ServiceAccountCredentials.fromJson(
        emulator.current.serviceAccountKey,
        { http: FAST_HTTP },
      );
      const credentials = new IdTokenCredentials({ sourceCredentials, audience: runUrl() });
      emulator.current.fail('token', { status: 503, count: 3 });
      await assert.rejects(
        credentials.getRequestHeaders(),
        (e) => (e as { retryable?: boolean }).retryable === true,
      );
      assert.equal(emulator.current.hits.token, 3);
    });
  });
});
