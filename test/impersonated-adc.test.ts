import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DefaultCredentialsResolver } from '../src/adc/default-credentials.js';
import { ImpersonatedCredentials } from '../src/credentials/impersonated-credentials.js';
import { credentialsFromJson } from '../src/adc/load-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { AuthError } from '../src/errors.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import type { ServiceAccountKeyJson } from '../src/testing/index.js';
import { assertNoSecrets, failure, tempDir, writeAt } from './fixtures/adc/support.js';
import { isolatedEnv, runInProcess } from './support/cli.js';
import { useEmulator } from './support/emulator.js';

const DEVSTORAGE = 'https://www.googleapis.com/auth/devstorage.read_only';

describe('impersonated_service_account credentials files', () => {
  const emulator = useEmulator();
  let home: Awaited<ReturnType<typeof tempDir>>;
  let target: ServiceAccountKeyJson;
  let hop: ServiceAccountKeyJson;
  let userEmail: string;

  before(async () => {
    home = await tempDir();
    const e = emulator.current;
    target = e.createServiceAccount({
      email: 'adc-target@emulated-project.iam.gserviceaccount.com',
    });
    hop = e.createServiceAccount({ email: 'adc-hop@emulated-project.iam.gserviceaccount.com' });
    const userToken = await UserCredentials.fromJson(e.authorizedUser).getAccessToken();
    userEmail = e.state.accessTokens.get(userToken)?.principal as string;
    e.grantTokenCreator(userEmail, hop.client_email);
    e.grantTokenCreator(hop.client_email, target.client_email);
    e.grantTokenCreator(e.serviceAccountKey.client_email, target.client_email);
  });
  after(() => home.cleanup());

  /** What `gcloud auth application-default login --impersonate-service-account` writes. */
  const gcloudFile = (overrides: Record<string, unknown> = {}) => ({
    type: 'impersonated_service_account',
    service_account_impersonation_url: `${emulator.current.url}/v1/projects/-/serviceAccounts/${target.client_email}:generateAccessToken`,
    source_credentials: emulator.current.authorizedUser,
    delegates: [hop.client_email],
    quota_project_id: 'billing-project',
    ...overrides,
  });

  const echo = async (credentials: { getRequestHeaders(): Promise<Headers> }) => {
    const response = await fetch(emulator.current.echoUrl, {
      headers: await credentials.getRequestHeaders(),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as { principal: string; scopes: string[]; quotaProject: string };
  };

  it('is found through GOOGLE_APPLICATION_CREDENTIALS and acts as the target through its delegates', async () => {
    const path = await writeAt(join(home.path, 'impersonated.json'), gcloudFile());
    const resolver = new DefaultCredentialsResolver({
      env: { GOOGLE_APPLICATION_CREDENTIALS: path, GCE_METADATA_HOST: emulator.current.host },
      homedir: home.path,
    });
    const { credentials, source } = await resolver.resolve();
    assert.equal(source, 'GOOGLE_APPLICATION_CREDENTIALS');
    assert.ok(credentials instanceof ImpersonatedCredentials);
    assert.deepEqual(credentials.delegates, [hop.client_email]);
    assert.ok(credentials.sourceCredentials instanceof UserCredentials);
    const seen = await echo(credentials);
    assert.equal(seen.principal, target.client_email);
    assert.equal(seen.quotaProject, 'billing-project');
  });

  it("is found as gcloud's well-known file", async () => {
    const gcloudDir = join(home.path, 'gcloud-config');
    await writeAt(join(gcloudDir, 'application_default_credentials.json'), gcloudFile());
    const resolver = new DefaultCredentialsResolver({
      env: { CLOUDSDK_CONFIG: gcloudDir, GCE_METADATA_HOST: emulator.current.host },
      homedir: home.path,
    });
    const { credentials, source } = await resolver.resolve();
    assert.equal(source, 'gcloud application default credentials');
    assert.equal((await echo(credentials)).principal, target.client_email);
  });

  it('takes scopes from the file when present, and from the caller over the file', async () => {
    const fromFile = credentialsFromJson(gcloudFile({ scopes: [DEVSTORAGE] }));
    assert.deepEqual((await echo(fromFile)).scopes, [DEVSTORAGE]);
    const fromCaller = credentialsFromJson(gcloudFile({ scopes: [DEVSTORAGE] }), {
      scopes: ['https://www.googleapis.com/auth/bigquery'],
    });
    assert.deepEqual(fromCaller.scopes, ['https://www.googleapis.com/auth/bigquery']);
  });

  it('accepts delegates as IAM resource names (projects/-/serviceAccounts/EMAIL), as google-auth passes them', async () => {
    const credentials = credentialsFromJson(
      gcloudFile({ delegates: [`projects/-/serviceAccounts/${hop.client_email}`] }),
    );
    assert.ok(credentials instanceof ImpersonatedCredentials);
    assert.deepEqual(credentials.delegates, [hop.client_email]);
    assert.equal((await echo(credentials)).principal, target.client_email);
  });

  it("puts the source in the file's universe_domain when the source names none", async () => {
    const credentials = credentialsFromJson(
      gcloudFile({ universe_domain: 'example-universe.test' }),
    );
    assert.ok(credentials instanceof ImpersonatedCredentials);
    assert.equal(await credentials.getUniverseDomain(), 'example-universe.test');
    assert.equal(await credentials.sourceCredentials.getUniverseDomain(), 'example-universe.test');
  });

  it('accepts a service account key as the source', async () => {
    const credentials = credentialsFromJson(
      gcloudFile({ source_credentials: emulator.current.serviceAccountKey, delegates: undefined }),
    );
    assert.ok(credentials instanceof ImpersonatedCredentials);
    assert.ok(credentials.sourceCredentials instanceof ServiceAccountCredentials);
    assert.equal((await echo(credentials)).principal, target.client_email);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    [
      'no impersonation URL',
      { service_account_impersonation_url: undefined },
      'service_account_impersonation_url',
    ],
    [
      'an impersonation URL that is not one',
      { service_account_impersonation_url: 'https://iamcredentials.googleapis.com/v1/oops' },
      'service_account_impersonation_url',
    ],
    [
      'an impersonation URL with a path in the account',
      {
        service_account_impersonation_url:
          'https://iam.test/v1/projects/-/serviceAccounts/a%2Fb:generateAccessToken',
      },
      'service_account_impersonation_url',
    ],
    ['no source credentials', { source_credentials: undefined }, 'source_credentials'],
    [
      'a source that is itself impersonated',
      { source_credentials: { type: 'impersonated_service_account' } },
      'source_credentials.type',
    ],
    ['delegates that are not a list of strings', { delegates: [1] }, 'delegates'],
    ['scopes that are not a list', { scopes: 'a b' }, 'scopes'],
  ];
  for (const [what, change, field] of bad) {
    it(`refuses ${what} with ERR_INVALID_CREDENTIALS naming ${field}`, async () => {
      const error = await failure(() =>
        credentialsFromJson(gcloudFile(change), { source: 'adc.json' }),
      );
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
      assert.match(error.message, /^adc\.json/);
      assert.ok(error.message.includes(field.split('.')[0]), error.message);
      assertNoSecrets(error, [
        emulator.current.authorizedUser.refresh_token,
        emulator.current.authorizedUser.client_secret,
      ]);
    });
  }

  it('names a broken source field with the source path, without its secrets', async () => {
    const source = { ...emulator.current.serviceAccountKey, private_key: 'not a key' };
    // Keys are parsed on first use: the broken source key fails the first token request.
    const credentials = credentialsFromJson(gcloudFile({ source_credentials: source }), {
      source: 'adc.json',
    });
    const error = await failure(() => credentials.getAccessToken());
    assert.equal((error as AuthError).code, 'ERR_INVALID_CREDENTIALS');
    assert.match((error as Error).message, /adc\.json source_credentials.*private_key/);
  });

  it('is used by the CLI: print-access-token and print-identity-token act as the target', async () => {
    const path = await writeAt(join(home.path, 'cli-adc.json'), gcloudFile());
    const env = isolatedEnv(join(home.path, 'cli-home'), { GOOGLE_APPLICATION_CREDENTIALS: path });
    const printed = await runInProcess(['print-access-token'], env);
    assert.equal(printed.code, 0, printed.stderr);
    const seen = await echo({
      getRequestHeaders: async () =>
        new Headers({ authorization: `Bearer ${printed.stdout.trim()}` }),
    });
    assert.equal(seen.principal, target.client_email);
    const audience = 'https://service.example.test';
    const id = await runInProcess(['print-identity-token', '--audience', audience], env);
    assert.equal(id.code, 0, id.stderr);
    const claims = JSON.parse(Buffer.from(id.stdout.split('.')[1], 'base64url').toString());
    assert.equal(claims.aud, audience);
    assert.equal(
      claims.sub,
      emulator.current.state.serviceAccounts.get(target.client_email)?.clientId,
    );
  });

  it('lists impersonated_service_account among the accepted types of an unknown one', async () => {
    const error = await failure(() => credentialsFromJson({ type: 'mystery' }));
    assert.match((error as Error).message, /'impersonated_service_account'/);
  });
});
