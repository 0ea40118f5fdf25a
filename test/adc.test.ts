import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ComputeCredentials } from '../src/credentials/compute-credentials.js';
import type { Credentials } from '../src/credentials/credentials.js';
import { defaultCredentials, DefaultCredentialsResolver } from '../src/adc/default-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { AuthError, InvalidCredentialsError } from '../src/errors.js';
import { MetadataClient } from '../src/metadata/metadata-client.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { configureMetadata } from '../src/testing/routes/metadata.js';
import type { ServiceAccountKeyJson } from '../src/testing/index.js';
import { closedPort, useEmulator } from './support/emulator.js';
import {
  assertNoSecrets,
  blackHole,
  failure,
  FIXTURES,
  LAPTOP,
  tempDir,
  writeAt,
} from './fixtures/adc/support.js';

const FAST = { timeoutMs: 1000, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 } };
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

describe('defaultCredentials (Application Default Credentials)', () => {
  const emulator = useEmulator({ projectId: 'vm-project' });
  let home: Awaited<ReturnType<typeof tempDir>>;
  let offCloud: string;
  let explicitKey: ServiceAccountKeyJson;
  before(async () => {
    offCloud = `127.0.0.1:${await closedPort()}`;
    explicitKey = emulator.current.createServiceAccount({
      email: 'explicit@vm-project.iam.gserviceaccount.com',
    });
  });
  beforeEach(async () => {
    home = await tempDir();
  });
  afterEach(async () => {
    configureMetadata(emulator.current, { mode: 'normal' });
    await home.cleanup();
  });

  const wellKnown = () =>
    join(home.path, '.config', 'gcloud', 'application_default_credentials.json');

  /**
   * A resolver for a machine: `env` is all it sees; the metadata server is the emulator unless
   * `metadataHost` says otherwise; `resident` fakes Compute Engine firmware.
   */
  function machine(
    env: Record<string, string | undefined> = {},
    options: { resident?: boolean; metadataHost?: string; probeTimeoutMs?: number } = {},
  ) {
    // The env object is used as is, so a test may change it between searches.
    const fullEnv = env;
    fullEnv.GCE_METADATA_HOST ??= options.metadataHost ?? emulator.current.host;
    const metadataClient = new MetadataClient({
      ...LAPTOP,
      dmiDir: options.resident ? join(FIXTURES, 'dmi', 'gce') : LAPTOP.dmiDir,
      env: fullEnv,
      probeTimeoutMs: options.probeTimeoutMs ?? 5_000,
      http: FAST,
    });
    return new DefaultCredentialsResolver({
      env: fullEnv,
      homedir: home.path,
      platform: 'linux',
      metadataClient,
    });
  }

  async function echo(credentials: Credentials): Promise<Record<string, unknown>> {
    const response = await fetch(emulator.current.echoUrl, {
      headers: await credentials.getRequestHeaders(emulator.current.echoUrl),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as Record<string, unknown>;
  }

  describe('search order', () => {
    it('explicit options, then GOOGLE_APPLICATION_CREDENTIALS, then gcloud, then the metadata server', async () => {
      const envKey = await writeAt(
        join(home.path, 'env-key.json'),
        emulator.current.serviceAccountKey,
      );
      const explicitFile = await writeAt(join(home.path, 'explicit.json'), explicitKey);
      await writeAt(wellKnown(), emulator.current.authorizedUser);
      const env = { GOOGLE_APPLICATION_CREDENTIALS: envKey };
      const everything = machine(env, { resident: true });

      const fromKeyFile = await everything.resolve({ keyFile: explicitFile });
      assert.equal(fromKeyFile.source, 'keyFile option');
      assert.ok(fromKeyFile.credentials instanceof ServiceAccountCredentials);
      assert.equal(fromKeyFile.credentials.clientEmail, explicitKey.client_email);

      const fromObject = await everything.resolve({ credentials: { ...explicitKey } });
      assert.equal(fromObject.source, 'credentials option');

      const fromEnv = await everything.resolve();
      assert.equal(fromEnv.source, 'GOOGLE_APPLICATION_CREDENTIALS');
      assert.ok(fromEnv.credentials instanceof ServiceAccountCredentials);
      assert.equal(
        fromEnv.credentials.clientEmail,
        emulator.current.serviceAccountKey.client_email,
      );

      const fromGcloud = await machine({}, { resident: true }).resolve();
      assert.equal(fromGcloud.source, 'gcloud application default credentials');
      assert.ok(fromGcloud.credentials instanceof UserCredentials);

      await home.cleanup();
      const fromMetadata = await machine({}, { resident: true }).resolve();
      assert.equal(fromMetadata.source, 'metadata server');
      assert.ok(fromMetadata.credentials instanceof ComputeCredentials);
    });

    it('refuses keyFile and credentials together', async () => {
      const error = await failure(machine().resolve({ keyFile: 'a.json', credentials: {} }));
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_INVALID_OPTIONS');
    });

    it('honours CLOUDSDK_CONFIG for the well-known file', async () => {
      const elsewhere = join(home.path, 'custom-gcloud');
      await writeAt(
        join(elsewhere, 'application_default_credentials.json'),
        emulator.current.authorizedUser,
      );
      const found = await machine({ CLOUDSDK_CONFIG: elsewhere }).resolve();
      assert.equal(found.source, 'gcloud application default credentials');
    });

    it('hands out credentials that work: a key from GOOGLE_APPLICATION_CREDENTIALS', async () => {
      const envKey = await writeAt(join(home.path, 'key.json'), explicitKey);
      const { credentials } = await machine({ GOOGLE_APPLICATION_CREDENTIALS: envKey }).resolve({
        scopes: [CLOUD_PLATFORM],
      });
      const seen = await echo(credentials);
      assert.equal(seen.principal, explicitKey.client_email);
      assert.deepEqual(seen.scopes, [CLOUD_PLATFORM]);
    });

    it("hands out credentials that work: gcloud's user login", async () => {
      await writeAt(wellKnown(), emulator.current.authorizedUser);
      const { credentials } = await machine().resolve();
      assert.match(String((await echo(credentials)).principal), /@example\.com$/);
    });

    it('on a resident machine, reaches the metadata token with no probe request', async () => {
      const found = await machine({}, { resident: true }).resolve({ scopes: ['https://a.test/s'] });
      const seen = await echo(found.credentials);
      assert.equal(seen.principal, emulator.current.serviceAccountKey.client_email);
      assert.deepEqual(seen.scopes, ['https://a.test/s']);
      assert.equal(found.projectId, 'vm-project');
      assert.equal(emulator.current.hits['metadata-probe'], 0);
      assert.equal(emulator.current.hits.metadata, 2); // project id and token
    });

    it('without residency, finds the metadata server by probing it', async () => {
      const found = await machine().resolve();
      assert.equal(found.source, 'metadata server');
      assert.equal(found.projectId, 'vm-project');
      assert.equal(emulator.current.hits['metadata-probe'], 1);
    });
  });

  describe('quota project and scopes', () => {
    it('takes the option, then GOOGLE_CLOUD_QUOTA_PROJECT, then the file', async () => {
      await writeAt(wellKnown(), {
        ...emulator.current.authorizedUser,
        quota_project_id: 'from-file',
      });
      const fromFile = await machine().resolve();
      assert.equal(fromFile.credentials.quotaProjectId, 'from-file');
      const env = { GOOGLE_CLOUD_QUOTA_PROJECT: 'from-env' };
      assert.equal((await machine(env).resolve()).credentials.quotaProjectId, 'from-env');
      const fromOption = await machine(env).resolve({ quotaProjectId: 'from-option' });
      assert.equal(fromOption.credentials.quotaProjectId, 'from-option');
      assert.equal((await echo(fromOption.credentials)).quotaProject, 'from-option');
    });

    it('applies scopes and quota project to metadata credentials too', async () => {
      const { credentials } = await machine({}, { resident: true }).resolve({
        scopes: 'https://a.test/one https://a.test/two',
        quotaProjectId: 'billing',
      });
      assert.deepEqual(credentials.scopes, ['https://a.test/one', 'https://a.test/two']);
      assert.equal(credentials.quotaProjectId, 'billing');
    });
  });

  describe('bad input', () => {
    const secrets = () => [emulator.current.authorizedUser.refresh_token, 'MIIEsecretfragment'];

    for (const [name, make, reason] of [
      ['nothing', async (dir: string) => join(dir, 'missing.json'), /does not exist/],
      ['a directory', async (dir: string) => dir, /is a directory/],
      [
        'garbage',
        (dir: string) =>
          writeAt(join(dir, 'garbage.json'), '-----BEGIN PRIVATE KEY-----\nMIIEsecretfragment'),
        /is not valid JSON/,
      ],
    ] as const) {
      it(`GOOGLE_APPLICATION_CREDENTIALS pointing at ${name} is an error, not a fall-through`, async () => {
        await writeAt(wellKnown(), emulator.current.authorizedUser);
        const path = await make(home.path);
        const error = await failure(machine({ GOOGLE_APPLICATION_CREDENTIALS: path }).resolve());
        assert.ok(error instanceof InvalidCredentialsError);
        assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
        assert.match(error.message, /^GOOGLE_APPLICATION_CREDENTIALS: credentials file /);
        assert.ok(error.message.includes(path));
        assert.match(error.message, reason);
        assert.match(error.message, /unset it$/);
        assertNoSecrets(error, secrets());
      });
    }

    it('a corrupt well-known file is an error naming it', async () => {
      await writeAt(wellKnown(), '{"type":"authorized_user","refresh_token":"1//0cut-short');
      const error = await failure(machine({}, { resident: true }).resolve());
      assert.ok(error instanceof InvalidCredentialsError);
      assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
      assert.ok(
        error.message.startsWith(
          `gcloud's application default credentials: credentials file ${wellKnown()}`,
        ),
      );
      assertNoSecrets(error, ['1//0cut-short']);
    });

    it('a well-known file of the wrong type is an error naming it and the accepted types', async () => {
      const { refresh_token: secret } = emulator.current.authorizedUser;
      await writeAt(wellKnown(), { ...emulator.current.authorizedUser, type: 'mystery' });
      const error = await failure(machine().resolve());
      assert.ok(error instanceof InvalidCredentialsError);
      assert.ok(error.message.includes(wellKnown()));
      assert.match(error.message, /'service_account', 'authorized_user'/);
      assertNoSecrets(error, [secret]);
    });

    it('a directory where the well-known file should be is an error', async () => {
      await mkdir(wellKnown(), { recursive: true });
      const error = await failure(machine().resolve());
      assert.ok(error instanceof InvalidCredentialsError);
      assert.match(error.message, /is a directory/);
    });

    it('METADATA_SERVER_DETECTION with a typo is an error, not "no credentials"', async () => {
      const error = await failure(machine({ METADATA_SERVER_DETECTION: 'off' }).resolve());
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_INVALID_OPTIONS');
    });
  });

  describe('nothing found', () => {
    it('off-cloud with nothing listening: ERR_NO_CREDENTIALS listing what was tried and each fix', async () => {
      const error = await failure(
        machine({}, { metadataHost: offCloud, probeTimeoutMs: 60_000 }).resolve(),
      );
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_NO_CREDENTIALS');
      const lines = error.message.split('\n');
      assert.match(lines[0], /^no Google credentials found/);
      assert.match(lines[1], /GOOGLE_APPLICATION_CREDENTIALS: not set \(set it to the path/);
      assert.ok(lines[2].includes(`no file at ${wellKnown()}`));
      assert.match(lines[2], /gcloud auth application-default login/);
      assert.match(
        lines[3],
        /the metadata server: not on Google Cloud \(no residency signal; probe: .*ECONNREFUSED/,
      );
      assert.match(lines[3], /GCE_METADATA_HOST/);
    });

    it('with a black hole at the metadata address: decided at the probe bound', async () => {
      const hole = await blackHole();
      try {
        const resolver = machine({}, { metadataHost: hole.host, probeTimeoutMs: 40 });
        const error = await failure(resolver.resolve());
        assert.ok(error instanceof AuthError);
        assert.equal(error.code, 'ERR_NO_CREDENTIALS');
        assert.match(error.message, /no answer within 40 ms/);
        assert.ok(hole.connections() >= 1);
      } finally {
        await hole.close();
      }
    });

    it('with detection off: says so, without any request', async () => {
      const error = await failure(machine({ METADATA_SERVER_DETECTION: 'none' }).resolve());
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_NO_CREDENTIALS');
      assert.match(error.message, /not on Google Cloud \(METADATA_SERVER_DETECTION=none\)/);
      assert.equal(emulator.current.hits['metadata-probe'], 0);
    });
  });

  describe('project id', () => {
    const userAdc = () => writeAt(wellKnown(), emulator.current.authorizedUser);
    const keyWithoutProject = () => {
      const { project_id: _p, ...key } = explicitKey;
      return writeAt(join(home.path, 'no-project.json'), key);
    };

    it('takes the option first', async () => {
      const found = await machine({ GOOGLE_CLOUD_PROJECT: 'env' }, { resident: true }).resolve({
        projectId: 'chosen',
      });
      assert.equal(found.projectId, 'chosen');
      assert.equal(emulator.current.hits.metadata, 0);
    });

    it('then GOOGLE_CLOUD_PROJECT, then GCLOUD_PROJECT', async () => {
      await userAdc();
      assert.equal(
        (await machine({ GOOGLE_CLOUD_PROJECT: 'a', GCLOUD_PROJECT: 'b' }).resolve()).projectId,
        'a',
      );
      assert.equal((await machine({ GCLOUD_PROJECT: 'b' }).resolve()).projectId, 'b');
    });

    it("then the credentials file's project_id, without any metadata request", async () => {
      const key = await writeAt(join(home.path, 'key.json'), explicitKey);
      const found = await machine({
        GOOGLE_APPLICATION_CREDENTIALS: key,
        CLOUDSDK_CORE_PROJECT: 'gcloud',
      }).resolve();
      assert.equal(found.projectId, 'vm-project');
      assert.equal(emulator.current.hits['metadata-probe'], 0);
      assert.equal(emulator.current.hits.metadata, 0);
    });

    it("then gcloud's configuration, read from its files", async () => {
      const gcloud = join(FIXTURES, 'gcloud');
      const key = await keyWithoutProject();
      const env = { GOOGLE_APPLICATION_CREDENTIALS: key, CLOUDSDK_CONFIG: gcloud };
      assert.equal((await machine(env).resolve()).projectId, 'work-config-project');
      const pinned = { ...env, CLOUDSDK_CORE_PROJECT: 'pinned' };
      assert.equal((await machine(pinned).resolve()).projectId, 'pinned');
      assert.equal(emulator.current.hits['metadata-probe'], 0);
    });

    it('then the metadata server, when detection finds one', async () => {
      await userAdc();
      const found = await machine().resolve();
      assert.equal(found.source, 'gcloud application default credentials');
      assert.equal(found.projectId, 'vm-project');
      assert.equal(emulator.current.hits['metadata-probe'], 1);
    });

    it('is undefined off-cloud, at the cost of the refused probe and nothing more', async () => {
      const key = await keyWithoutProject();
      const resolver = machine(
        { GOOGLE_APPLICATION_CREDENTIALS: key },
        { metadataHost: offCloud, probeTimeoutMs: 60_000 },
      );
      const found = await resolver.resolve();
      assert.equal(found.source, 'GOOGLE_APPLICATION_CREDENTIALS');
      assert.equal(found.projectId, undefined);
    });

    it('is undefined behind a black hole, decided at the probe bound', async () => {
      const key = await keyWithoutProject();
      const hole = await blackHole();
      try {
        const env = { GOOGLE_APPLICATION_CREDENTIALS: key };
        const found = await machine(env, { metadataHost: hole.host, probeTimeoutMs: 30 }).resolve();
        assert.equal(found.projectId, undefined);
        assert.ok(hole.connections() >= 1);
      } finally {
        await hole.close();
      }
    });
  });

  describe('memoisation', () => {
    it('answers the same options with the same result, and shares one search among concurrent callers', async () => {
      await writeAt(wellKnown(), emulator.current.authorizedUser);
      const resolver = machine();
      const results = await Promise.all(
        Array.from({ length: 30 }, () => resolver.resolve({ scopes: ['b', 'a'] })),
      );
      assert.equal(new Set(results).size, 1);
      assert.equal(await resolver.resolve({ scopes: 'a b' }), results[0]);
      assert.equal(emulator.current.hits['metadata-probe'], 1);
      assert.notEqual(await resolver.resolve({ scopes: ['c'] }), results[0]);
    });

    it('searches again after a failure, and after clear()', async () => {
      const env: Record<string, string | undefined> = { METADATA_SERVER_DETECTION: 'none' };
      const resolver = machine(env);
      assert.equal(((await failure(resolver.resolve())) as AuthError).code, 'ERR_NO_CREDENTIALS');
      env.GOOGLE_APPLICATION_CREDENTIALS = await writeAt(join(home.path, 'k.json'), explicitKey);
      const first = await resolver.resolve();
      assert.equal(first.source, 'GOOGLE_APPLICATION_CREDENTIALS');
      resolver.clear();
      assert.notEqual(await resolver.resolve(), first);
    });
  });

  it('defaultCredentials() uses the shared resolver and remembers its answer', async () => {
    const keyFile = await writeAt(join(home.path, 'shared.json'), explicitKey);
    const first = await defaultCredentials({ keyFile });
    assert.equal(first.projectId, 'vm-project');
    assert.equal(await defaultCredentials({ keyFile }), first);
  });
});
