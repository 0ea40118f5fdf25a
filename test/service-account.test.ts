import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { PrivateKeyCache } from '../src/service-account/private-key-cache.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { decodeJwt, generateTestKey, serviceAccountJson, type TestKey } from './support/keys.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

function captureAssertion(): { assertion: () => string } {
  let body = '';
  nock('https://oauth2.example.test')
    .post('/token', (b: string | Record<string, string>) => {
      body = typeof b === 'string' ? b : new URLSearchParams(b).toString();
      return true;
    })
    .reply(200, { access_token: 'ya29.test', expires_in: 3600, token_type: 'Bearer' });
  return { assertion: () => new URLSearchParams(body).get('assertion') ?? '' };
}

function verifySignature(jwt: string, key: TestKey, alg: 'RS256' | 'ES256'): boolean {
  const [h, c, s] = jwt.split('.');
  return verify(
    'sha256',
    Buffer.from(`${h}.${c}`),
    alg === 'RS256' ? key.publicKey : { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
}

describe('ServiceAccountCredentials', () => {
  let rsa: TestKey;
  let ec: TestKey;
  let dir: string;

  before(async () => {
    rsa = generateTestKey('rsa');
    ec = generateTestKey('ec');
    dir = await mkdtemp(join(tmpdir(), 'warrant-sa-'));
  });
  afterEach(() => nock.cleanAll());

  it('sends an RFC 7523 JWT-bearer assertion with iss, aud, iat, exp, scope and kid', async () => {
    const capture = captureAssertion();
    const credentials = ServiceAccountCredentials.fromJson(serviceAccountJson(rsa), {
      scopes: [SCOPE],
    });
    assert.equal(await credentials.getAccessToken(), 'ya29.test');
    const jwt = capture.assertion();
    const { header, claims } = decodeJwt(jwt);
    assert.deepEqual(header, { alg: 'RS256', typ: 'JWT', kid: 'test-key-id' });
    assert.equal(claims.iss, 'robot@test-project.iam.gserviceaccount.com');
    assert.equal(claims.aud, 'https://oauth2.example.test/token');
    assert.equal(claims.scope, SCOPE);
    assert.equal((claims.exp as number) - (claims.iat as number), 3600);
    assert.ok(Math.abs((claims.iat as number) - Date.now() / 1000) < 5);
    assert.equal(claims.sub, undefined);
    assert.ok(verifySignature(jwt, rsa, 'RS256'));
  });

  it('signs ES256 with an EC P-256 key in the JOSE (r||s) form', async () => {
    const capture = captureAssertion();
    const credentials = new ServiceAccountCredentials({
      clientEmail: 'ec@p.iam.gserviceaccount.com',
      privateKey: ec.privateKeyPem,
      tokenUri: 'https://oauth2.example.test/token',
      scopes: SCOPE,
    });
    await credentials.getAccessToken();
    const jwt = capture.assertion();
    assert.equal(decodeJwt(jwt).header.alg, 'ES256');
    assert.equal(Buffer.from(jwt.split('.')[2], 'base64url').length, 64);
    assert.ok(verifySignature(jwt, ec, 'ES256'));
  });

  it('withSubject adds sub for domain-wide delegation, leaving the original unchanged', async () => {
    const base = ServiceAccountCredentials.fromJson(serviceAccountJson(rsa), { scopes: [SCOPE] });
    const delegated = base.withSubject('alice@example.com');
    assert.equal(base.subject, undefined);
    const capture = captureAssertion();
    await delegated.getAccessToken();
    assert.equal(decodeJwt(capture.assertion()).claims.sub, 'alice@example.com');
  });

  it('merges additionalClaims without letting them replace the required ones', async () => {
    const capture = captureAssertion();
    const credentials = ServiceAccountCredentials.fromJson(serviceAccountJson(rsa), {
      scopes: [SCOPE],
      additionalClaims: { target: 'x', aud: 'https://evil.example' },
    });
    await credentials.getAccessToken();
    const { claims } = decodeJwt(capture.assertion());
    assert.equal(claims.target, 'x');
    assert.equal(claims.aud, 'https://oauth2.example.test/token');
  });

  it('signs a self-signed JWT per API audience when there are no scopes, without a round trip', async () => {
    const credentials = ServiceAccountCredentials.fromJson(serviceAccountJson(rsa));
    const a = await credentials.getRequestHeaders(
      'https://pubsub.googleapis.com/v1/projects/p/topics',
    );
    const b = await credentials.getRequestHeaders('https://pubsub.googleapis.com/v1/other');
    const c = await credentials.getRequestHeaders('https://storage.googleapis.com/b');
    const jwtA = a.get('authorization')!.slice(7);
    assert.equal(jwtA, b.get('authorization')!.slice(7));
    const { header, claims } = decodeJwt(jwtA);
    assert.equal(header.kid, 'test-key-id');
    assert.equal(claims.aud, 'https://pubsub.googleapis.com/');
    assert.equal(claims.iss, claims.sub);
    assert.equal(claims.scope, undefined);
    assert.equal(
      decodeJwt(c.get('authorization')!.slice(7)).claims.aud,
      'https://storage.googleapis.com/',
    );
    assert.ok(verifySignature(jwtA, rsa, 'RS256'));
  });

  it('keeps one self-signed JWT per origin for 10,000 origins: each is signed once, then reused', async () => {
    // An EC key: 10,000 RSA signatures would take seconds on a loaded machine.
    const credentials = ServiceAccountCredentials.fromJson(serviceAccountJson(ec));
    const origins = Array.from({ length: 10_000 }, (_, i) => `https://api${i}.example.test/v1`);
    const first = new Map<string, string>();
    for (const url of origins) {
      first.set(url, (await credentials.getRequestHeaders(url)).get('authorization')!);
    }
    for (const url of origins) {
      assert.equal((await credentials.getRequestHeaders(url)).get('authorization'), first.get(url));
    }
    assert.equal(
      decodeJwt(first.get(origins[9_999])!.slice(7)).claims.aud,
      'https://api9999.example.test/',
    );
  });

  it('with useSelfSignedJwt and scopes, signs one JWT with a scope claim and no aud', async () => {
    const credentials = ServiceAccountCredentials.fromJson(serviceAccountJson(rsa), {
      scopes: [SCOPE],
      useSelfSignedJwt: true,
    });
    const { claims } = decodeJwt(await credentials.getAccessToken());
    assert.equal(claims.scope, SCOPE);
    assert.equal(claims.aud, undefined);
  });

  it('outside the default universe always self-signs', async () => {
    const credentials = ServiceAccountCredentials.fromJson(
      serviceAccountJson(rsa, { universe_domain: 'example-universe.test' }),
      { scopes: [SCOPE] },
    );
    assert.equal(await credentials.getUniverseDomain(), 'example-universe.test');
    assert.equal(decodeJwt(await credentials.getAccessToken()).claims.scope, SCOPE);
  });

  it('accepts a key whose newlines arrived escaped, as from an environment variable', async () => {
    const escaped = rsa.privateKeyPem.replace(/\n/g, '\\n');
    const credentials = new ServiceAccountCredentials({
      clientEmail: 'e@p.iam.gserviceaccount.com',
      privateKey: escaped,
      useSelfSignedJwt: true,
      scopes: SCOPE,
    });
    assert.ok(await credentials.getAccessToken());
  });

  it('reads a key file, and keeps project, client id and quota project from it', async () => {
    const path = join(dir, 'key.json');
    await writeFile(path, JSON.stringify(serviceAccountJson(rsa, { quota_project_id: 'quota-p' })));
    const credentials = await ServiceAccountCredentials.fromFile(path, { scopes: [SCOPE] });
    assert.equal(credentials.projectId, 'test-project');
    assert.equal(credentials.quotaProjectId, 'quota-p');
    assert.equal(credentials.clientEmail, 'robot@test-project.iam.gserviceaccount.com');
  });

  describe('bad key input', () => {
    const cases: [string, () => Promise<unknown>, RegExp][] = [];

    before(async () => {
      const empty = join(dir, 'empty.json');
      const garbage = join(dir, 'garbage.json');
      const array = join(dir, 'array.json');
      const sub = join(dir, 'a-directory');
      await writeFile(empty, '');
      await writeFile(garbage, '{"type": "service_account", ');
      await writeFile(array, '[1,2]');
      await mkdir(sub, { recursive: true });
      cases.push(
        [
          'a missing file',
          () => ServiceAccountCredentials.fromFile(join(dir, 'nope.json')),
          /nope\.json does not exist/,
        ],
        ['an empty file', () => ServiceAccountCredentials.fromFile(empty), /empty\.json is empty/],
        [
          'malformed JSON',
          () => ServiceAccountCredentials.fromFile(garbage),
          /garbage\.json is not valid JSON/,
        ],
        [
          'JSON that is not an object',
          () => ServiceAccountCredentials.fromFile(array),
          /must be a JSON object/,
        ],
        [
          'a directory',
          () => ServiceAccountCredentials.fromFile(sub),
          /a-directory is a directory/,
        ],
      );
    });

    it('reports file problems as ERR_INVALID_CREDENTIALS naming the file', async () => {
      for (const [what, load, message] of cases) {
        await assert.rejects(load(), (e: Error & { code?: string }) => {
          assert.equal(e.code, 'ERR_INVALID_CREDENTIALS', what);
          assert.match(e.message, message, what);
          return true;
        });
      }
    });

    it('names the missing field and the fix', () => {
      const json = serviceAccountJson(rsa) as Record<string, unknown>;
      delete json.client_email;
      assert.throws(() => ServiceAccountCredentials.fromJson(json, { source: 'key.json' }), {
        code: 'ERR_INVALID_CREDENTIALS',
        field: 'client_email',
        message: /key\.json: field client_email is missing \(download a new JSON key/,
      });
    });

    it('refuses a file of another type', () => {
      assert.throws(() => ServiceAccountCredentials.fromJson({ type: 'authorized_user' }), {
        code: 'ERR_INVALID_CREDENTIALS',
        field: 'type',
        message:
          /expected a credentials file of type 'service_account' but found type 'authorized_user'/,
      });
    });

    it('reports a PEM that is not a key at the first token request, without echoing it', async () => {
      const bogus =
        '-----BEGIN PRIVATE KEY-----\nTm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n';
      const sa = ServiceAccountCredentials.fromJson(
        serviceAccountJson(rsa, { private_key: bogus }),
        {
          scopes: ['https://www.googleapis.com/auth/cloud-platform'],
        },
      );
      await assert.rejects(sa.getAccessToken(), (e: Error & { code?: string; field?: string }) => {
        assert.equal(e.code, 'ERR_INVALID_CREDENTIALS');
        assert.equal(e.field, 'private_key');
        assert.doesNotMatch(`${e.message} ${e.stack} ${JSON.stringify(e)}`, /Tm90IGEga2V5/);
        assert.equal(e.cause, undefined);
        return true;
      });
    });

    it('refuses key types it cannot sign with, at the first token request', async () => {
      const ed = generateKeyPairEd25519();
      const sa = ServiceAccountCredentials.fromJson(serviceAccountJson(rsa, { private_key: ed }), {
        scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      });
      await assert.rejects(sa.getAccessToken(), {
        code: 'ERR_INVALID_CREDENTIALS',
        message: /ed25519 is not supported/,
      });
    });
  });

  describe('private keys parsed once per key, on first use', () => {
    it('parses a PEM once however many credentials objects share it', () => {
      const cache = new PrivateKeyCache();
      const first = cache.get(rsa.privateKeyPem, 'a');
      assert.equal(cache.get(rsa.privateKeyPem, 'b'), first);
      assert.notEqual(cache.get(generateTestKey().privateKeyPem, 'c'), first);
    });

    it('keeps at most its bound of keys, dropping the oldest', () => {
      const cache = new PrivateKeyCache(1);
      const first = cache.get(rsa.privateKeyPem, 'a');
      cache.get(generateTestKey().privateKeyPem, 'b');
      assert.notEqual(cache.get(rsa.privateKeyPem, 'a'), first);
    });

    it('builds credentials from a key without parsing it, and signs with it later', async () => {
      const sa = ServiceAccountCredentials.fromJson(serviceAccountJson(rsa), {
        useSelfSignedJwt: true,
      });
      const headers = await sa.getRequestHeaders('https://storage.googleapis.com/b');
      assert.match(headers.get('authorization') ?? '', /^Bearer ey/);
    });
  });
});

function generateKeyPairEd25519(): string {
  return generateKeyPairSync('ed25519').privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
}
