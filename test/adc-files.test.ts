import assert from 'node:assert/strict';
import { join } from 'node:path';
import { credentialsFromJson, loadCredentialsFile } from '../src/adc/load-credentials.js';
import { gcloudProject, iniValue } from '../src/adc/project-id.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { gcloudConfigDir, wellKnownCredentialsPath } from '../src/adc/well-known-file.js';
import { InvalidCredentialsError } from '../src/errors.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { generateTestKey, serviceAccountJson, type TestKey } from './support/keys.js';
import { assertNoSecrets, failure, FIXTURES, tempDir, writeAt } from './fixtures/adc/support.js';

const USER = {
  type: 'authorized_user',
  client_id: 'client-1.apps.example.test',
  client_secret: 'GOCSPX-user-client-secret',
  refresh_token: '1//0user-refresh-token-value',
  quota_project_id: 'user-quota',
  universe_domain: 'universe.test',
};

describe('credentials files', () => {
  let key: TestKey;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    key = generateTestKey();
    dir = await tempDir();
  });
  after(() => dir.cleanup());

  const secretsOf = () => [
    key.privateKeyPem.split('\n')[1],
    USER.client_secret,
    USER.refresh_token,
  ];

  it('builds service account credentials from type service_account, keeping the file fields', () => {
    const json = serviceAccountJson(key, {
      quota_project_id: 'sa-quota',
      universe_domain: 'universe.test',
    });
    const credentials = credentialsFromJson(json, { scopes: ['https://a.test/s'] });
    assert.ok(credentials instanceof ServiceAccountCredentials);
    assert.equal(credentials.projectId, 'test-project');
    assert.equal(credentials.quotaProjectId, 'sa-quota');
    assert.deepEqual(credentials.scopes, ['https://a.test/s']);
    assert.equal(credentials.toJSON().universeDomain, 'universe.test');
  });

  it('builds user credentials from type authorized_user, keeping quota project and universe', async () => {
    const credentials = credentialsFromJson(USER);
    assert.ok(credentials instanceof UserCredentials);
    assert.equal(credentials.quotaProjectId, 'user-quota');
    assert.equal(await credentials.getUniverseDomain(), 'universe.test');
  });

  it('lets options override what the file says', () => {
    const credentials = credentialsFromJson(USER, { quotaProjectId: 'override' });
    assert.equal(credentials.quotaProjectId, 'override');
  });

  for (const [name, json] of [
    ['an unknown type', { ...USER, type: 'future_account_type' }],
    ['a type that is not a string', { ...USER, type: 42 }],
  ] as const) {
    it(`refuses ${name}, naming the accepted types`, async () => {
      const error = await failure(() => credentialsFromJson(json, { source: 'creds.json' }));
      assert.ok(error instanceof InvalidCredentialsError);
      assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
      assert.equal(error.field, 'type');
      assert.match(
        error.message,
        /^creds\.json has type '(future_account_type|42)'; warrant accepts 'service_account', 'authorized_user', 'impersonated_service_account', 'external_account', 'external_account_authorized_user'/,
      );
      assertNoSecrets(error, secretsOf());
    });
  }

  it('never falls back to a service account when type is missing', async () => {
    const { type: _type, ...untyped } = serviceAccountJson(key);
    const error = await failure(() => credentialsFromJson(untyped));
    assert.ok(error instanceof InvalidCredentialsError);
    assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
    assert.match(error.message, /credentials JSON has no type field/);
    assertNoSecrets(error, secretsOf());
  });

  for (const [name, json] of [
    ['an array', [USER]],
    ['null', null],
    ['a string', 'service_account'],
  ] as const) {
    it(`refuses ${name} as credentials JSON`, async () => {
      const error = await failure(() => credentialsFromJson(json));
      assert.ok(error instanceof InvalidCredentialsError);
      assert.match(error.message, /must be a JSON object/);
    });
  }

  it('loads a file by its type, naming the path in errors from the parser', async () => {
    const good = await writeAt(join(dir.path, 'user.json'), USER);
    assert.ok((await loadCredentialsFile(good)) instanceof UserCredentials);
    const noKey = await writeAt(join(dir.path, 'sa.json'), {
      ...serviceAccountJson(key),
      private_key: undefined,
    });
    const error = await failure(loadCredentialsFile(noKey));
    assert.ok(error instanceof InvalidCredentialsError);
    assert.equal(error.field, 'private_key');
    assert.ok(error.message.startsWith(noKey));
  });

  for (const [name, make, reason] of [
    ['a path with nothing there', async (d: string) => join(d, 'nothing.json'), /does not exist/],
    ['a directory', async (d: string) => d, /is a directory/],
    [
      'a garbage file',
      (d: string) =>
        writeAt(
          join(d, 'garbage.json'),
          '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEsecretfragment',
        ),
      /is not valid JSON/,
    ],
    ['an empty file', (d: string) => writeAt(join(d, 'empty.json'), '  \n'), /is empty/],
  ] as const) {
    it(`fails clearly for ${name}`, async () => {
      const path = await make(dir.path);
      const error = await failure(loadCredentialsFile(path));
      assert.ok(error instanceof InvalidCredentialsError);
      assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
      assert.ok(error.message.includes(path));
      assert.match(error.message, reason);
      assertNoSecrets(error, ['MIIEsecretfragment']);
    });
  }
});

describe('the well-known ADC file', () => {
  it('lives in ~/.config/gcloud on Linux and macOS', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      assert.equal(
        wellKnownCredentialsPath({}, platform, '/home/ada'),
        '/home/ada/.config/gcloud/application_default_credentials.json',
      );
    }
  });

  it('lives in %APPDATA%\\gcloud on Windows', () => {
    assert.equal(
      wellKnownCredentialsPath(
        { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
        'win32',
        'C:\\Users\\ada',
      ),
      'C:\\Users\\ada\\AppData\\Roaming\\gcloud\\application_default_credentials.json',
    );
    assert.equal(
      gcloudConfigDir({}, 'win32', 'C:\\Users\\ada'),
      'C:\\Users\\ada\\AppData\\Roaming\\gcloud',
    );
  });

  it('follows CLOUDSDK_CONFIG on every platform', () => {
    assert.equal(
      wellKnownCredentialsPath({ CLOUDSDK_CONFIG: '/etc/gcloud' }, 'linux', '/home/ada'),
      '/etc/gcloud/application_default_credentials.json',
    );
    assert.equal(
      wellKnownCredentialsPath(
        { CLOUDSDK_CONFIG: 'D:\\gcloud', APPDATA: 'C:\\x' },
        'win32',
        'C:\\',
      ),
      'D:\\gcloud\\application_default_credentials.json',
    );
  });
});

describe("gcloud's project, read from its files", () => {
  const gcloud = join(FIXTURES, 'gcloud');

  it('takes CLOUDSDK_CORE_PROJECT first', async () => {
    assert.deepEqual(await gcloudProject(gcloud, { CLOUDSDK_CORE_PROJECT: 'env-project' }), {
      projectId: 'env-project',
      source: 'CLOUDSDK_CORE_PROJECT',
    });
  });

  it('reads [core] project of the configuration active_config names', async () => {
    assert.deepEqual(await gcloudProject(gcloud, {}), {
      projectId: 'work-config-project',
      source: 'gcloud configuration',
    });
  });

  it('lets CLOUDSDK_ACTIVE_CONFIG_NAME choose the configuration', async () => {
    const found = await gcloudProject(gcloud, { CLOUDSDK_ACTIVE_CONFIG_NAME: 'default' });
    assert.equal(found?.projectId, 'default-config-project');
  });

  it('uses the default configuration when active_config is missing', async () => {
    const dir = await tempDir();
    try {
      await writeAt(
        join(dir.path, 'configurations', 'config_default'),
        '[core]\nproject: colon-project\n',
      );
      assert.equal((await gcloudProject(dir.path, {}))?.projectId, 'colon-project');
    } finally {
      await dir.cleanup();
    }
  });

  it('finds nothing without a gcloud directory, or with a path-like configuration name', async () => {
    assert.equal(await gcloudProject(join(FIXTURES, 'no-gcloud'), {}), undefined);
    const escape = { CLOUDSDK_ACTIVE_CONFIG_NAME: '../../gcloud/configurations/config_work' };
    assert.equal(await gcloudProject(gcloud, escape), undefined);
  });

  it('reads INI values by section, skipping comments', () => {
    const text = '; c\n[other]\nproject = no\n# c\n[core]\n  project =  yes  \n';
    assert.equal(iniValue(text, 'core', 'project'), 'yes');
    assert.equal(iniValue(text, 'core', 'account'), undefined);
    assert.equal(iniValue('[core]\nproject =\n', 'core', 'project'), undefined);
  });
});
