import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidOptionsError } from '../src/errors.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { credentialsFromJson } from '../src/adc/load-credentials.js';
import { useEmulator } from './support/emulator.js';
import { generateTestKey, serviceAccountJson } from './support/keys.js';
import { assertNoSecrets } from './support/secrets.js';

const PLAIN = 'http://oauth2.example.test/token';
const REFRESH_TOKEN = '1//0refresh-secret-token-uri-test';
const CLIENT_SECRET = 'GOCSPX-token-uri-test-secret';

function user(overrides: Record<string, unknown> = {}) {
  return {
    type: 'authorized_user',
    client_id: 'client.apps.googleusercontent.com',
    client_secret: CLIENT_SECRET,
    refresh_token: REFRESH_TOKEN,
    ...overrides,
  };
}

/** Asserts the refusal names `field` and the opt-out, and shows no secret. */
function refused(make: () => unknown, field: string, secrets: string[] = []): void {
  assert.throws(make, (error: unknown) => {
    assert.ok(error instanceof InvalidOptionsError, String(error));
    assert.equal(error.code, 'ERR_INVALID_OPTIONS');
    assert.ok(error.message.includes(field), error.message);
    assert.match(error.message, /http:\/\/oauth2\.example\.test.*https.*allowInsecureHttp/);
    assertNoSecrets(error, secrets);
    return true;
  });
}

describe('https-only token endpoints for user and service-account credentials', () => {
  const emulator = useEmulator();
  const key = generateTestKey();

  it('refuses a plain-http tokenUri off loopback in the options, naming tokenUri', () => {
    refused(
      () => new UserCredentials({ clientId: 'c', refreshToken: REFRESH_TOKEN, tokenUri: PLAIN }),
      'tokenUri',
      [REFRESH_TOKEN],
    );
    refused(
      () =>
        new ServiceAccountCredentials({
          clientEmail: 'robot@example.test',
          privateKey: key.privateKeyPem,
          tokenUri: PLAIN,
        }),
      'tokenUri',
      [key.privateKeyPem.split('\n')[1]],
    );
  });

  it('refuses a plain-http token_uri in a JSON key, an authorized_user file and ADC, naming token_uri', async () => {
    const secrets = [REFRESH_TOKEN, CLIENT_SECRET, key.privateKeyPem.split('\n')[1]];
    refused(() => UserCredentials.fromJson(user({ token_uri: PLAIN })), 'token_uri', secrets);
    refused(
      () => ServiceAccountCredentials.fromJson(serviceAccountJson(key, { token_uri: PLAIN })),
      'token_uri',
      secrets,
    );
    refused(() => credentialsFromJson(user({ token_uri: PLAIN })), 'token_uri', secrets);
    const dir = await mkdtemp(join(tmpdir(), 'warrant-token-uri-'));
    const file = join(dir, 'key.json');
    await writeFile(file, JSON.stringify(serviceAccountJson(key, { token_uri: PLAIN })));
    await assert.rejects(ServiceAccountCredentials.fromFile(file), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionsError);
      assert.ok(error.message.includes(`${file}: token_uri`), error.message);
      return true;
    });
  });

  it('refuses other schemes and relative token URIs', () => {
    for (const tokenUri of ['ftp://oauth2.example.test/token', '/token', 'not a url']) {
      assert.throws(
        () => new UserCredentials({ clientId: 'c', refreshToken: REFRESH_TOKEN, tokenUri }),
        (error: unknown) => error instanceof InvalidOptionsError,
      );
    }
  });

  it('accepts plain http on loopback (127.0.0.0/8, localhost, [::1]) and with allowInsecureHttp', () => {
    for (const tokenUri of [
      'http://127.0.0.1:8080/token',
      'http://127.1.2.3/token',
      'http://localhost:9/token',
      'http://[::1]:9/token',
    ]) {
      new UserCredentials({ clientId: 'c', refreshToken: REFRESH_TOKEN, tokenUri });
      ServiceAccountCredentials.fromJson(serviceAccountJson(key, { token_uri: tokenUri }));
    }
    new UserCredentials({
      clientId: 'c',
      refreshToken: REFRESH_TOKEN,
      tokenUri: PLAIN,
      allowInsecureHttp: true,
    });
    ServiceAccountCredentials.fromJson(serviceAccountJson(key, { token_uri: PLAIN }), {
      allowInsecureHttp: true,
    });
  });

  it('still refuses a plain-http tokenUri without the opt-out after accepting it with allowInsecureHttp', () => {
    const tokenUri = PLAIN;
    new UserCredentials({
      clientId: 'c',
      refreshToken: REFRESH_TOKEN,
      tokenUri,
      allowInsecureHttp: true,
    });
    refused(
      () => new UserCredentials({ clientId: 'c', refreshToken: REFRESH_TOKEN, tokenUri }),
      'tokenUri',
      [REFRESH_TOKEN],
    );
  });

  it('still gets tokens from the loopback emulator over plain http (user and service account)', async () => {
    assert.ok(emulator.current.tokenUrl.startsWith('http://127.0.0.1:'));
    const fromUser = UserCredentials.fromJson(emulator.current.authorizedUser);
    assert.ok(await fromUser.getAccessToken());
    const fromKey = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    assert.ok(await fromKey.getAccessToken());
  });
});
