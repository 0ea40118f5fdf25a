import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { parseJsonObject } from '../src/id-token/strict-json.js';
import { isBase64url } from '../src/id-token/jws.js';
import { parseKeySetResponse } from '../src/id-token/key-set.js';
import { PublicKeyCache } from '../src/id-token/public-key-cache.js';
import {
  GOOGLE_ISSUERS,
  IdTokenVerifier,
  verifyIapJwt,
  verifyIdToken,
} from '../src/id-token/verifier.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { assertSafeError, googleClaims, signToken } from './fixtures/id-token/tokens.js';

const AUDIENCE = 'https://service-abc123-uc.a.run.app';
const IAP_AUDIENCE = '/projects/123456/apps/demo-project';

describe('ID token verification', () => {
  const emulator = useEmulator();
  let serviceAccount: ServiceAccountCredentials;
  let clockMs: number;
  let cache: PublicKeyCache;
  let verifier: IdTokenVerifier;

  before(() => {
    serviceAccount = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey);
  });

  beforeEach(() => {
    clockMs = Date.now();
    const clock = () => clockMs;
    cache = new PublicKeyCache({ clock });
    verifier = new IdTokenVerifier({ clock, keyCache: cache });
  });

  const iapJwksUrl = () => `${emulator.current.url}/iap/verify/public_key-jwk`;

  it("verifies a service account's ID token against the JWKS and returns its typed claims", async () => {
    const token = await serviceAccount.fetchIdToken(AUDIENCE);
    const ticket = await verifier.verify(token, {
      audience: AUDIENCE,
      jwksUrl: emulator.current.jwksUrl,
    });
    assert.equal(ticket.payload.aud, AUDIENCE);
    assert.ok(GOOGLE_ISSUERS.includes(ticket.payload.iss));
    assert.equal(ticket.userId, emulator.current.serviceAccountKey.client_id);
    assert.equal(ticket.email, emulator.current.serviceAccountKey.client_email);
    assert.equal(ticket.header.alg, 'RS256');
    assert.equal(ticket.header.kid, emulator.current.state.signingKeys.current.kid);
  });

  it('verifies against the {kid: PEM} map of SPKI public keys (certsUrl)', async () => {
    const token = await serviceAccount.fetchIdToken(AUDIENCE);
    const ticket = await verifier.verify(token, {
      audience: AUDIENCE,
      certsUrl: emulator.current.certsUrl,
    });
    assert.equal(ticket.payload.aud, AUDIENCE);
    assert.equal(emulator.current.hits.certs, 1);
    assert.equal(emulator.current.hits.jwks, 0);
  });

  describe('with a {kid: X.509 certificate} map, as Google serves at /oauth2/v1/certs', () => {
    let server: Server;
    let url: string;
    let requests = 0;
    let fixture: { certs: Record<string, string>; token: string; iat: number; audience: string };

    before(async () => {
      fixture = JSON.parse(
        await readFile(
          new URL('./fixtures/id-token/x509-signed-token.json', import.meta.url),
          'utf8',
        ),
      );
      server = createServer((_request, response) => {
        requests++;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(fixture.certs));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`;
    });

    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('verifies a token signed by the certificate key', async () => {
      clockMs = (fixture.iat + 60) * 1000;
      const ticket = await verifier.verify(fixture.token, {
        audience: fixture.audience,
        certsUrl: url,
      });
      assert.equal(ticket.email, 'fixture@example.com');
    });

    it('keeps a set without Cache-Control for the default 300 s', async () => {
      clockMs = (fixture.iat + 60) * 1000;
      const before = requests;
      await verifier.verify(fixture.token, { audience: fixture.audience, certsUrl: url });
      clockMs += 299_000;
      await verifier.verify(fixture.token, { audience: fixture.audience, certsUrl: url });
      assert.equal(requests - before, 1);
      clockMs += 2_000;
      await verifier.verify(fixture.token, { audience: fixture.audience, certsUrl: url });
      assert.equal(requests - before, 2);
    });
  });

  it('fetches the keys once for many verifications, and once for many concurrent first ones', async () => {
    const token = await serviceAccount.fetchIdToken(AUDIENCE);
    const options = { audience: AUDIENCE, jwksUrl: emulator.current.jwksUrl };
    await Promise.all(Array.from({ length: 50 }, () => verifier.verify(token, options)));
    for (let i = 0; i < 100; i++) await verifier.verify(token, options);
    assert.equal(emulator.current.hits.jwks, 1);
  });

  it('keeps concurrent verifications apart while they wait for the keys', async () => {
    const { kid, privateKey } = emulator.current.state.signingKeys.current;
    const tokens = Array.from({ length: 20 }, (_, i) =>
      signToken({ alg: 'RS256', kid }, googleClaims(AUDIENCE, { sub: `user-${i}` }), privateKey),
    );
    // Each token's signature over another payload, so only a mixed-up check would accept it.
    const forged = tokens.map((token, i) => {
      const [header, , signature] = token.split('.');
      const admin = signToken(
        { alg: 'RS256', kid },
        googleClaims(AUDIENCE, { sub: `admin-${i}` }),
        privateKey,
      );
      return `${header}.${admin.split('.')[1]}.${signature}`;
    });
    const options = { audience: AUDIENCE, jwksUrl: emulator.current.jwksUrl };
    const results = await Promise.allSettled(
      tokens.flatMap((token, i) => [
        verifier.verify(token, options),
        verifier.verify(forged[i], options),
      ]),
    );
    results.forEach((result, i) => {
      if (i % 2 === 0) {
        assert.equal(result.status, 'fulfilled');
        assert.equal(
          (result as PromiseFulfilledResult<{ userId: string }>).value.userId,
          `user-${i / 2}`,
        );
      } else {
        assert.equal(result.status, 'rejected');
        assert.equal((result as PromiseRejectedResult).reason.code, 'ERR_ID_TOKEN_SIGNATURE');
      }
    });
    assert.equal(emulator.current.hits.jwks, 1);
  });

  it('refetches when the Cache-Control max-age (3600 s at the emulator) has passed', async () => {
    const token = await serviceAccount.fetchIdToken(AUDIENCE);
    const options = {
      audience: AUDIENCE,
      jwksUrl: emulator.current.jwksUrl,
      clockToleranceSec: 7200,
    };
    await verifier.verify(token, options);
    clockMs += 3_599_000;
    await verifier.verify(token, options);
    assert.equal(emulator.current.hits.jwks, 1);
    clockMs += 2_000;
    await verifier.verify(token, options);
    assert.equal(emulator.current.hits.jwks, 2);
  });

  it('verifies a token with a rotated key after exactly one additional certificate fetch', async () => {
    const options = { audience: AUDIENCE, jwksUrl: emulator.current.jwksUrl };
    const before = await serviceAccount.fetchIdToken(AUDIENCE);
    await verifier.verify(before, options);
    assert.equal(emulator.current.hits.jwks, 1);

    const newKid = emulator.current.state.rotateSigningKey();
    clockMs += 60_000;
    const after = await serviceAccount.fetchIdToken(AUDIENCE);
    const ticket = await verifier.verify(after, options);
    assert.equal(ticket.header.kid, newKid);
    assert.equal(emulator.current.hits.jwks, 2);

    await verifier.verify(before, options);
    await verifier.verify(after, options);
    assert.equal(emulator.current.hits.jwks, 2, 'both keys are now cached');
  });

  it('verifies a key rotated moments after the last fetch on its first use', async () => {
    const options = { audience: AUDIENCE, jwksUrl: emulator.current.jwksUrl };
    await verifier.verify(await serviceAccount.fetchIdToken(AUDIENCE), options);
    const newKid = emulator.current.state.rotateSigningKey();
    const ticket = await verifier.verify(await serviceAccount.fetchIdToken(AUDIENCE), options);
    assert.equal(ticket.header.kid, newKid);
    assert.equal(emulator.current.hits.jwks, 2);
  });

  it('verifies an IAP JWT (ES256) with IAP issuer and keys', async () => {
    const jwt = await emulator.current.state.iap.issueJwt({
      audience: IAP_AUDIENCE,
      email: 'alice@example.com',
    });
    const ticket = await verifier.verifyIapJwt(jwt, {
      audience: IAP_AUDIENCE,
      jwksUrl: iapJwksUrl(),
    });
    assert.equal(ticket.header.alg, 'ES256');
    assert.equal(ticket.payload.iss, 'https://cloud.google.com/iap');
    assert.equal(ticket.email, 'alice@example.com');
    assert.match(ticket.userId, /^accounts\.google\.com:\d+$/);
    assert.equal(emulator.current.hits['iap-jwks'], 1);
  });

  it('follows a rotation of the IAP keys after one additional fetch', async () => {
    const options = { audience: IAP_AUDIENCE, jwksUrl: iapJwksUrl() };
    const iap = emulator.current.state.iap;
    await verifier.verifyIapJwt(await iap.issueJwt({ audience: IAP_AUDIENCE }), options);
    iap.rotate();
    clockMs += 30_000;
    await verifier.verifyIapJwt(await iap.issueJwt({ audience: IAP_AUDIENCE }), options);
    assert.equal(emulator.current.hits['iap-jwks'], 2);
  });

  it('refuses an IAP JWT for another audience and a Google ID token as an IAP JWT', async () => {
    const jwt = await emulator.current.state.iap.issueJwt({ audience: '/projects/1/apps/other' });
    await assert.rejects(
      verifier.verifyIapJwt(jwt, { audience: IAP_AUDIENCE, jwksUrl: iapJwksUrl() }),
      (e) => assertSafeError(e, 'ERR_ID_TOKEN_INVALID', jwt),
    );
    const idToken = await serviceAccount.fetchIdToken(IAP_AUDIENCE);
    await assert.rejects(
      verifier.verifyIapJwt(idToken, { audience: IAP_AUDIENCE, jwksUrl: iapJwksUrl() }),
      (e) => assertSafeError(e, 'ERR_ID_TOKEN_KEY_NOT_FOUND', idToken),
    );
  });

  it('offers plain functions over a shared verifier, and takes a key cache per call', async () => {
    const token = await serviceAccount.fetchIdToken(AUDIENCE);
    const ticket = await verifyIdToken(token, {
      audience: AUDIENCE,
      jwksUrl: emulator.current.jwksUrl,
    });
    assert.equal(ticket.payload.aud, AUDIENCE);
    const jwt = await emulator.current.state.iap.issueJwt({ audience: IAP_AUDIENCE });
    assert.equal(
      (await verifyIapJwt(jwt, { audience: IAP_AUDIENCE, jwksUrl: iapJwksUrl() })).payload.aud,
      IAP_AUDIENCE,
    );

    const own = new PublicKeyCache();
    emulator.current.resetHits();
    await verifyIdToken(token, {
      audience: AUDIENCE,
      jwksUrl: emulator.current.jwksUrl,
      keyCache: own,
    });
    assert.equal(emulator.current.hits.jwks, 1, 'a new cache fetches');
    assert.ok(own.peek(emulator.current.jwksUrl, emulator.current.state.signingKeys.current.kid));
  });

  it('rejects a token signed by the emulator key with a changed claim (tamper check against the real set)', async () => {
    const { kid, privateKey } = emulator.current.state.signingKeys.current;
    const token = signToken({ alg: 'RS256', kid }, googleClaims(AUDIENCE), privateKey);
    await verifier.verify(token, { audience: AUDIENCE, jwksUrl: emulator.current.jwksUrl });
    const [h, , s] = token.split('.');
    const [, p2] = signToken(
      { alg: 'RS256', kid },
      googleClaims(AUDIENCE, { sub: '1' }),
      privateKey,
    ).split('.');
    const forged = `${h}.${p2}.${s}`;
    await assert.rejects(
      verifier.verify(forged, { audience: AUDIENCE, jwksUrl: emulator.current.jwksUrl }),
      (e) => assertSafeError(e, 'ERR_ID_TOKEN_SIGNATURE', forged),
    );
  });

  describe('options', () => {
    it('requires an audience and one key source', async () => {
      const token = await serviceAccount.fetchIdToken(AUDIENCE);
      for (const audience of [undefined, '', [], ['']]) {
        await assert.rejects(verifier.verify(token, { audience } as never), (e) =>
          assertSafeError(e, 'ERR_INVALID_OPTIONS', token),
        );
      }
      await assert.rejects(
        verifier.verify(token, {
          audience: AUDIENCE,
          jwksUrl: 'http://127.0.0.1:9/a',
          certsUrl: 'http://127.0.0.1:9/b',
        }),
        (e) => assertSafeError(e, 'ERR_INVALID_OPTIONS', token),
      );
      assert.throws(() => new PublicKeyCache({ minRefetchIntervalMs: -1 }), {
        code: 'ERR_INVALID_OPTIONS',
      });
    });

    it('refuses a key-cache bound (maxUrls) that is not a whole number of 1 or more', () => {
      for (const maxUrls of [0, -1, 1.5, Number.NaN]) {
        assert.throws(() => new PublicKeyCache({ maxUrls }), {
          code: 'ERR_INVALID_OPTIONS',
          message: /maxUrls must be a whole number of 1 or more/,
        });
      }
    });
  });

  describe('key endpoint failures', () => {
    it('reports a failing key endpoint as a retryable HTTP error, without the token', async () => {
      const token = await serviceAccount.fetchIdToken(AUDIENCE);
      const failing = new IdTokenVerifier({ keyCache: new PublicKeyCache({ http: FAST_HTTP }) });
      emulator.current.fail('jwks', { status: 503, body: 'upstream unavailable', count: 3 });
      await assert.rejects(
        failing.verify(token, { audience: AUDIENCE, jwksUrl: emulator.current.jwksUrl }),
        (e) => {
          assert.equal((e as { retryable?: boolean }).retryable, true);
          return assertSafeError(e, 'ERR_HTTP', token);
        },
      );
      assert.equal(emulator.current.hits.jwks, 3);
      const ticket = await failing.verify(token, {
        audience: AUDIENCE,
        jwksUrl: emulator.current.jwksUrl,
      });
      assert.equal(ticket.payload.aud, AUDIENCE, 'a failed fetch is not cached');
    });

    it('reports a body that is not a key set as ERR_TOKEN_RESPONSE', async () => {
      const token = await serviceAccount.fetchIdToken(AUDIENCE);
      for (const body of ['<html>oops</html>', '[]', '{"keys": 3}']) {
        emulator.current.fail('jwks', { status: 200, body });
        await assert.rejects(
          new IdTokenVerifier().verify(token, {
            audience: AUDIENCE,
            jwksUrl: emulator.current.jwksUrl,
          }),
          (e) => assertSafeError(e, 'ERR_TOKEN_RESPONSE', token),
        );
      }
    });
  });
});

describe('key set parsing', () => {
  const response = (body: unknown, headers: Record<string, string> = {}) => ({
    status: 200,
    headers: new Headers(headers),
    body: JSON.stringify(body),
  });

  it('keeps only keys usable for ID tokens, each with the algorithm its type allows', async () => {
    const jwk = (pair: { publicKey: KeyObject }) => pair.publicKey.export({ format: 'jwk' });
    const rsa = jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }));
    const ec = jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const set = await parseKeySetResponse(
      response(
        {
          keys: [
            { ...rsa, kid: 'rsa', alg: 'RS256', use: 'sig' },
            { ...ec, kid: 'ec', alg: 'ES256' },
            { ...jwk(generateKeyPairSync('rsa', { modulusLength: 1024 })), kid: 'short-rsa' },
            { ...jwk(generateKeyPairSync('ec', { namedCurve: 'P-384' })), kid: 'p384' },
            { ...jwk(generateKeyPairSync('ed25519')), kid: 'ed25519' },
            { ...rsa, kid: 'ps', alg: 'PS384' },
            { ...rsa, kid: 'declares-es256', alg: 'ES256' },
            { ...rsa, kid: 'encryption', use: 'enc' },
            { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
            { ...rsa, n: 'not a modulus', kid: 'broken' },
            { ...rsa },
            'not a key',
          ],
        },
        { 'cache-control': 'public, max-age=19000, must-revalidate', age: '1000' },
      ),
      'https://keys.example/jwks',
      'jwks',
    );
    const algorithms = Object.fromEntries([...set.keys].map(([kid, key]) => [kid, key.algorithm]));
    assert.deepEqual(algorithms, {
      rsa: 'RS256',
      ec: 'ES256',
      p384: 'ES384',
      ed25519: 'EdDSA',
      ps: 'PS384',
    });
    assert.equal(set.maxAgeSec, 18_000);
  });

  it('refuses a key set of more than 100 keys, JWKS or PEM map, before parsing any', async () => {
    const KEYS_URL = 'https://keys.example/jwks';
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      format: 'jwk',
    });
    const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ ...jwk, kid: `k${i}` }));
    const pems = (n: number) => Object.fromEntries(keys(n).map(({ kid }) => [kid, 'not a pem']));
    assert.equal(
      (await parseKeySetResponse(response({ keys: keys(100) }), KEYS_URL, 'jwks')).keys.size,
      100,
    );
    await parseKeySetResponse(response(pems(100)), KEYS_URL, 'pem');
    for (const [body, format] of [
      [{ keys: keys(101) }, 'jwks'],
      [{ keys: keys(29_000) }, 'jwks'],
      [pems(101), 'pem'],
    ] as const) {
      await assert.rejects(
        parseKeySetResponse(response(body), KEYS_URL, format),
        (error: Error) => {
          assert.equal((error as { code?: string }).code, 'ERR_TOKEN_RESPONSE');
          assert.match(error.message, /at most 100 are read/);
          return true;
        },
      );
    }
  });

  it('reads a {kid: PEM} map and skips values that are not keys', async () => {
    const set = await parseKeySetResponse(
      response({ a: 'not a pem', b: 7 }),
      'https://keys.example/certs',
      'pem',
    );
    assert.equal(set.keys.size, 0);
    assert.equal(set.maxAgeSec, undefined);
  });

  it('turns an error status into an HTTP error', async () => {
    await assert.rejects(
      () =>
        parseKeySetResponse(
          { status: 404, headers: new Headers(), body: 'nope' },
          'https://keys.example/x',
          'jwks',
        ),
      { code: 'ERR_HTTP' },
    );
  });
});

describe('strict token JSON and base64url', () => {
  it('finds repeated keys at any depth, escaped or not, and nowhere else', () => {
    const repeats = (text: string) => parseJsonObject(text) === 'a repeated key';
    assert.equal(repeats('{"a":1,"a":2}'), true);
    assert.equal(repeats('{"a":1,"\\u0061":2}'), true);
    assert.equal(repeats('{"x":{"y":[{"z":1,"z":2}]}}'), true);
    assert.equal(repeats('{"x":{"k":1,"\\u006b":2}}'), true);
    assert.equal(repeats('{ "a" : 1 , "b" : { } , "c" : [ ] , "a" : 2 }'), true);
    assert.equal(repeats('{"__proto__":1,"__proto__":2}'), true);
    const clean = '{"a":"a","b":["a","a"],"c":{"a":{"a":1}},"d":[{"a":1},{"a":1}]}';
    assert.deepEqual(parseJsonObject(clean), JSON.parse(clean));
    const escapes = '{"a\\"":1,"a":"\\"a\\":","k":"\\\\","a\\\\":3,"x":{"\\"":1,"":2}}';
    assert.deepEqual(parseJsonObject(escapes), JSON.parse(escapes));
    assert.equal(parseJsonObject('[1]'), 'not a JSON object');
    assert.equal(parseJsonObject('{"a":1'), 'not JSON');
  });

  it('accepts only canonical base64url', () => {
    assert.equal(isBase64url('QQ'), true);
    assert.equal(isBase64url('QR'), false);
    assert.equal(isBase64url('QUI'), true);
    assert.equal(isBase64url('QUJ'), false);
    assert.equal(isBase64url('Q'), false);
    assert.equal(isBase64url('QQ=='), false);
    assert.equal(isBase64url('-_-_'), true);
    assert.equal(isBase64url('+/+/'), false);
    assert.equal(isBase64url(''), false);
  });
});
