// The emulator's published signing keys and its echo API, against the protocol itself.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { startEmulator, type Emulator } from '../src/testing/index.js';
import {
  callEcho,
  nowSec,
  resetEmulator,
  SCOPE,
  signJwt,
  tokenEndpointCalls,
  type EchoBody,
  type Reply,
} from './support/emulator-protocol.js';

describe('emulator', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());
  afterEach(() => resetEmulator(emulator));

  const { assertionFor, exchange, refreshUser } = tokenEndpointCalls(() => emulator);

  describe('certificates', () => {
    it('publishes the signing keys as a JWKS with Google caching', async () => {
      const res = await fetch(emulator.jwksUrl);
      assert.equal(res.status, 200);
      assert.equal(
        res.headers.get('cache-control'),
        'public, max-age=3600, must-revalidate, no-transform',
      );
      const { keys } = (await res.json()) as { keys: Record<string, string>[] };
      assert.equal(keys.length, emulator.state.signingKeys.all.length);
      for (const jwk of keys) {
        assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
        assert.equal(jwk.kty, 'RSA');
        assert.equal(jwk.alg, 'RS256');
        assert.equal(jwk.use, 'sig');
      }
    });

    it('publishes the same keys as a kid → PEM map with Google caching', async () => {
      const [pemRes, jwksRes] = await Promise.all([
        fetch(emulator.certsUrl),
        fetch(emulator.jwksUrl),
      ]);
      assert.equal(
        pemRes.headers.get('cache-control'),
        'public, max-age=3600, must-revalidate, no-transform',
      );
      const pems = (await pemRes.json()) as Record<string, string>;
      const { keys } = (await jwksRes.json()) as { keys: { kid: string; n: string }[] };
      assert.deepEqual(Object.keys(pems).sort(), keys.map((key) => key.kid).sort());
      for (const key of keys) {
        const fromPem = createPublicKey(pems[key.kid]).export({ format: 'jwk' });
        assert.equal(fromPem.n, key.n);
      }
    });

    it('keeps the old key published after rotation and signs with the new one', async () => {
      const previous = emulator.state.signingKeys.current.kid;
      const kid = emulator.state.rotateSigningKey();
      assert.notEqual(kid, previous);
      const pems = (await (await fetch(emulator.certsUrl)).json()) as Record<string, string>;
      assert.ok(pems[previous] && pems[kid]);
      const reply = await refreshUser();
      assert.equal(decodeProtectedHeader(reply.body.id_token ?? '').kid, kid);
      const { keys } = (await (await fetch(emulator.jwksUrl)).json()) as Parameters<
        typeof createLocalJWKSet
      >[0];
      await jwtVerify(reply.body.id_token ?? '', createLocalJWKSet({ keys }));
      await jwtVerify(reply.body.id_token ?? '', await importSPKI(pems[kid], 'RS256'));
    });

    it("serves a service account's public key at its client_x509_cert_url", async () => {
      const key = emulator.serviceAccountKey;
      const certs = (await (await fetch(key.client_x509_cert_url)).json()) as Record<
        string,
        string
      >;
      const jwt = await signJwt(key, { aud: 'anything' });
      await jwtVerify(jwt, await importSPKI(certs[key.private_key_id], 'RS256'));
    });
  });

  it('answers CORS preflights and lets any origin read its answers, without credentials', async () => {
    const preflight = await fetch(emulator.tokenUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8080',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal(
      preflight.headers.get('access-control-allow-headers'),
      'authorization, content-type',
    );
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
    const keys = await fetch(emulator.jwksUrl, { headers: { origin: 'http://localhost:8080' } });
    assert.equal(keys.headers.get('access-control-allow-origin'), '*');
  });

  describe('echo API', () => {
    let token: string;
    before(async () => {
      token =
        (await exchange(await assertionFor(emulator.serviceAccountKey))).body.access_token ?? '';
    });

    it('reports the method, path, query, quota project, user agent and body', async () => {
      const reply = await callEcho(`${emulator.echoUrl}/things/1?a=1&b=2&b=3`, token, {
        method: 'PATCH',
        headers: { 'x-goog-user-project': 'billing-project', 'user-agent': 'tester/1.0' },
        body: '{"name":"x"}',
      });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, {
        ok: true,
        method: 'PATCH',
        path: '/echo/things/1',
        query: { a: '1', b: ['2', '3'] },
        principal: emulator.serviceAccountKey.client_email,
        scopes: [SCOPE],
        quotaProject: 'billing-project',
        userAgent: 'tester/1.0',
        body: '{"name":"x"}',
        kind: 'drive#fileList',
        files: [],
      });
    });

    it('reports a missing quota project and body as null', async () => {
      const reply = await callEcho(emulator.echoUrl, token);
      assert.equal(reply.body.quotaProject, null);
      assert.equal(reply.body.body, null);
    });

    it('serves the Drive list call of the generated @googleapis/drive client', async () => {
      const { drive } = await import('@googleapis/drive');
      const client = drive({ version: 'v3', rootUrl: `${emulator.url}/` });
      const echoHits = emulator.hits.echo;
      const res = await client.files.list({}, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.data.kind, 'drive#fileList');
      assert.deepEqual(res.data.files, []);
      assert.equal(emulator.hits.echo, echoHits + 1);
    });

    it('accepts a self-signed JWT whose audience is the API root', async () => {
      const key = emulator.serviceAccountKey;
      const jwt = await signJwt(key, { sub: key.client_email, aud: `${emulator.url}/` });
      const reply = await callEcho(emulator.echoUrl, jwt);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.principal, key.client_email);
      assert.deepEqual(reply.body.scopes, []);
    });

    it('accepts a self-signed JWT carrying scopes', async () => {
      const key = emulator.createServiceAccount({ algorithm: 'ES256' });
      const jwt = await signJwt(key, { sub: key.client_email, scope: SCOPE });
      const reply = await callEcho(emulator.echoUrl, jwt);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body.scopes, [SCOPE]);
    });

    const unauthenticated = async (reply: Reply<EchoBody>): Promise<void> => {
      assert.equal(reply.status, 401);
      assert.equal(
        reply.headers.get('www-authenticate'),
        'Bearer realm="emulator", error="invalid_token"',
      );
      assert.deepEqual(reply.body, {
        error: {
          code: 401,
          message:
            'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
          status: 'UNAUTHENTICATED',
        },
      });
    };

    it('rejects a garbage token with the Google 401 shape', async () => {
      await unauthenticated(await callEcho(emulator.echoUrl, 'garbage'));
    });

    it('rejects a request without credentials', async () => {
      await unauthenticated(await callEcho(emulator.echoUrl, undefined));
    });

    it('rejects self-signed JWTs for another audience, without kid, or with sub ≠ iss', async () => {
      const key = emulator.serviceAccountKey;
      const sub = key.client_email;
      const aud = `${emulator.url}/`;
      await unauthenticated(
        await callEcho(
          emulator.echoUrl,
          await signJwt(key, { sub, aud: 'https://pubsub.googleapis.com/' }),
        ),
      );
      await unauthenticated(
        await callEcho(emulator.echoUrl, await signJwt(key, { sub, aud }, { kid: undefined })),
      );
      await unauthenticated(
        await callEcho(emulator.echoUrl, await signJwt(key, { sub: 'someone@example.com', aud })),
      );
      await unauthenticated(
        await callEcho(
          emulator.echoUrl,
          await signJwt(key, { sub, aud, iat: nowSec() - 4000, exp: nowSec() - 400 }),
        ),
      );
    });

    it('rejects access tokens after expireAccessTokens', async () => {
      const fresh = (await exchange(await assertionFor(emulator.serviceAccountKey))).body
        .access_token;
      assert.equal((await callEcho(emulator.echoUrl, fresh)).status, 200);
      emulator.expireAccessTokens();
      await unauthenticated(await callEcho(emulator.echoUrl, fresh));
      token =
        (await exchange(await assertionFor(emulator.serviceAccountKey))).body.access_token ?? '';
    });
  });
});
