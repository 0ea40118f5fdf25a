import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { OAuthProvider } from '../src/oauth/provider.js';
import type { OAuthProviderOptions } from '../src/oauth/provider-options.js';
import { rejectsWith } from './support/oidc-provider-assertions.js';
import { startStubProvider, STUB_KID, type StubProvider } from './support/oidc-provider-stub.js';

const CLIENT_ID = 'stub-client';
const CLIENT_SECRET = 'stub-client-secret-0123456789-0123456789';
const REDIRECT_URI = 'http://127.0.0.1:1/callback';

describe('ID-token verification (scripted provider)', () => {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let stub: StubProvider;
  beforeEach(async () => {
    stub = await startStubProvider({ signingKey });
  });
  afterEach(() => stub.close());

  function provider(options: Partial<OAuthProviderOptions> = {}) {
    return new OAuthProvider({
      issuer: stub.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      http: { retry: { maxAttempts: 1 } },
      ...options,
    });
  }

  /** Runs a login whose token endpoint answers with `idToken`; resolves to the claims. */
  async function loginWith(idToken: string | ((nonce: string) => Promise<string>), p = provider()) {
    const redirect = await p.authorizationRedirect({ redirectUri: REDIRECT_URI, scope: 'openid' });
    const token = typeof idToken === 'string' ? idToken : await idToken(redirect.nonce!);
    stub.route('/token', () => ({
      body: {
        access_token: 'stub-access-token',
        token_type: 'Bearer',
        expires_in: 600,
        id_token: token,
      },
    }));
    const callback = `${REDIRECT_URI}?code=stub-code&state=${redirect.state}`;
    const secrets = [token, 'stub-access-token', 'stub-code', redirect.codeVerifier, CLIENT_SECRET];
    return { result: p.handleCallback(callback, redirect), secrets };
  }

  it('accepts a well-formed token and returns its claims', async () => {
    const { result } = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce, email: 'a@b.test' }),
    );
    const { claims, tokens } = await result;
    assert.equal(claims?.sub, 'user-1');
    assert.equal(claims?.email, 'a@b.test');
    assert.equal(tokens.accessToken, 'stub-access-token');
  });

  it('refuses a token whose kid is not in the key set (ERR_ID_TOKEN_KEY_NOT_FOUND)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const { result, secrets } = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce }, { kid: 'unknown-kid', key: other }),
    );
    await rejectsWith(result, 'ERR_ID_TOKEN_KEY_NOT_FOUND', secrets);
  });

  it('refetches the key set at once for an unknown kid (key rotation), and then at most once per 30 s', async () => {
    let now = Date.now();
    const p = provider({ clock: () => now, idTokenAlgorithms: ['RS256', 'ES256'] });
    await (
      await loginWith((nonce) => stub.idToken(CLIENT_ID, { nonce }), p)
    ).result;
    const rotated = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    stub.route('/jwks', () => ({
      body: {
        keys: [{ ...rotated.publicKey.export({ format: 'jwk' }), kid: 'rotated', alg: 'ES256' }],
      },
    }));
    const signWithRotated = (nonce: string) =>
      stub.idToken(CLIENT_ID, { nonce }, { kid: 'rotated', key: rotated.privateKey, alg: 'ES256' });
    const jwksFetches = () => stub.requests.filter((r) => r.path === '/jwks').length;

    const rotatedNow = await loginWith(signWithRotated, p);
    assert.equal((await rotatedNow.result).claims?.sub, 'user-1', 'verifies on first use');
    assert.equal(jwksFetches(), 2);

    const forged = (nonce: string) =>
      stub.idToken(CLIENT_ID, { nonce }, { kid: 'forged', key: rotated.privateKey, alg: 'ES256' });
    for (let i = 0; i < 3; i++) {
      const attempt = await loginWith(forged, p);
      await rejectsWith(attempt.result, 'ERR_ID_TOKEN_KEY_NOT_FOUND', attempt.secrets);
    }
    assert.equal(jwksFetches(), 2, 'repeated misses within 30 s fetch nothing');
    now += 31_000;
    const later = await loginWith(forged, p);
    await rejectsWith(later.result, 'ERR_ID_TOKEN_KEY_NOT_FOUND', later.secrets);
    assert.equal(jwksFetches(), 3);
  });

  it('stops accepting a key the provider removed once the JWKS max-age has passed', async () => {
    let now = Date.now();
    const p = provider({ clock: () => now });
    stub.route('/jwks', () => ({
      headers: { 'cache-control': 'public, max-age=60' },
      body: {
        keys: [
          {
            ...createPublicKey(stub.signingKey).export({ format: 'jwk' }),
            kid: STUB_KID,
            alg: 'RS256',
          },
        ],
      },
    }));
    await (
      await loginWith((nonce) => stub.idToken(CLIENT_ID, { nonce }), p)
    ).result;
    stub.route('/jwks', () => ({ body: { keys: [] } }));
    now += 61_000;
    const after = await loginWith((nonce) => stub.idToken(CLIENT_ID, { nonce }), p);
    await rejectsWith(after.result, 'ERR_ID_TOKEN_KEY_NOT_FOUND', after.secrets);
  });

  const stubJwks = (extra: Record<string, unknown> = {}) => ({
    keys: [
      {
        ...createPublicKey(stub.signingKey).export({ format: 'jwk' }),
        kid: STUB_KID,
        alg: 'RS256',
        ...extra,
      },
    ],
  });

  for (const [what, headers] of [
    ['a max-age of ten years', { 'cache-control': 'max-age=315360000' }],
    ['a max-age of 400 digits', { 'cache-control': `max-age=${'9'.repeat(400)}` }],
    ['a negative Age', { 'cache-control': 'max-age=60', age: '-315360000' }],
  ] as [string, Record<string, string>][]) {
    it(`stops accepting a removed key within a day, whatever ${what} says`, async () => {
      let now = Date.now();
      const p = provider({ clock: () => now });
      stub.route('/jwks', () => ({ headers, body: stubJwks() }));
      await (
        await loginWith((nonce) => stub.idToken(CLIENT_ID, { nonce }), p)
      ).result;
      stub.route('/jwks', () => ({ body: { keys: [] } }));
      now += 86_401_000;
      const iat = Math.floor(now / 1000);
      const after = await loginWith(
        (nonce) => stub.idToken(CLIENT_ID, { nonce, iat, exp: iat + 600 }),
        p,
      );
      await rejectsWith(after.result, 'ERR_ID_TOKEN_KEY_NOT_FOUND', after.secrets);
    });
  }

  it('names a 10 000-character kid of a published key cut short when its signature fails', async () => {
    const kid = 'k'.repeat(10_000);
    stub.route('/jwks', () => ({ body: stubJwks({ kid }) }));
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const { result, secrets } = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce }, { kid, key: other }),
    );
    const error = await rejectsWith(result, 'ERR_ID_TOKEN_SIGNATURE', secrets);
    assert.ok(error.message.length < 400, `${error.message.length} characters`);
  });

  it('never verifies with a JWKS key whose key_ops leave out verify', async () => {
    for (const keyOps of [['encrypt', 'wrapKey'], [], 'verify']) {
      stub.route('/jwks', () => ({ body: stubJwks({ key_ops: keyOps }) }));
      const { result, secrets } = await loginWith((nonce) => stub.idToken(CLIENT_ID, { nonce }));
      await rejectsWith(result, 'ERR_ID_TOKEN_KEY_NOT_FOUND', secrets);
    }
    stub.route('/jwks', () => ({ body: stubJwks({ key_ops: ['verify'], use: 'sig' }) }));
    const { result } = await loginWith((nonce) => stub.idToken(CLIENT_ID, { nonce }));
    assert.equal((await result).claims?.sub, 'user-1');
  });

  it('accepts only the algorithms the provider advertises', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    stub.route('/jwks', () => ({
      body: { keys: [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec', alg: 'ES256' }] },
    }));
    const { result, secrets } = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce }, { kid: 'ec', key: ec.privateKey, alg: 'ES256' }),
    );
    // The discovery document advertises RS256 only.
    await rejectsWith(result, 'ERR_ID_TOKEN_INVALID', secrets);
  });

  it('refuses a token with the wrong nonce', async () => {
    const { result, secrets } = await loginWith(() =>
      stub.idToken(CLIENT_ID, { nonce: 'another-login' }),
    );
    const error = await rejectsWith(result, 'ERR_ID_TOKEN_INVALID', secrets);
    assert.match(error.message, /nonce/);
  });

  /** OpenID Connect Core §3.1.3.6: the left half of the access token's hash, base64url. */
  const atHash = (accessToken: string, bits = 256) =>
    createHash(`sha${bits}`)
      .update(accessToken)
      .digest()
      .subarray(0, bits / 16)
      .toString('base64url');

  it('refuses a token whose at_hash does not match the access token issued with it', async () => {
    const { result, secrets } = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce, at_hash: atHash('another-access-token') }),
    );
    const error = await rejectsWith(result, 'ERR_ID_TOKEN_INVALID', secrets);
    assert.match(error.message, /at_hash/);
  });

  it('accepts a token whose at_hash matches the access token, and one without at_hash', async () => {
    const matching = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce, at_hash: atHash('stub-access-token') }),
    );
    assert.equal((await matching.result).claims?.sub, 'user-1');
    const absent = await loginWith((nonce) => stub.idToken(CLIENT_ID, { nonce }));
    assert.equal((await absent.result).claims?.at_hash, undefined);
  });

  it('verifies PS256, ES384 and EdDSA tokens, with at_hash by the hash of each algorithm (SHA-512 for EdDSA)', async () => {
    const cases: Array<{
      alg: string;
      bits: number;
      pair: { publicKey: KeyObject; privateKey: KeyObject };
    }> = [
      { alg: 'PS256', bits: 256, pair: generateKeyPairSync('rsa', { modulusLength: 2048 }) },
      { alg: 'ES384', bits: 384, pair: generateKeyPairSync('ec', { namedCurve: 'P-384' }) },
      { alg: 'EdDSA', bits: 512, pair: generateKeyPairSync('ed25519') },
    ];
    stub.route('/jwks', () => ({
      body: {
        keys: cases.map(({ alg, pair }) => ({
          ...pair.publicKey.export({ format: 'jwk' }),
          kid: alg,
          alg,
        })),
      },
    }));
    const p = provider({ idTokenAlgorithms: ['PS256', 'ES384', 'EdDSA'] });
    for (const { alg, bits, pair } of cases) {
      const signed = (hash: string) => (nonce: string) =>
        stub.idToken(CLIENT_ID, { nonce, at_hash: hash }, { kid: alg, key: pair.privateKey, alg });
      const ok = await loginWith(signed(atHash('stub-access-token', bits)), p);
      assert.equal((await ok.result).claims?.sub, 'user-1', alg);
      const wrongHash = bits === 256 ? 512 : 256;
      const bad = await loginWith(signed(atHash('stub-access-token', wrongHash)), p);
      await rejectsWith(bad.result, 'ERR_ID_TOKEN_INVALID', bad.secrets);
    }
  });

  it('refuses a token signed with an algorithm its key does not declare (PS256 key, RS256 token)', async () => {
    stub.route('/jwks', () => ({
      body: {
        keys: [
          {
            ...createPublicKey(stub.signingKey).export({ format: 'jwk' }),
            kid: STUB_KID,
            alg: 'PS256',
          },
        ],
      },
    }));
    const { result, secrets } = await loginWith(
      (nonce) => stub.idToken(CLIENT_ID, { nonce }),
      provider({ idTokenAlgorithms: ['RS256', 'PS256'] }),
    );
    await rejectsWith(result, 'ERR_ID_TOKEN_SIGNATURE', secrets);
  });

  it('refuses a token for another audience', async () => {
    const { result, secrets } = await loginWith((nonce) =>
      stub.idToken('another-client', { nonce }),
    );
    const error = await rejectsWith(result, 'ERR_ID_TOKEN_INVALID', secrets);
    assert.match(error.message, /aud/);
  });

  it('refuses several audiences without azp, and an azp naming another client', async () => {
    const noAzp = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce, aud: [CLIENT_ID, 'other'] }),
    );
    assert.match((await rejectsWith(noAzp.result, 'ERR_ID_TOKEN_INVALID')).message, /azp/);
    const otherAzp = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce, aud: [CLIENT_ID, 'other'], azp: 'other' }),
    );
    assert.match((await rejectsWith(otherAzp.result, 'ERR_ID_TOKEN_INVALID')).message, /azp/);
    const ok = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce, aud: [CLIENT_ID, 'other'], azp: CLIENT_ID }),
    );
    assert.equal((await ok.result).claims?.azp, CLIENT_ID);
  });

  it('refuses a token from another issuer', async () => {
    const { result, secrets } = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce, iss: 'https://evil.example' }),
    );
    await rejectsWith(result, 'ERR_ID_TOKEN_INVALID', secrets);
  });

  it('allows 30 s of clock skew by default, and no more', async () => {
    const now = Math.floor(Date.now() / 1000);
    const iat = now - 600;
    const skewed = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce, iat, exp: now - 20 }),
    );
    assert.equal((await skewed.result).claims?.sub, 'user-1');
    const expired = await loginWith((nonce) =>
      stub.idToken(CLIENT_ID, { nonce, iat, exp: now - 40 }),
    );
    await rejectsWith(expired.result, 'ERR_ID_TOKEN_EXPIRED', expired.secrets);
    const tolerant = await loginWith(
      (nonce) => stub.idToken(CLIENT_ID, { nonce, iat, exp: now - 40 }),
      provider({ clockToleranceSec: 60 }),
    );
    assert.equal((await tolerant.result).claims?.sub, 'user-1');
  });

  it('refuses a token whose signature does not verify', async () => {
    const { result, secrets } = await loginWith(async (nonce) => {
      const token = await stub.idToken(CLIENT_ID, { nonce });
      const [header, , signature] = token.split('.');
      const claims = Buffer.from(
        JSON.stringify({ iss: stub.issuer, sub: 'admin', aud: CLIENT_ID, nonce, iat: 1, exp: 4e9 }),
      ).toString('base64url');
      return `${header}.${claims}.${signature}`;
    });
    await rejectsWith(result, 'ERR_ID_TOKEN_SIGNATURE', secrets);
  });

  it('never accepts an unsigned (alg none) token', async () => {
    const { result, secrets } = await loginWith(
      async (nonce) => {
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${part({ alg: 'none' })}.${part({ iss: stub.issuer, sub: 'u', aud: CLIENT_ID, nonce, iat: now, exp: now + 60 })}.`;
      },
      provider({ idTokenAlgorithms: ['RS256'] }),
    );
    await rejectsWith(result, 'ERR_ID_TOKEN_INVALID', secrets);
  });

  it('refuses HS256 tokens unless HS256 is configured, then verifies them with the client secret', async () => {
    const secret = new TextEncoder().encode(CLIENT_SECRET);
    const hmacToken = (nonce: string) =>
      stub.idToken(CLIENT_ID, { nonce }, { alg: 'HS256', key: secret });
    const refused = await loginWith(hmacToken);
    await rejectsWith(refused.result, 'ERR_ID_TOKEN_INVALID', refused.secrets);
    const accepted = await loginWith(hmacToken, provider({ idTokenAlgorithms: ['HS256'] }));
    assert.equal((await accepted.result).claims?.sub, 'user-1');
    assert.equal(stub.requests.filter((r) => r.path === '/jwks').length, 0);
  });

  it('requires an ID token when openid was requested', async () => {
    const p = provider();
    const redirect = await p.authorizationRedirect({ redirectUri: REDIRECT_URI, scope: 'openid' });
    stub.route('/token', () => ({
      body: { access_token: 'stub-access-token', token_type: 'Bearer' },
    }));
    const callback = `${REDIRECT_URI}?code=stub-code&state=${redirect.state}`;
    await rejectsWith(p.handleCallback(callback, redirect), 'ERR_ID_TOKEN_INVALID', [
      'stub-access-token',
    ]);
  });
});
