import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inspect } from 'node:util';
import { DefaultCredentialsResolver } from '../src/adc/default-credentials.js';
import { credentialsFromJson, loadCredentialsFile } from '../src/adc/load-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { InvalidCredentialsError } from '../src/errors.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { generateTestKey, serviceAccountJson } from './support/keys.js';
import { caught } from './support/login.js';
import { assertNoSecrets } from './support/secrets.js';

const CLIENT_SECRET = 'GOCSPX-hostile-files-secret';
const REFRESH_TOKEN = '1//0hostile-files-refresh-token';
const USER = {
  type: 'authorized_user',
  client_id: 'client.apps.example.test',
  client_secret: CLIENT_SECRET,
  refresh_token: REFRESH_TOKEN,
};

describe('hostile credentials files and objects', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warrant-hostile-files-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const resolveWith = (path: string) =>
    new DefaultCredentialsResolver({
      env: { GOOGLE_APPLICATION_CREDENTIALS: path },
      homedir: dir,
      platform: 'linux',
    }).resolve();

  describe('GOOGLE_APPLICATION_CREDENTIALS naming something that is not a regular file', () => {
    it('refuses a FIFO at once with ERR_INVALID_CREDENTIALS, instead of waiting for a writer', async () => {
      const fifo = join(dir, 'key.fifo');
      await promisify(execFile)('mkfifo', [fifo]);
      const error = await caught(resolveWith(fifo));
      assert.ok(error instanceof InvalidCredentialsError);
      assert.match(error.message, /GOOGLE_APPLICATION_CREDENTIALS: .*key\.fifo is a FIFO/);
    });

    it('refuses a device (/dev/zero) instead of reading it forever', async () => {
      const error = await caught(resolveWith('/dev/zero'));
      assert.ok(error instanceof InvalidCredentialsError);
      assert.match(error.message, /\/dev\/zero is a device, not a regular file/);
    });

    it('refuses a directory, saying it is one', async () => {
      const error = await caught(resolveWith(dir));
      assert.ok(error instanceof InvalidCredentialsError);
      assert.match(error.message, /is a directory/);
    });
  });

  it('refuses a type that is an object whose toString is not a function, typed (no TypeError)', async () => {
    const file = join(dir, 'odd-type.json');
    await writeFile(file, JSON.stringify({ ...USER, type: { toString: 1, valueOf: 1 } }));
    const error = await caught(loadCredentialsFile(file));
    assert.ok(error instanceof InvalidCredentialsError);
    assert.equal(error.field, 'type');
    assert.match(error.message, /has type an object \(it must be a string\)/);
    const direct = await caught(() => UserCredentials.fromJson({ ...USER, type: [1] }));
    assert.ok(direct instanceof InvalidCredentialsError);
    assert.match(direct.message, /type an array/);
  });

  it('refuses JSON text given to fromFile() as a path without echoing the key', async () => {
    const key = generateTestKey();
    const text = JSON.stringify(serviceAccountJson(key));
    const keyLine = key.privateKeyPem.split('\n')[1]!;
    for (const attempt of [
      () => ServiceAccountCredentials.fromFile(text),
      () => UserCredentials.fromFile(JSON.stringify(USER)),
      () => loadCredentialsFile(`  ${text}`),
    ]) {
      const error = await caught(attempt);
      assert.ok(error instanceof InvalidCredentialsError);
      assert.match(error.message, /a credentials file path was expected, but JSON text was given/);
      assertNoSecrets(error, [keyLine, CLIENT_SECRET, REFRESH_TOKEN, 'BEGIN PRIVATE KEY']);
    }
  });

  it('says a P12 key is not supported and how to get a JSON key', async () => {
    const p12 = join(dir, 'key.p12');
    // DER: a SEQUENCE with a two-byte length, as every PKCS #12 file starts.
    await writeFile(p12, Buffer.from([0x30, 0x82, 0x09, 0xf1, 0x02, 0x01, 0x03]));
    const error = await caught(ServiceAccountCredentials.fromFile(p12));
    assert.ok(error instanceof InvalidCredentialsError);
    assert.match(error.message, /is a P12 key: P12 keys are not supported; create a JSON key/);
    assert.match(error.message, /gcloud iam service-accounts keys create key\.json/);
  });

  it('says what a client secrets file is when it is given as a service account key', async () => {
    const secrets = {
      installed: { client_id: 'c.apps.example.test', client_secret: CLIENT_SECRET },
    };
    const asKey = await caught(() => ServiceAccountCredentials.fromJson(secrets));
    assert.ok(asKey instanceof InvalidCredentialsError);
    assert.match(asKey.message, /found an OAuth client secrets file, which names an app/);
    const asAdc = await caught(() => credentialsFromJson(secrets, { source: 'adc.json' }));
    assert.match((asAdc as Error).message, /^adc\.json is an OAuth client secrets file/);
    assertNoSecrets(asKey, [CLIENT_SECRET]);
    assertNoSecrets(asAdc, [CLIENT_SECRET]);
  });

  it('keeps the client secret and refresh token out of a spread and of util.inspect without customInspect', () => {
    const user = UserCredentials.fromJson(USER);
    const key = generateTestKey();
    const serviceAccount = ServiceAccountCredentials.fromJson(serviceAccountJson(key));
    const keyLine = key.privateKeyPem.split('\n')[1]!;
    for (const credentials of [user, serviceAccount]) {
      const shown = [
        JSON.stringify({ ...credentials }),
        inspect({ ...credentials }, { depth: 10 }),
        inspect(credentials, { customInspect: false, depth: 10, showHidden: true }),
        JSON.stringify(credentials),
        JSON.stringify(Object.getOwnPropertyDescriptors(credentials)),
      ].join('\n');
      for (const secret of [CLIENT_SECRET, REFRESH_TOKEN, keyLine]) {
        assert.ok(!shown.includes(secret), `${credentials.type} shows ${secret.slice(0, 6)}…`);
      }
    }
    assert.equal(user.refreshToken, REFRESH_TOKEN, 'the getter still answers');
  });
});
