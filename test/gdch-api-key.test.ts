import assert from 'node:assert/strict';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ApiKeyCredentials } from '../src/credentials/api-key-credentials.js';
import { GdchCredentials } from '../src/service-account/gdch-credentials.js';
import { credentialsFromJson, loadCredentialsFile } from '../src/adc/load-credentials.js';
import { DefaultCredentialsResolver } from '../src/adc/default-credentials.js';
import type { AuthError } from '../src/errors.js';
import {
  createGdchServiceAccount,
  startEmulator,
  type Emulator,
  type GdchServiceAccountJson,
} from '../src/testing/index.js';
import { assertNoSecrets, failure, writeAt } from './fixtures/adc/support.js';
import { FAST_HTTP } from './support/emulator.js';
import { generateTestKey } from './support/keys.js';
import { createTestCa, type TestCa } from './support/tls.js';

const AUDIENCE = 'https://api.gdch.example.test';

describe('GDCH service accounts', () => {
  let ca: TestCa;
  let emulator: Emulator;
  let key: GdchServiceAccountJson;
  before(async () => {
    ca = createTestCa();
    emulator = await startEmulator({ tls: { key: ca.key, cert: ca.cert } });
    key = createGdchServiceAccount(emulator, { name: 'robot', caCertPath: ca.caPath });
  });
  after(async () => {
    await emulator.stop();
    ca.cleanup();
  });
  afterEach(() => {
    emulator.clearFaults();
    emulator.resetHits();
  });

  const secretsOf = (json: GdchServiceAccountJson) => [json.private_key.split('\n')[1]];

  it('exchanges an ES256 assertion for a token to the audience, trusting the CA of ca_cert_path', async () => {
    const path = await writeAt(join(ca.dir, 'gdch.json'), key);
    const loaded = await loadCredentialsFile(path, { http: FAST_HTTP });
    assert.ok(loaded instanceof GdchCredentials);
    const credentials = loaded.withAudience(AUDIENCE);
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => credentials.getAccessToken()),
    );
    assert.equal(new Set(tokens).size, 1);
    assert.equal(emulator.hits['gdch-token'], 1);
    const issued = emulator.state.activeAccessToken(tokens[0]);
    assert.equal(issued?.principal, `system:serviceaccount:${key.project}:robot`);
    assert.ok((credentials.expiresAt as Date).getTime() > Date.now());
  });

  it("gives ADC the file's project, as google-auth does for a GDCH file", async () => {
    const path = await writeAt(join(ca.dir, 'gdch-adc.json'), key);
    const resolver = new DefaultCredentialsResolver({
      env: { GOOGLE_APPLICATION_CREDENTIALS: path, METADATA_SERVER_DETECTION: 'none' },
      gcloudConfigDir: join(ca.dir, 'no-gcloud'),
    });
    const { credentials, projectId } = await resolver.resolve();
    assert.ok(credentials instanceof GdchCredentials);
    assert.equal(credentials.projectId, key.project);
    assert.equal(projectId, key.project);
  });

  it('stops reading a token answer larger than the wire takes (4 MiB): ERR_NETWORK', async () => {
    emulator.fail('gdch-token', {
      status: 200,
      body: `{"access_token":"${'x'.repeat(5 * 2 ** 20)}"}`,
    });
    const credentials = GdchCredentials.fromJson(key, {
      http: { ...FAST_HTTP, retry: { maxAttempts: 1 } },
    }).withAudience(AUDIENCE);
    const error = await failure(credentials.getAccessToken());
    assert.equal((error as AuthError).code, 'ERR_NETWORK');
    assert.match((error as Error).message, /is larger than \d+ bytes/);
  });

  it('refuses to fetch a token without an audience, saying to call withAudience', async () => {
    const credentials = GdchCredentials.fromJson(key);
    await assert.rejects(credentials.getAccessToken(), (e: AuthError) => {
      assert.equal(e.code, 'ERR_INVALID_OPTIONS');
      assert.match(e.message, /withAudience/);
      return true;
    });
    assert.throws(() => credentials.withAudience(''), { code: 'ERR_INVALID_OPTIONS' });
  });

  it('does not trust the private CA without ca_cert_path', async () => {
    const { ca_cert_path: _unused, ...untrusting } = key;
    void _unused;
    const credentials = GdchCredentials.fromJson(untrusting, {
      http: { ...FAST_HTTP, retry: { maxAttempts: 1 } },
    }).withAudience(AUDIENCE);
    const error = await failure(credentials.getAccessToken());
    assert.equal((error as AuthError).code, 'ERR_NETWORK');
    assertNoSecrets(error, secretsOf(key));
  });

  it('names ca_cert_path when the CA file cannot be read or is not a certificate', async () => {
    for (const caCertPath of [join(ca.dir, 'missing.pem'), join(ca.dir, 'server.key')]) {
      const credentials = GdchCredentials.fromJson({ ...key, ca_cert_path: caCertPath });
      const error = await failure(credentials.withAudience(AUDIENCE).getAccessToken());
      assert.equal((error as AuthError).code, 'ERR_INVALID_CREDENTIALS');
      assert.match((error as Error).message, /ca_cert_path/);
      assertNoSecrets(error, [...secretsOf(key), ca.key.split('\n')[1]]);
    }
  });

  it('turns a token endpoint refusal into ERR_INVALID_GRANT without the assertion', async () => {
    const stranger = { ...key, name: 'unregistered' };
    const credentials = GdchCredentials.fromJson(stranger).withAudience(AUDIENCE);
    const error = await failure(credentials.getAccessToken());
    assert.equal((error as AuthError).code, 'ERR_INVALID_GRANT');
    assert.doesNotMatch((error as Error).message, /eyJ/);
    assertNoSecrets(error, secretsOf(key));
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['another format_version', { format_version: '2' }, 'format_version'],
    ['no name', { name: undefined }, 'name'],
    ['no token_uri', { token_uri: undefined }, 'token_uri'],
    ['an RSA key', { private_key: generateTestKey('rsa').privateKeyPem }, 'private_key'],
    ['a key that is not PEM', { private_key: 'not a key' }, 'private_key'],
  ];
  for (const [what, change, field] of bad) {
    it(`refuses a file with ${what} with ERR_INVALID_CREDENTIALS naming ${field}`, () => {
      const json = { ...key, ...change };
      assert.throws(
        () => credentialsFromJson(json, { source: 'gdch.json' }),
        (e: AuthError & { field?: string }) => {
          assert.equal(e.code, 'ERR_INVALID_CREDENTIALS');
          assert.equal(e.field, field);
          assert.match(e.message, /^gdch\.json/);
          assertNoSecrets(e, [...secretsOf(key), String(change.private_key ?? '').split('\n')[1]]);
          return true;
        },
      );
    });
  }
});

describe('API keys', () => {
  const API_KEY = 'AIzaSyExampleExampleExampleExample1234';

  it('sends the key as x-goog-api-key, with the quota project when set', async () => {
    const headers = await new ApiKeyCredentials({
      apiKey: API_KEY,
      quotaProjectId: 'billing',
    }).getRequestHeaders();
    assert.equal(headers.get('x-goog-api-key'), API_KEY);
    assert.equal(headers.get('x-goog-user-project'), 'billing');
    assert.equal(headers.get('authorization'), null);
  });

  it('has no access token to give: ERR_UNSUPPORTED', async () => {
    await assert.rejects(new ApiKeyCredentials({ apiKey: API_KEY }).getAccessToken(), {
      code: 'ERR_UNSUPPORTED',
    });
  });

  it('refuses a missing or malformed key with ERR_INVALID_OPTIONS, without echoing it', () => {
    for (const apiKey of [undefined, '', 'has space', 'x'.repeat(300)]) {
      assert.throws(
        () => new ApiKeyCredentials({ apiKey } as never),
        (e: AuthError) => {
          assert.equal(e.code, 'ERR_INVALID_OPTIONS');
          if (apiKey) assertNoSecrets(e, [apiKey]);
          return true;
        },
      );
    }
  });

  it('keeps the key out of JSON and inspect', () => {
    const credentials = new ApiKeyCredentials({ apiKey: API_KEY });
    assert.ok(!JSON.stringify(credentials).includes(API_KEY));
    assert.ok(!inspect(credentials).includes(API_KEY));
  });
});
