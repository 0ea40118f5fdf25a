import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { ComputeCredentials } from '../src/credentials/compute-credentials.js';
import { AuthError, HttpError } from '../src/errors.js';
import { MetadataClient } from '../src/metadata/metadata-client.js';
import { configureMetadata } from '../src/testing/routes/metadata.js';
import { useEmulator } from './support/emulator.js';
import { assertNoSecrets, failure } from './fixtures/adc/support.js';

const FAST = { timeoutMs: 1000, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 } };
const GOOGLE = { 'metadata-flavor': 'Google' };
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

describe('ComputeCredentials', () => {
  const emulator = useEmulator({ projectId: 'vm-project' });
  afterEach(() => {
    configureMetadata(emulator.current, { mode: 'normal', scopes: [CLOUD_PLATFORM] });
    emulator.current.setTokenLifetime(3600);
  });

  const metadataClient = () =>
    new MetadataClient({ env: { GCE_METADATA_HOST: emulator.current.host }, http: FAST });
  const compute = (options: ConstructorParameters<typeof ComputeCredentials>[0] = {}) =>
    new ComputeCredentials({ metadataClient: metadataClient(), ...options });

  async function echo(credentials: ComputeCredentials): Promise<Record<string, unknown>> {
    const response = await fetch(emulator.current.echoUrl, {
      headers: await credentials.getRequestHeaders(emulator.current.echoUrl),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as Record<string, unknown>;
  }

  it("gets a token the emulator's APIs accept, as the instance's service account", async () => {
    const seen = await echo(compute());
    assert.equal(seen.principal, emulator.current.serviceAccountKey.client_email);
    assert.deepEqual(seen.scopes, [CLOUD_PLATFORM]);
  });

  it('asks for its scopes as ?scopes=a,b', async () => {
    const seen = await echo(compute({ scopes: ['https://a.test/x', 'https://a.test/y'] }));
    assert.deepEqual(seen.scopes, ['https://a.test/x', 'https://a.test/y']);
  });

  it('takes the expiry from expires_in', async () => {
    emulator.current.setTokenLifetime(120);
    const credentials = compute();
    const before = Date.now();
    await credentials.getAccessToken();
    const lifetime = (credentials.expiresAt?.getTime() ?? 0) - before;
    assert.ok(lifetime > 110_000 && lifetime <= 121_000, `lifetime ${lifetime} ms`);
  });

  it('shares one token request among concurrent callers', async () => {
    const credentials = compute();
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => credentials.getAccessToken()),
    );
    assert.equal(new Set(tokens).size, 1);
    assert.equal(emulator.current.hits.metadata, 1);
  });

  it('sends the quota project and keeps the metadata client through withScopes', async () => {
    const base = compute();
    const narrowed = base.withScopes(['https://a.test/z']).withQuotaProject('billing-project');
    assert.equal(narrowed.metadataClient, base.metadataClient);
    const seen = await echo(narrowed);
    assert.equal(seen.quotaProject, 'billing-project');
    assert.deepEqual(seen.scopes, ['https://a.test/z']);
  });

  it('acts as a named service account', async () => {
    const email = emulator.current.serviceAccountKey.client_email;
    const credentials = compute({ serviceAccount: email });
    assert.equal(credentials.serviceAccount, email);
    assert.equal((await echo(credentials)).principal, email);
  });

  it("reports the service account's email, asking the server once", async () => {
    const credentials = compute();
    const email = emulator.current.serviceAccountKey.client_email;
    assert.equal(await credentials.getServiceAccountEmail(), email);
    assert.equal(await credentials.getServiceAccountEmail(), email);
    assert.equal(emulator.current.hits.metadata, 1);
  });

  it('fetches an ID token signed like Google, for the audience, with the email', async () => {
    const audience = `${emulator.current.url}/run`;
    const idToken = await compute().fetchIdToken(audience);
    const jwks = (await (await fetch(emulator.current.jwksUrl)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), {
      issuer: 'https://accounts.google.com',
      audience,
    });
    assert.equal(payload.email, emulator.current.serviceAccountKey.client_email);
    const run = await fetch(audience, { headers: { authorization: `Bearer ${idToken}` } });
    assert.equal(run.status, 200);
  });

  it('takes the universe from the metadata server unless configured', async () => {
    configureMetadata(emulator.current, { universeDomain: 'universe.test' });
    assert.equal(await compute().getUniverseDomain(), 'universe.test');
    assert.equal(await compute({ universeDomain: 'mine.test' }).getUniverseDomain(), 'mine.test');
    configureMetadata(emulator.current, { universeDomain: 'googleapis.com' });
  });

  it('is type compute and shows no token in its JSON form', async () => {
    const credentials = compute({ scopes: [CLOUD_PLATFORM] });
    const token = await credentials.getAccessToken();
    assert.equal(credentials.type, 'compute');
    const json = JSON.stringify(credentials.toJSON());
    assert.deepEqual(JSON.parse(json), {
      type: 'compute',
      scopes: [CLOUD_PLATFORM],
      universeDomain: 'googleapis.com',
      serviceAccount: 'default',
    });
    assert.ok(!json.includes(token));
  });

  describe('faults', () => {
    it('an account the instance does not have: ERR_HTTP 404 naming the path', async () => {
      const error = await failure(compute({ serviceAccount: 'ghost@x.test' }).getAccessToken());
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 404);
      assert.match(error.message, /service-accounts\/ghost@x\.test\/token/);
    });

    it('a token answer without access_token: ERR_TOKEN_RESPONSE', async () => {
      emulator.current.fail('metadata', {
        status: 200,
        body: '{"expires_in":3600}',
        headers: GOOGLE,
      });
      const error = await failure(compute().getAccessToken());
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_TOKEN_RESPONSE');
    });

    it('500s: ERR_METADATA_UNAVAILABLE after the retries', async () => {
      emulator.current.fail('metadata', { status: 500, headers: GOOGLE, count: 2 });
      const error = await failure(compute().getAccessToken());
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_METADATA_UNAVAILABLE');
      assert.equal(emulator.current.hits.metadata, 2);
    });

    it('an impostor without Metadata-Flavor: ERR_METADATA_SPOOFED, its token never shown', async () => {
      configureMetadata(emulator.current, { mode: 'spoofed' });
      const error = await failure(compute().getAccessToken());
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_METADATA_SPOOFED');
      const issued = [...emulator.current.state.accessTokens.keys()];
      assert.ok(issued.length > 0);
      assertNoSecrets(error, issued);
    });

    it('an ID token without audience: ERR_INVALID_OPTIONS, before any request', async () => {
      const error = await failure(compute().fetchIdToken(''));
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_INVALID_OPTIONS');
      assert.equal(emulator.current.hits.metadata, 0);
    });
  });
});
