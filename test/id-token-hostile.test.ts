import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdTokenVerifier, type VerifyIdTokenOptions } from '../src/id-token/verifier.js';
import { PublicKeyCache } from '../src/id-token/public-key-cache.js';
import { useEmulator } from './support/emulator.js';
import {
  assertSafeError,
  googleClaims,
  nowSec,
  segment,
  signToken,
} from './fixtures/id-token/tokens.js';

const AUDIENCE = 'https://hostile.example.test';
const IAP_AUDIENCE = '/projects/123/apps/hostile';

describe('ID token verification rejects hostile tokens', () => {
  const emulator = useEmulator();
  let googleKey: { kid: string; privateKey: KeyObject; publicKey: KeyObject };
  let iapKey: { kid: string; privateKey: KeyObject; publicKey: KeyObject };
  let clockMs: number;
  let verifier: IdTokenVerifier;
  let iapJwksUrl: string;

  before(() => {
    googleKey = emulator.current.state.signingKeys.current;
    iapKey = emulator.current.state.iap.current;
    iapJwksUrl = `${emulator.current.url}/iap/verify/public_key-jwk`;
  });

  beforeEach(() => {
    clockMs = Date.now();
    const clock = () => clockMs;
    verifier = new IdTokenVerifier({ clock, keyCache: new PublicKeyCache({ clock }) });
  });

  const options = (extra: Partial<VerifyIdTokenOptions> = {}): VerifyIdTokenOptions => ({
    audience: AUDIENCE,
    jwksUrl: emulator.current.jwksUrl,
    ...extra,
  });

  const google = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    signToken(
      { alg: 'RS256', kid: googleKey.kid, typ: 'JWT', ...header },
      googleClaims(AUDIENCE, claims),
      googleKey.privateKey,
    );

  async function rejects(
    token: unknown,
    code: string,
    extra: Partial<VerifyIdTokenOptions> = {},
  ): Promise<void> {
    await assert.rejects(verifier.verify(token as string, options(extra)), (error) =>
      assertSafeError(error, code, token),
    );
  }

  it('accepts the well-formed token the hostile ones are variations of', async () => {
    const { payload } = await verifier.verify(google(), options());
    assert.equal(payload.aud, AUDIENCE);
  });

  describe('algorithm confusion', () => {
    it('rejects alg none, with an empty or a non-empty signature, without fetching keys', async () => {
      const input = `${segment({ alg: 'none', kid: googleKey.kid })}.${segment(googleClaims(AUDIENCE))}`;
      await rejects(`${input}.`, 'ERR_ID_TOKEN_INVALID');
      await rejects(`${input}.${Buffer.from('sig').toString('base64url')}`, 'ERR_ID_TOKEN_INVALID');
      for (const alg of ['None', 'NONE', '']) {
        await rejects(
          `${segment({ alg, kid: googleKey.kid })}.${segment(googleClaims(AUDIENCE))}.c2ln`,
          'ERR_ID_TOKEN_INVALID',
        );
      }
      assert.equal(emulator.current.hits.jwks, 0);
    });

    it('rejects HS256 signed with the public key (PEM and JWK) as the HMAC secret', async () => {
      const secrets = [
        googleKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        JSON.stringify(googleKey.publicKey.export({ format: 'jwk' })),
        JSON.stringify(emulator.current.state.signingKeys.jwks().keys[0]),
      ];
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        for (const secret of secrets) {
          const input = `${segment({ alg, kid: googleKey.kid, typ: 'JWT' })}.${segment(googleClaims(AUDIENCE))}`;
          const mac = createHmac(`sha${alg.slice(2)}`, secret)
            .update(input)
            .digest('base64url');
          await rejects(`${input}.${mac}`, 'ERR_ID_TOKEN_INVALID');
        }
      }
      assert.equal(emulator.current.hits.jwks, 0);
    });

    it('rejects other asymmetric algorithms a library might accept (PS256, RS512, ES384, EdDSA)', async () => {
      for (const alg of ['PS256', 'RS512', 'ES384', 'EdDSA', 'rs256']) {
        const token = signToken(
          { alg, kid: googleKey.kid },
          googleClaims(AUDIENCE),
          googleKey.privateKey,
        );
        await rejects(token, 'ERR_ID_TOKEN_INVALID');
      }
    });

    it('rejects an RS256 header over an ES256 key, even when that key signed it', async () => {
      const claims = googleClaims(IAP_AUDIENCE, { iss: 'https://cloud.google.com/iap' });
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
      for (const signer of [iapKey.privateKey, rsa.privateKey]) {
        const token = signToken({ alg: 'RS256', kid: iapKey.kid }, claims, signer);
        await assert.rejects(
          verifier.verifyIapJwt(token, { audience: IAP_AUDIENCE, jwksUrl: iapJwksUrl }),
          (error) => assertSafeError(error, 'ERR_ID_TOKEN_SIGNATURE', token),
        );
      }
    });

    it('rejects an ES256 header over an RS256 key, even when that key signed it', async () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      for (const signer of [googleKey.privateKey, ec.privateKey]) {
        const token = signToken(
          { alg: 'ES256', kid: googleKey.kid },
          googleClaims(AUDIENCE),
          signer,
        );
        await rejects(token, 'ERR_ID_TOKEN_SIGNATURE');
      }
    });

    it('rejects a token whose payload was changed after signing', async () => {
      const [header, , signature] = google().split('.');
      const forged = `${header}.${segment(googleClaims(AUDIENCE, { email: 'admin@example.com' }))}.${signature}`;
      await rejects(forged, 'ERR_ID_TOKEN_SIGNATURE');
    });

    it('rejects a signature by an unpublished key that reuses a published kid', async () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const token = signToken(
        { alg: 'RS256', kid: googleKey.kid },
        googleClaims(AUDIENCE),
        rsa.privateKey,
      );
      await rejects(token, 'ERR_ID_TOKEN_SIGNATURE');
    });

    it('rejects an ES256 signature of the wrong length or in DER form', async () => {
      const claims = googleClaims(IAP_AUDIENCE, { iss: 'https://cloud.google.com/iap' });
      const good = signToken({ alg: 'ES256', kid: iapKey.kid }, claims, iapKey.privateKey);
      const input = good.slice(0, good.lastIndexOf('.'));
      const raw = Buffer.from(good.slice(good.lastIndexOf('.') + 1), 'base64url');
      const der = Buffer.concat([
        Buffer.from([0x30, 0x44, 0x02, 0x20]),
        raw.subarray(0, 32),
        Buffer.from([0x02, 0x20]),
        raw.subarray(32),
      ]);
      for (const signature of [raw.subarray(0, 63), Buffer.concat([raw, Buffer.from([0])]), der]) {
        const token = `${input}.${signature.toString('base64url')}`;
        await assert.rejects(
          verifier.verifyIapJwt(token, { audience: IAP_AUDIENCE, jwksUrl: iapJwksUrl }),
          (error) => assertSafeError(error, 'ERR_ID_TOKEN_SIGNATURE', token),
        );
      }
    });
  });

  describe('keys', () => {
    it('refetches at once on the first unknown kid, then not again until the interval passes', async () => {
      await verifier.verify(google(), options());
      assert.equal(emulator.current.hits.jwks, 1);
      await rejects(google({}, { kid: 'f'.repeat(40) }), 'ERR_ID_TOKEN_KEY_NOT_FOUND');
      assert.equal(emulator.current.hits.jwks, 2, 'the first miss refetches at once');
      for (let i = 0; i < 20; i++) {
        await rejects(google({}, { kid: `forged-${i}` }), 'ERR_ID_TOKEN_KEY_NOT_FOUND');
      }
      assert.equal(emulator.current.hits.jwks, 2, 'a flood of forged kids causes no more fetches');
      clockMs += 30_000;
      await rejects(google({}, { kid: 'e'.repeat(40) }), 'ERR_ID_TOKEN_KEY_NOT_FOUND');
      assert.equal(emulator.current.hits.jwks, 3, 'one more refetch once the interval has passed');
    });

    it('fetches once for an unknown kid on a cold cache, and shares that fetch among concurrent tokens', async () => {
      const forged = Array.from({ length: 25 }, (_, i) => google({}, { kid: `forged-${i}` }));
      const results = await Promise.allSettled(forged.map((t) => verifier.verify(t, options())));
      results.forEach((result, i) => {
        assert.equal(result.status, 'rejected');
        assertSafeError(
          (result as PromiseRejectedResult).reason,
          'ERR_ID_TOKEN_KEY_NOT_FOUND',
          forged[i],
        );
      });
      assert.equal(emulator.current.hits.jwks, 1);
    });

    it("rejects a kid that names another issuer's key: an IAP key signing a Google-issuer token", async () => {
      await verifier.verifyIapJwt(
        await emulator.current.state.iap.issueJwt({ audience: IAP_AUDIENCE }),
        { audience: IAP_AUDIENCE, jwksUrl: iapJwksUrl },
      );
      const token = signToken(
        { alg: 'ES256', kid: iapKey.kid },
        googleClaims(AUDIENCE),
        iapKey.privateKey,
      );
      await rejects(token, 'ERR_ID_TOKEN_KEY_NOT_FOUND');
      assert.equal(emulator.current.hits['iap-jwks'], 1);
    });

    it('rejects a Google key used for an IAP JWT', async () => {
      const token = signToken(
        { alg: 'RS256', kid: googleKey.kid },
        googleClaims(IAP_AUDIENCE, { iss: 'https://cloud.google.com/iap' }),
        googleKey.privateKey,
      );
      await assert.rejects(
        verifier.verifyIapJwt(token, { audience: IAP_AUDIENCE, jwksUrl: iapJwksUrl }),
        (error) => assertSafeError(error, 'ERR_ID_TOKEN_KEY_NOT_FOUND', token),
      );
    });

    it('never fetches or trusts a key the token points to or carries (jku, x5u, jwk, x5c)', async () => {
      const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const attackerJwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker' };
      let fetched = 0;
      const keyServer = createServer((_req, res) => {
        fetched++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [attackerJwk] }));
      });
      await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/jwks`;
      const pointers = { jku: url, x5u: url, jwk: attackerJwk, x5c: ['AAAA'] };
      try {
        for (const kid of ['attacker', googleKey.kid]) {
          const token = signToken(
            { alg: 'RS256', kid, ...pointers },
            googleClaims(AUDIENCE),
            attacker.privateKey,
          );
          await rejects(
            token,
            kid === 'attacker' ? 'ERR_ID_TOKEN_KEY_NOT_FOUND' : 'ERR_ID_TOKEN_SIGNATURE',
          );
        }
      } finally {
        keyServer.close();
      }
      assert.equal(fetched, 0);
    });

    it('looks up a 10 000-character kid once and names it shortened', async () => {
      const kid = 'k'.repeat(10_000);
      const error = await verifier.verify(google({}, { kid }), options()).catch((e: Error) => e);
      assertSafeError(error, 'ERR_ID_TOKEN_KEY_NOT_FOUND', google({}, { kid }));
      assert.ok((error as Error).message.length < 400, (error as Error).message);
      assert.equal(emulator.current.hits.jwks, 1);
    });

    it('rejects a header without a kid, or with a kid that is not a string', async () => {
      await rejects(google({}, { kid: undefined }), 'ERR_ID_TOKEN_INVALID');
      await rejects(google({}, { kid: 42 }), 'ERR_ID_TOKEN_INVALID');
      await rejects(google({}, { kid: '' }), 'ERR_ID_TOKEN_INVALID');
    });
  });

  describe('claims', () => {
    it('rejects a wrong audience, as a string or a list', async () => {
      await rejects(google({ aud: 'https://other.example.test' }), 'ERR_ID_TOKEN_INVALID');
      await rejects(
        google({ aud: ['https://a.example', 'https://b.example'] }),
        'ERR_ID_TOKEN_INVALID',
      );
      await rejects(google({ aud: [] }), 'ERR_ID_TOKEN_INVALID');
      await rejects(google({ aud: [AUDIENCE, 7] }), 'ERR_ID_TOKEN_INVALID');
      await rejects(google(), 'ERR_ID_TOKEN_INVALID', { audience: ['x', 'y'] });
    });

    it('accepts an audience list containing the audience, and any of several expected audiences', async () => {
      await verifier.verify(google({ aud: ['https://a.example', AUDIENCE] }), options());
      await verifier.verify(google(), options({ audience: ['https://a.example', AUDIENCE] }));
    });

    it('rejects a wrong or missing issuer', async () => {
      await rejects(google({ iss: 'https://evil.example' }), 'ERR_ID_TOKEN_INVALID');
      await rejects(google({ iss: 'https://cloud.google.com/iap' }), 'ERR_ID_TOKEN_INVALID');
      await rejects(google({ iss: undefined }), 'ERR_ID_TOKEN_INVALID');
      await verifier.verify(google({ iss: 'accounts.google.com' }), options());
    });

    it('rejects a token expired beyond the tolerance and accepts one expired within it', async () => {
      const iat = nowSec() - 3600;
      await rejects(google({ iat, exp: nowSec() - 31 }), 'ERR_ID_TOKEN_EXPIRED');
      await verifier.verify(google({ iat, exp: nowSec() - 25 }), options());
      await rejects(google({ iat, exp: nowSec() - 25 }), 'ERR_ID_TOKEN_EXPIRED', {
        clockToleranceSec: 0,
      });
      await verifier.verify(
        google({ iat, exp: nowSec() - 200 }),
        options({ clockToleranceSec: 300 }),
      );
    });

    it('rejects a token not yet valid (iat or nbf in the future) beyond the tolerance', async () => {
      await rejects(google({ iat: nowSec() + 60, exp: nowSec() + 3600 }), 'ERR_ID_TOKEN_INVALID');
      await rejects(google({ nbf: nowSec() + 60 }), 'ERR_ID_TOKEN_INVALID');
      await verifier.verify(google({ iat: nowSec() + 20, nbf: nowSec() + 20 }), options());
    });

    it('rejects a lifetime over a day, and exp before iat', async () => {
      const iat = nowSec();
      await rejects(google({ iat, exp: iat + 86_401 }), 'ERR_ID_TOKEN_INVALID');
      await verifier.verify(google({ iat, exp: iat + 86_400 }), options());
      await rejects(google({ iat, exp: iat + 7200 }), 'ERR_ID_TOKEN_INVALID', {
        maxLifetimeSec: 3600,
      });
      await rejects(google({ iat, exp: iat - 1 }), 'ERR_ID_TOKEN_INVALID');
    });

    it("takes claims only as the payload's own members: a __proto__ holding them supplies none", async () => {
      const claims = googleClaims(AUDIENCE);
      const { sub, aud } = claims;
      const input = JSON.stringify({ ...claims, sub: undefined, aud: undefined });
      const payload = `${input.slice(0, -1)},"__proto__":${JSON.stringify({ sub, aud })}}`;
      const token = signToken({ alg: 'RS256', kid: googleKey.kid }, payload, googleKey.privateKey);
      await rejects(token, 'ERR_ID_TOKEN_INVALID');
      assert.equal(({} as { sub?: string }).sub, undefined);
    });

    it('rejects missing or mistyped required claims', async () => {
      for (const name of ['exp', 'iat', 'sub', 'aud', 'iss']) {
        await rejects(google({ [name]: undefined }), 'ERR_ID_TOKEN_INVALID');
      }
      for (const [name, value] of [
        ['exp', String(nowSec() + 60)],
        ['iat', null],
        ['nbf', 'soon'],
        ['sub', 12],
        ['sub', ''],
        ['iss', ['https://accounts.google.com']],
        ['exp', -1],
      ] as const) {
        await rejects(google({ [name]: value }), 'ERR_ID_TOKEN_INVALID');
      }
    });
  });

  describe('shape', () => {
    it('rejects two, four or five segments (JWE), and empty segments', async () => {
      const [h, p, s] = google().split('.');
      for (const token of [
        `${h}.${p}`,
        `${h}.${p}.${s}.${s}`,
        `${h}.${p}.${s}.${s}.${s}`,
        `${h}..${s}`,
        `.${p}.${s}`,
        `${h}.${p}.`,
        '',
        '..',
        'abc',
      ]) {
        await rejects(token, 'ERR_ID_TOKEN_INVALID');
      }
    });

    it('rejects base64 that is not strict base64url: padding, + and /, whitespace, stray bits', async () => {
      const token = google();
      const [h, p, s] = token.split('.');
      const standard = (text: string) => Buffer.from(text, 'base64url').toString('base64');
      const variants = [
        `${h}=.${p}.${s}`,
        `${h}.${p}==.${s}`,
        `${h}.${p}.${s}=`,
        `${standard(h)}.${p}.${s}`,
        `${h}.${p}.${standard(s)}`,
        ` ${token}`,
        `${token}\n`,
        `${h}.${p.slice(0, 10)} ${p.slice(10)}.${s}`,
        `${h}.${p}.${s.slice(0, 10)}\t${s.slice(10)}`,
        `${h}.${p}.${s}AAA`,
        `${h}%2E${p}.${s}`,
      ];
      // A last character with bits set beyond the data decodes to the same bytes: a second encoding.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      for (const [name, text] of [
        ['header', h],
        ['payload', p],
        ['signature', s],
      ] as const) {
        if (text.length % 4 === 0) continue;
        const stray = alphabet[alphabet.indexOf(text[text.length - 1]) | 1];
        const changed = `${text.slice(0, -1)}${stray}`;
        assert.deepEqual(Buffer.from(changed, 'base64url'), Buffer.from(text, 'base64url'), name);
        variants.push(token.replace(text, changed));
      }
      for (const variant of variants) {
        assert.notEqual(variant, token);
        await rejects(variant, 'ERR_ID_TOKEN_INVALID');
      }
    });

    it('rejects a header or payload that is not JSON, not UTF-8, or JSON but not an object', async () => {
      const claims = JSON.stringify(googleClaims(AUDIENCE));
      const header = JSON.stringify({ alg: 'RS256', kid: googleKey.kid });
      const cases: [string, string][] = [
        ['{alg: RS256}', claims],
        [header, "{'aud': 'x'}"],
        [header, `${claims.slice(0, -1)}`],
        [header, `${claims} trailing`],
        ['[]', claims],
        [header, JSON.stringify([googleClaims(AUDIENCE)])],
        [header, 'null'],
        [header, '"a string"'],
        ['42', claims],
        [header, ''],
      ];
      for (const [h, p] of cases) {
        await rejects(signToken(h, p, googleKey.privateKey), 'ERR_ID_TOKEN_INVALID');
      }
      const notUtf8 = Buffer.concat([
        Buffer.from(claims.slice(0, -1)),
        Buffer.from(',"x":"\xff\xfe"}', 'latin1'),
      ]);
      const token = signToken(header, 'placeholder', googleKey.privateKey).split('.');
      await rejects(
        `${token[0]}.${notUtf8.toString('base64url')}.${token[2]}`,
        'ERR_ID_TOKEN_INVALID',
      );
    });

    it('rejects JSON with a repeated key in the header or payload, nested or escaped', async () => {
      const kid = googleKey.kid;
      const claims = JSON.stringify(googleClaims(AUDIENCE));
      const header = JSON.stringify({ alg: 'RS256', kid });
      const cases: [string, string][] = [
        [`{"alg":"RS256","kid":"${kid}","alg":"RS256"}`, claims],
        [`{"alg":"none","alg":"RS256","kid":"${kid}"}`, claims],
        [header, `${claims.slice(0, -1)},"aud":"https://other.example"}`],
        [header, `{"aud":"https://other.example",${claims.slice(1)}`],
        [header, `${claims.slice(0, -1)},"\\u0061ud":"${AUDIENCE}"}`],
        [header, `${claims.slice(0, -1)},"google":{"a":1,"a":2}}`],
        [header, `${claims.slice(0, -1)},"x":[{"a":1,"b":[{"c":1,"c":1}]}]}`],
      ];
      for (const [h, p] of cases) {
        await rejects(signToken(h, p, googleKey.privateKey), 'ERR_ID_TOKEN_INVALID');
      }
      const sameKeysInSiblings = `${claims.slice(0, -1)},"x":[{"a":1},{"a":2}],"y":{"a":{"a":1}}}`;
      await verifier.verify(signToken(header, sameKeysInSiblings, googleKey.privateKey), options());
    });

    it('rejects a crit header, whatever it names', async () => {
      await rejects(google({}, { crit: ['exp'] }), 'ERR_ID_TOKEN_INVALID');
      await rejects(google({}, { crit: [] }), 'ERR_ID_TOKEN_INVALID');
      await rejects(google({}, { crit: ['b64'], b64: false }), 'ERR_ID_TOKEN_INVALID');
    });

    it('rejects a JWT typed as another kind (access, logout, DPoP token), and takes typ JWT or none', async () => {
      for (const typ of ['at+jwt', 'application/at+JWT', 'logout+jwt', 'dpop+jwt']) {
        await rejects(google({}, { typ }), 'ERR_ID_TOKEN_INVALID');
      }
      for (const typ of ['JWT', 'jwt', 'application/jwt', undefined]) {
        assert.equal((await verifier.verify(google({}, { typ }), options())).payload.aud, AUDIENCE);
      }
    });

    it('rejects a 1 MB token before any parsing, crypto or key fetch', async () => {
      // Validly signed: only the size limit stands between these tokens and acceptance.
      const huge = google({ padding: 'x'.repeat(1024 * 1024) });
      await rejects(huge, 'ERR_ID_TOKEN_INVALID');
      const error = await verifier.verify(huge, options()).catch((e: Error) => e);
      assert.ok((error as Error).message.length < 200);
      const justOver = google({ padding: 'x'.repeat(16 * 1024) });
      await rejects(justOver, 'ERR_ID_TOKEN_INVALID');
      assert.equal(emulator.current.hits.jwks, 0);
      const bigger = options({ maxTokenLength: 32 * 1024 });
      assert.equal((await verifier.verify(justOver, bigger)).payload.aud, AUDIENCE);
    });

    it('rejects values that are not strings at all', async () => {
      for (const value of [undefined, null, 42, {}, Buffer.from(google())]) {
        await rejects(value, 'ERR_ID_TOKEN_INVALID');
      }
    });
  });
});
