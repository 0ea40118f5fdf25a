// The emulator's handle and its JWT-bearer grant, checked against the protocol itself.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startEmulator, type Emulator, type ServiceAccountKeyJson } from '../src/testing/index.js';
import {
  callEcho,
  GOOGLE_ISSUER,
  JWT_BEARER,
  nowSec,
  postForm,
  resetEmulator,
  SCOPE,
  signJwt,
  tokenEndpointCalls,
} from './support/emulator-protocol.js';

describe('emulator', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());
  afterEach(() => resetEmulator(emulator));

  const { assertionFor, exchange } = tokenEndpointCalls(() => emulator);

  describe('handle', () => {
    it('listens on an ephemeral 127.0.0.1 port and derives every URL from it', () => {
      assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(emulator.host, emulator.url.slice('http://'.length));
      assert.equal(emulator.tokenUrl, `${emulator.url}/token`);
      assert.equal(emulator.certsUrl, `${emulator.url}/oauth2/v1/certs`);
      assert.equal(emulator.jwksUrl, `${emulator.url}/oauth2/v3/certs`);
      assert.equal(emulator.echoUrl, `${emulator.url}/echo`);
    });

    it('hands out a complete service-account key whose token_uri is the emulator', () => {
      const key = emulator.serviceAccountKey;
      assert.equal(key.type, 'service_account');
      assert.equal(key.project_id, 'emulated-project');
      assert.match(key.private_key_id, /^[0-9a-f]{40}$/);
      assert.match(key.client_email, /@emulated-project\.iam\.gserviceaccount\.com$/);
      assert.match(key.client_id, /^\d{21}$/);
      assert.equal(key.token_uri, emulator.tokenUrl);
      assert.equal(key.auth_provider_x509_cert_url, emulator.certsUrl);
      assert.equal(key.universe_domain, 'googleapis.com');
      assert.ok(key.client_x509_cert_url.startsWith(emulator.url));
      assert.ok(key.auth_uri.startsWith(emulator.url));
      const privateKey = createPrivateKey(key.private_key);
      assert.match(key.private_key, /^-----BEGIN PRIVATE KEY-----\n/);
      assert.equal(privateKey.asymmetricKeyType, 'rsa');
      assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    });

    it('hands out an authorized_user file whose token_uri is the emulator', () => {
      const user = emulator.authorizedUser;
      assert.equal(user.type, 'authorized_user');
      assert.match(user.client_id, /^\d+-emulated\d*\.apps\.googleusercontent\.com$/);
      assert.match(user.client_secret, /^emulated-secret-/);
      assert.ok(user.refresh_token.length > 20);
      assert.equal(user.token_uri, emulator.tokenUrl);
      assert.equal(user.quota_project_id, undefined);
    });

    it('creates ES256 service accounts with EC P-256 PKCS#8 keys', () => {
      const key = emulator.createServiceAccount({
        algorithm: 'ES256',
        email: 'ec@p.iam.gserviceaccount.com',
      });
      assert.equal(key.client_email, 'ec@p.iam.gserviceaccount.com');
      const privateKey = createPrivateKey(key.private_key);
      assert.equal(privateKey.asymmetricKeyType, 'ec');
      assert.equal(privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
      assert.throws(
        () => emulator.createServiceAccount({ email: 'ec@p.iam.gserviceaccount.com' }),
        /already exists/,
      );
    });
  });

  describe('JWT-bearer grant', () => {
    it('exchanges a signed assertion for an access token the echo API accepts', async () => {
      const key = emulator.serviceAccountKey;
      const reply = await exchange(await assertionFor(key));
      assert.equal(reply.status, 200);
      assert.match(reply.body.access_token ?? '', /^ya29\.[\w-]+$/);
      assert.equal(reply.body.token_type, 'Bearer');
      assert.equal(reply.body.expires_in, 3600);
      assert.equal(reply.headers.get('cache-control'), 'no-store');
      const echo = await callEcho(emulator.echoUrl, reply.body.access_token);
      assert.equal(echo.status, 200);
      assert.equal(echo.body.principal, key.client_email);
      assert.deepEqual(echo.body.scopes, [SCOPE]);
    });

    it('issues tokens with the lifetime set by setTokenLifetime', async () => {
      emulator.setTokenLifetime(120);
      const reply = await exchange(await assertionFor(emulator.serviceAccountKey));
      assert.equal(reply.body.expires_in, 120);
    });

    it('acts as the delegated subject named by sub', async () => {
      const reply = await exchange(
        await assertionFor(emulator.serviceAccountKey, { sub: 'alice@example.com' }),
      );
      const echo = await callEcho(emulator.echoUrl, reply.body.access_token);
      assert.equal(echo.body.principal, 'alice@example.com');
    });

    it('accepts ES256 assertions from ES256 service accounts', async () => {
      const key = emulator.createServiceAccount({ algorithm: 'ES256' });
      const reply = await exchange(await assertionFor(key));
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.match(reply.body.access_token ?? '', /^ya29\./);
    });

    it('answers target_audience with only an ID token signed by the published keys', async () => {
      const key = emulator.serviceAccountKey;
      const reply = await exchange(
        await signJwt(key, {
          aud: emulator.tokenUrl,
          target_audience: 'https://my-service.run.app',
        }),
      );
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body), ['id_token']);
      const { payload, protectedHeader } = await jwtVerify(
        reply.body.id_token ?? '',
        createRemoteJWKSet(new URL(emulator.jwksUrl)),
        { issuer: GOOGLE_ISSUER, audience: 'https://my-service.run.app', algorithms: ['RS256'] },
      );
      assert.equal(protectedHeader.kid, emulator.state.signingKeys.current.kid);
      assert.equal(payload.sub, key.client_id);
      assert.equal(payload.azp, key.client_id);
      assert.equal(payload.email, key.client_email);
      assert.equal(payload.email_verified, true);
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
    });

    const rejections: {
      name: string;
      error: string;
      description: RegExp;
      build: (key: ServiceAccountKeyJson) => Promise<string>;
    }[] = [
      {
        name: 'a signature by another key',
        error: 'invalid_grant',
        description: /^Invalid JWT Signature\.$/,
        build: async (key) => {
          const other = emulator.createServiceAccount();
          return signJwt(key, { aud: emulator.tokenUrl, scope: SCOPE }, {}, other.private_key);
        },
      },
      {
        name: 'a kid other than the key id',
        error: 'invalid_grant',
        description: /^Invalid JWT Signature\.$/,
        build: (key) =>
          signJwt(key, { aud: emulator.tokenUrl, scope: SCOPE }, { kid: 'f'.repeat(40) }),
      },
      {
        name: 'an audience other than the token URL',
        error: 'invalid_grant',
        description: /Failed audience check/,
        build: (key) => signJwt(key, { aud: 'https://oauth2.googleapis.com/token', scope: SCOPE }),
      },
      {
        name: 'an expired assertion',
        error: 'invalid_grant',
        description: /short-lived token \(60 minutes\).*Check your iat and exp/,
        build: (key) => assertionFor(key, { iat: nowSec() - 3700, exp: nowSec() - 100 }),
      },
      {
        name: 'an iat more than a minute in the future',
        error: 'invalid_grant',
        description: /short-lived token/,
        build: (key) => assertionFor(key, { iat: nowSec() + 300, exp: nowSec() + 600 }),
      },
      {
        name: 'a lifetime over one hour',
        error: 'invalid_grant',
        description: /short-lived token/,
        build: (key) => assertionFor(key, { iat: nowSec(), exp: nowSec() + 3601 }),
      },
      {
        name: 'an unknown issuer',
        error: 'invalid_grant',
        description: /^Invalid grant: account not found$/,
        build: (key) =>
          assertionFor(key, { iss: 'nobody@emulated-project.iam.gserviceaccount.com' }),
      },
      {
        name: 'neither scope nor target_audience',
        error: 'invalid_scope',
        description: /^Invalid OAuth scope or ID token audience provided\.$/,
        build: (key) => assertionFor(key, { scope: undefined }),
      },
      {
        name: 'a malformed assertion',
        error: 'invalid_grant',
        description: /Invalid JWT/,
        build: async () => 'not-a-jwt',
      },
    ];
    for (const { name, error, description, build } of rejections) {
      it(`rejects ${name} with 400 ${error}`, async () => {
        const reply = await exchange(await build(emulator.serviceAccountKey));
        assert.equal(reply.status, 400);
        assert.equal(reply.body.error, error);
        assert.match(reply.body.error_description ?? '', description);
        assert.equal(reply.body.access_token, undefined);
      });
    }

    it('rejects an RS256 header on an ES256 account', async () => {
      const key = emulator.createServiceAccount({ algorithm: 'ES256' });
      const rsa = emulator.createServiceAccount();
      const reply = await exchange(
        await signJwt(key, { aud: emulator.tokenUrl, scope: SCOPE }, {}, rsa.private_key),
      );
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error_description, 'Invalid JWT Signature.');
    });

    it('requires the assertion parameter', async () => {
      const reply = await postForm(emulator.tokenUrl, { grant_type: JWT_BEARER });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error, 'invalid_request');
      assert.match(reply.body.error_description ?? '', /assertion/);
    });
  });
});
