import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { AuthError, OAuthError } from '../src/errors.js';
import { credentialsFromJson } from '../src/adc/load-credentials.js';
import { ExternalAccountCredentials } from '../src/external-account/external-account-credentials.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { oidcConfig, scratchDir, writeScratch } from './support/federation.js';

describe('ExternalAccountCredentials with service account impersonation', () => {
  const emulator = useEmulator();
  let dir: string;
  before(async () => {
    dir = await scratchDir();
  });

  /** A workload pool whose CI subject may impersonate a fresh service account. */
  async function federatedConfig(options: { grant?: boolean; lifetime?: number } = {}) {
    const e = emulator.current;
    const { audience } = e.state.federation.createProvider('oidc');
    const subject = 'repo:example/app:ref:refs/heads/main';
    const file = await writeScratch(
      dir,
      `token-${audience.split('/').pop()}.txt`,
      await e.state.federation.idp.issueToken({ audience, subject }),
    );
    const target = e.createServiceAccount();
    const pool = audience.replace(/\/providers\/[^/]+$/, '');
    if (options.grant !== false)
      e.grantTokenCreator(`principal:${pool}/subject/${subject}`, target.client_email);
    return {
      target,
      json: oidcConfig(
        e,
        audience,
        { file },
        {
          service_account_impersonation_url: `${e.url}/v1/projects/-/serviceAccounts/${target.client_email}:generateAccessToken`,
          ...(options.lifetime && {
            service_account_impersonation: { token_lifetime_seconds: options.lifetime },
          }),
        },
      ),
    };
  }

  it('exchanges at STS, then impersonates the service account with token_lifetime_seconds', async () => {
    const { json, target } = await federatedConfig({ lifetime: 1200 });
    const credentials = credentialsFromJson(json, {
      scopes: ['https://www.googleapis.com/auth/devstorage.read_only'],
    });
    assert.ok(credentials instanceof ExternalAccountCredentials);
    const record = emulator.current.state.activeAccessToken(await credentials.getAccessToken());
    assert.equal(record?.principal, target.client_email);
    assert.deepEqual(record?.scopes, ['https://www.googleapis.com/auth/devstorage.read_only']);
    const lifetimeMs = (record?.expiresAt ?? 0) - Date.now();
    assert.ok(lifetimeMs > 1100_000 && lifetimeMs <= 1200_000, String(lifetimeMs));
    assert.equal(emulator.current.hits.sts, 1);
    assert.equal(emulator.current.hits.generateAccessToken, 1);
  });

  it('makes one STS call and one IAM call for 200 concurrent callers on cold credentials', async () => {
    const { json } = await federatedConfig();
    const credentials = credentialsFromJson(json);
    const tokens = await Promise.all(
      Array.from({ length: 200 }, () => credentials.getAccessToken()),
    );
    assert.equal(new Set(tokens).size, 1);
    assert.equal(emulator.current.hits.sts, 1);
    assert.equal(emulator.current.hits.generateAccessToken, 1);
  });

  it('fetches ID tokens and signs through the impersonated service account', async () => {
    const { json, target } = await federatedConfig();
    const credentials = ExternalAccountCredentials.fromJson(json);
    const idToken = await credentials.fetchIdToken('https://service.example.test');
    assert.equal(decodeJwt(idToken).aud, 'https://service.example.test');
    assert.equal(await credentials.getSignerEmail(), target.client_email);
    assert.equal((await credentials.sign('bytes')).signerEmail, target.client_email);
  });

  it('cannot fetch ID tokens without impersonation, and says to add it', async () => {
    const { audience } = emulator.current.state.federation.createProvider('oidc');
    const credentials = ExternalAccountCredentials.fromJson(
      oidcConfig(emulator.current, audience, { file: '/dev/null' }),
    );
    const error = await credentials.fetchIdToken('https://x').catch((e: unknown) => e);
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 'ERR_UNSUPPORTED');
    assert.match(error.message, /service_account_impersonation_url/);
  });

  it('reports a federated principal without Token Creator as a 403 naming the permission', async () => {
    const { json } = await federatedConfig({ grant: false });
    const error = await credentialsFromJson(json, { http: FAST_HTTP })
      .getAccessToken()
      .catch((e: unknown) => e);
    assert.ok(error instanceof AuthError, String(error));
    assert.match(error.message, /iam\.serviceAccounts\.getAccessToken/);
  });

  it('answers an STS outage as OAuthError and keeps IAM untouched', async () => {
    const { json } = await federatedConfig();
    emulator.current.fail('sts', {
      status: 400,
      body: JSON.stringify({ error: 'invalid_request', error_description: 'Bad audience' }),
    });
    const error = await credentialsFromJson(json, { http: FAST_HTTP })
      .getAccessToken()
      .catch((e: unknown) => e);
    assert.ok(error instanceof OAuthError, String(error));
    assert.equal(error.error, 'invalid_request');
    assert.equal(emulator.current.hits.generateAccessToken, 0);
  });
});
