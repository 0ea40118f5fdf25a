import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DefaultCredentialsResolver } from '../src/adc/default-credentials.js';
import { credentialsFromJson } from '../src/adc/load-credentials.js';
import { ExternalAccountAuthorizedUserCredentials } from '../src/external-account/authorized-user-credentials.js';
import { ExternalAccountCredentials } from '../src/external-account/external-account-credentials.js';
import { OAuthError } from '../src/errors.js';
import { createWorkforceUser } from '../src/testing/index.js';
import { isolatedEnv, runInProcess } from './support/cli.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { oidcConfig, scratchDir, writeScratch } from './support/federation.js';
import { assertNoSecrets } from './support/secrets.js';

describe('federated credentials through ADC and the CLI', () => {
  const emulator = useEmulator();
  let dir: string;
  before(async () => {
    dir = await scratchDir();
  });

  async function externalAccountFile(): Promise<string> {
    const { audience } = emulator.current.state.federation.createProvider('oidc');
    const file = await writeScratch(
      dir,
      `oidc-${audience.split('/').pop()}.jwt`,
      await emulator.current.state.federation.idp.issueToken({ audience }),
    );
    return writeScratch(
      dir,
      `config-${audience.split('/').pop()}.json`,
      JSON.stringify(
        oidcConfig(
          emulator.current,
          audience,
          { file },
          { cloud_resource_manager_url: `${emulator.current.url}/v1/projects/` },
        ),
      ),
    );
  }

  const principal = (token: string) =>
    emulator.current.state.activeAccessToken(token)?.principal ?? '';

  it('finds an external_account file through GOOGLE_APPLICATION_CREDENTIALS', async () => {
    const path = await externalAccountFile();
    const resolver = new DefaultCredentialsResolver({
      env: { GOOGLE_APPLICATION_CREDENTIALS: path, GCE_METADATA_HOST: '127.0.0.1:9' },
      homedir: dir,
    });
    const { credentials, source } = await resolver.resolve();
    assert.equal(source, 'GOOGLE_APPLICATION_CREDENTIALS');
    assert.ok(credentials instanceof ExternalAccountCredentials);
    assert.match(
      principal(await credentials.getAccessToken()),
      /^principal:\/\/iam\.googleapis\.com\//,
    );
  });

  describe('the project, looked up in Cloud Resource Manager as google-auth does', () => {
    const resolverFor = (path: string, env: Record<string, string> = {}) =>
      new DefaultCredentialsResolver({
        env: { GOOGLE_APPLICATION_CREDENTIALS: path, METADATA_SERVER_DETECTION: 'none', ...env },
        gcloudConfigDir: join(dir, 'no-gcloud'),
      });

    it("reports the project of the pool's project number", async () => {
      const { projectId } = await resolverFor(await externalAccountFile()).resolve();
      assert.equal(projectId, emulator.current.state.projectId);
      assert.equal(emulator.current.hits['crm-project'], 1);
    });

    it('asks nothing when GOOGLE_CLOUD_PROJECT names the project', async () => {
      const resolver = resolverFor(await externalAccountFile(), { GOOGLE_CLOUD_PROJECT: 'env-p' });
      assert.equal((await resolver.resolve()).projectId, 'env-p');
      assert.equal(emulator.current.hits['crm-project'] ?? 0, 0);
      assert.equal(emulator.current.hits.sts ?? 0, 0);
    });

    it('leaves the project unknown, without failing the search, when the lookup is refused', async () => {
      const { credentials, projectId } = await resolverFor(await externalAccountFile()).resolve({
        scopes: ['https://www.googleapis.com/auth/devstorage.read_only'],
      });
      assert.equal(projectId, undefined);
      assert.equal(emulator.current.hits['crm-project'], 1);
      assert.ok(await credentials.getAccessToken());
    });

    it('asks for workforce_pool_user_project with workforce credentials', async () => {
      const { audience } = emulator.current.state.federation.createProvider('oidc', {
        workforce: true,
      });
      const jwt = await emulator.current.state.federation.idp.issueToken({ audience });
      const credentials = ExternalAccountCredentials.fromJson(
        oidcConfig(
          emulator.current,
          audience,
          { file: await writeScratch(dir, 'workforce.jwt', jwt) },
          {
            workforce_pool_user_project: emulator.current.state.projectId,
            cloud_resource_manager_url: `${emulator.current.url}/v1/projects/`,
          },
        ),
      );
      assert.equal(await credentials.fetchProjectId(), emulator.current.state.projectId);
    });
  });

  it("finds an external_account_authorized_user file as gcloud's well-known file", async () => {
    const gcloud = join(dir, 'gcloud-wf');
    await mkdir(gcloud, { recursive: true });
    await writeScratch(
      gcloud,
      'application_default_credentials.json',
      JSON.stringify(createWorkforceUser(emulator.current.state)),
    );
    const resolver = new DefaultCredentialsResolver({
      env: { CLOUDSDK_CONFIG: gcloud, GCE_METADATA_HOST: '127.0.0.1:9' },
      homedir: dir,
    });
    const { credentials } = await resolver.resolve();
    assert.ok(credentials instanceof ExternalAccountAuthorizedUserCredentials);
    assert.match(principal(await credentials.getAccessToken()), /^workforce-user-/);
    assert.equal(emulator.current.hits['sts-oauthtoken'], 1);
  });

  it('prints a federated access token with `warrant print-access-token`', async () => {
    const path = await externalAccountFile();
    const result = await runInProcess(
      ['print-access-token'],
      isolatedEnv(dir, { GOOGLE_APPLICATION_CREDENTIALS: path }),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(principal(result.stdout.trim()), /^principal:/);
  });

  it('impersonates from an impersonated_service_account file whose source is an external account', async () => {
    const path = await externalAccountFile();
    const source = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    const target = emulator.current.createServiceAccount();
    const credentials = credentialsFromJson({
      type: 'impersonated_service_account',
      service_account_impersonation_url: `${emulator.current.url}/v1/projects/-/serviceAccounts/${target.client_email}:generateAccessToken`,
      source_credentials: source,
    });
    const stsToken = await (
      credentialsFromJson(source) as ExternalAccountCredentials
    ).getAccessToken();
    emulator.current.grantTokenCreator(principal(stsToken), target.client_email);
    assert.equal(principal(await credentials.getAccessToken()), target.client_email);
  });

  it('impersonates from an impersonated_service_account file whose source is a workforce user, as gcloud writes after a workforce login', async () => {
    const user = createWorkforceUser(emulator.current.state);
    const target = emulator.current.createServiceAccount();
    const credentials = credentialsFromJson({
      type: 'impersonated_service_account',
      service_account_impersonation_url: `${emulator.current.url}/v1/projects/-/serviceAccounts/${target.client_email}:generateAccessToken`,
      source_credentials: user,
    });
    const userToken =
      await ExternalAccountAuthorizedUserCredentials.fromJson(user).getAccessToken();
    emulator.current.grantTokenCreator(principal(userToken), target.client_email);
    assert.equal(principal(await credentials.getAccessToken()), target.client_email);
  });

  describe('external_account_authorized_user', () => {
    it('refreshes with the client in HTTP Basic, introspects and revokes', async () => {
      const json = createWorkforceUser(emulator.current.state);
      const user = ExternalAccountAuthorizedUserCredentials.fromJson(json, { http: FAST_HTTP });
      const token = await user.getAccessToken();
      const info = await user.tokenInfo();
      assert.equal(info.active, true);
      assert.equal(info.clientId, json.client_id);
      await user.revoke();
      assert.equal(emulator.current.state.activeAccessToken(token), undefined);
      const error = await user
        .withScopes([])
        .getAccessToken()
        .catch((e: unknown) => e);
      assert.ok(error instanceof OAuthError);
      assert.equal(error.code, 'ERR_INVALID_GRANT');
      assert.match(error.message, /log in again/);
      assertNoSecrets(error, [json.refresh_token, json.client_secret, token]);
    });

    it('names a missing field and the fix', () => {
      const json: Record<string, unknown> = { ...createWorkforceUser(emulator.current.state) };
      delete json.token_url;
      assert.throws(
        () => credentialsFromJson(json),
        (e: unknown) =>
          (e as { field?: string }).field === 'token_url' &&
          /login-config/.test((e as Error).message),
      );
    });

    it('rejects a wrong client secret as OAuthError invalid_client without the secret', async () => {
      const json = {
        ...createWorkforceUser(emulator.current.state),
        client_secret: 'wrong-client-secret-value',
      };
      const error = await credentialsFromJson(json, { http: FAST_HTTP })
        .getAccessToken()
        .catch((e: unknown) => e);
      assert.ok(error instanceof OAuthError);
      assert.equal(error.error, 'invalid_client');
      assertNoSecrets(error, [json.client_secret, json.refresh_token]);
    });
  });
});
