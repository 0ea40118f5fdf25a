// The emulator checked against the protocol itself: plain fetch, jose and node:crypto only.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  importSPKI,
  jwtVerify,
  SignJWT,
  type JWTHeaderParameters,
  type JWTPayload,
} from 'jose';
import { startEmulator, type Emulator, type ServiceAccountKeyJson } from '../src/testing/index.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const GOOGLE_ISSUER = 'https://accounts.google.com';

interface TokenBody {
  access_token?: string;
  expires_in?: number;
  token_type?: string;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

interface EchoBody {
  ok?: boolean;
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  principal?: string;
  scopes?: string[];
  quotaProject?: string | null;
  userAgent?: string | null;
  body?: string | null;
  kind?: string;
  files?: unknown[];
  error?: { code: number; message: string; status: string };
}

interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
}

async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Reply<TokenBody>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as TokenBody };
}

async function callEcho(
  url: string,
  token: string | undefined,
  init: RequestInit = {},
): Promise<Reply<EchoBody>> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(url, { ...init, headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as EchoBody };
}

const nowSec = (): number => Math.floor(Date.now() / 1000);

/** A JWT signed with the service account's key (or `signWith`), Google's assertion by default. */
function signJwt(
  key: ServiceAccountKeyJson,
  claims: JWTPayload,
  header: Partial<JWTHeaderParameters> = {},
  signWith = key.private_key,
): Promise<string> {
  const privateKey = createPrivateKey(signWith);
  const alg = privateKey.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  return new SignJWT({ iss: key.client_email, iat: nowSec(), exp: nowSec() + 3600, ...claims })
    .setProtectedHeader({ alg, kid: key.private_key_id, typ: 'JWT', ...header })
    .sign(privateKey);
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function elapsedSince(start: number): number {
  return performance.now() - start;
}

describe('emulator', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());
  afterEach(() => {
    emulator.clearFaults();
    emulator.setLatency(0);
    emulator.setTokenLifetime(3600);
  });

  const assertionFor = (key: ServiceAccountKeyJson, claims: JWTPayload = {}) =>
    signJwt(key, { aud: emulator.tokenUrl, scope: SCOPE, ...claims });

  const exchange = async (assertion: string) =>
    postForm(emulator.tokenUrl, { grant_type: JWT_BEARER, assertion });

  const refreshUser = (form: Record<string, string> = {}) =>
    postForm(emulator.tokenUrl, {
      grant_type: 'refresh_token',
      client_id: emulator.authorizedUser.client_id,
      client_secret: emulator.authorizedUser.client_secret,
      refresh_token: emulator.authorizedUser.refresh_token,
      ...form,
    });

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

  describe('refresh-token grant', () => {
    it('returns an access token, the granted scopes and a verifiable ID token', async () => {
      const reply = await refreshUser();
      assert.equal(reply.status, 200);
      assert.match(reply.body.access_token ?? '', /^ya29\./);
      assert.equal(reply.body.token_type, 'Bearer');
      assert.equal(reply.body.expires_in, 3600);
      assert.deepEqual(reply.body.scope?.split(' ').sort(), [
        'https://www.googleapis.com/auth/cloud-platform',
        'https://www.googleapis.com/auth/userinfo.email',
        'openid',
      ]);
      assert.equal(reply.body.refresh_token, undefined);
      const clientId = emulator.authorizedUser.client_id;
      const { payload } = await jwtVerify(
        reply.body.id_token ?? '',
        createRemoteJWKSet(new URL(emulator.jwksUrl)),
        { issuer: GOOGLE_ISSUER, audience: clientId },
      );
      assert.equal(payload.azp, clientId);
      assert.match(String(payload.sub), /^\d{21}$/);
      assert.match(String(payload.email), /@example\.com$/);
      const digest = createHash('sha256')
        .update(reply.body.access_token ?? '')
        .digest();
      assert.equal(payload.at_hash, digest.subarray(0, 16).toString('base64url'));
      const echo = await callEcho(emulator.echoUrl, reply.body.access_token);
      assert.equal(echo.body.principal, payload.email);
    });

    it('authenticates the client with HTTP Basic as well', async () => {
      const { client_id, client_secret, refresh_token } = emulator.authorizedUser;
      const basic = Buffer.from(
        `${encodeURIComponent(client_id)}:${encodeURIComponent(client_secret)}`,
      ).toString('base64');
      const reply = await postForm(
        emulator.tokenUrl,
        { grant_type: 'refresh_token', refresh_token },
        { authorization: `Basic ${basic}` },
      );
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
    });

    it('rejects a wrong client secret with 401 invalid_client', async () => {
      const reply = await refreshUser({ client_secret: 'wrong' });
      assert.equal(reply.status, 401);
      assert.equal(reply.body.error, 'invalid_client');
      assert.equal(reply.body.error_description, 'Unauthorized');
    });

    it('rejects an unknown client with 401 invalid_client', async () => {
      const reply = await refreshUser({ client_id: 'nope.apps.googleusercontent.com' });
      assert.equal(reply.status, 401);
      assert.equal(reply.body.error, 'invalid_client');
      assert.equal(reply.body.error_description, 'The OAuth client was not found.');
    });

    it("rejects another client's refresh token with unauthorized_client", async () => {
      const other = emulator.createUser();
      const reply = await refreshUser({ refresh_token: other.refresh_token });
      assert.equal(reply.status, 401);
      assert.equal(reply.body.error, 'unauthorized_client');
    });

    it('rejects a revoked refresh token, and the access tokens it produced stop working', async () => {
      const user = emulator.createUser();
      const form = {
        grant_type: 'refresh_token',
        client_id: user.client_id,
        client_secret: user.client_secret,
        refresh_token: user.refresh_token,
      };
      const first = await postForm(emulator.tokenUrl, form);
      emulator.revokeToken(user.refresh_token);
      const reply = await postForm(emulator.tokenUrl, form);
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error, 'invalid_grant');
      assert.equal(reply.body.error_description, 'Token has been expired or revoked.');
      assert.equal((await callEcho(emulator.echoUrl, first.body.access_token)).status, 401);
    });

    it('revoking an access token revokes its refresh token too', async () => {
      const user = emulator.createUser();
      const form = {
        grant_type: 'refresh_token',
        client_id: user.client_id,
        client_secret: user.client_secret,
        refresh_token: user.refresh_token,
      };
      const first = await postForm(emulator.tokenUrl, form);
      emulator.revokeToken(first.body.access_token ?? '');
      assert.equal((await postForm(emulator.tokenUrl, form)).body.error, 'invalid_grant');
      assert.throws(() => emulator.revokeToken('ya29.never-issued'), /never issued/);
    });

    it('downscopes to a subset of the granted scopes', async () => {
      const reply = await refreshUser({ scope: SCOPE });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.scope, SCOPE);
      assert.equal(reply.body.id_token, undefined);
      const echo = await callEcho(emulator.echoUrl, reply.body.access_token);
      assert.deepEqual(echo.body.scopes, [SCOPE]);
    });

    it('refuses scopes beyond the grant with invalid_scope', async () => {
      const reply = await refreshUser({ scope: `${SCOPE} https://www.googleapis.com/auth/drive` });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error, 'invalid_scope');
      assert.match(reply.body.error_description ?? '', /auth\/drive/);
    });

    it('omits the ID token when the grant lacks openid, and email without an email scope', async () => {
      const noOpenId = emulator.createUser({ scopes: [SCOPE] });
      const reply = await postForm(emulator.tokenUrl, {
        grant_type: 'refresh_token',
        client_id: noOpenId.client_id,
        client_secret: noOpenId.client_secret,
        refresh_token: noOpenId.refresh_token,
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.id_token, undefined);
      const openIdOnly = emulator.createUser({ scopes: ['openid'] });
      const withId = await postForm(emulator.tokenUrl, {
        grant_type: 'refresh_token',
        client_id: openIdOnly.client_id,
        client_secret: openIdOnly.client_secret,
        refresh_token: openIdOnly.refresh_token,
      });
      const claims = decodeJwt(withId.body.id_token ?? '');
      assert.equal(claims.aud, openIdOnly.client_id);
      assert.equal(claims.email, undefined);
    });

    it('rotates refresh tokens when rotateRefreshTokens is set', async () => {
      const rotating = await startEmulator({ rotateRefreshTokens: true });
      try {
        const { client_id, client_secret, refresh_token } = rotating.authorizedUser;
        const form = { grant_type: 'refresh_token', client_id, client_secret };
        const first = await postForm(rotating.tokenUrl, { ...form, refresh_token });
        assert.equal(first.status, 200);
        assert.ok(first.body.refresh_token);
        assert.notEqual(first.body.refresh_token, refresh_token);
        const reused = await postForm(rotating.tokenUrl, { ...form, refresh_token });
        assert.equal(reused.body.error, 'invalid_grant');
        const next = await postForm(rotating.tokenUrl, {
          ...form,
          refresh_token: first.body.refresh_token ?? '',
        });
        assert.equal(next.status, 200);
      } finally {
        await rotating.stop();
      }
    });
  });

  describe('authorization-code grant', () => {
    const redirectUri = 'http://127.0.0.1:8765/callback';
    const issueCode = (challenge?: string) =>
      emulator.state.issueAuthorizationCode({
        clientId: emulator.authorizedUser.client_id,
        redirectUri,
        scopes: ['openid', 'email', SCOPE],
        codeChallenge: challenge,
        codeChallengeMethod: challenge === undefined ? undefined : 'S256',
        userEmail: 'carol@example.com',
      });
    const redeem = (code: string, extra: Record<string, string> = {}) =>
      postForm(emulator.tokenUrl, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: emulator.authorizedUser.client_id,
        client_secret: emulator.authorizedUser.client_secret,
        ...extra,
      });

    it('exchanges a code and the right PKCE S256 verifier for tokens', async () => {
      const { verifier, challenge } = pkce();
      const reply = await redeem(issueCode(challenge), { code_verifier: verifier });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.match(reply.body.access_token ?? '', /^ya29\./);
      assert.equal(reply.body.scope, `openid email ${SCOPE}`);
      assert.equal(decodeJwt(reply.body.id_token ?? '').email, 'carol@example.com');
      const refreshed = await refreshUser({ refresh_token: reply.body.refresh_token ?? '' });
      assert.equal(refreshed.status, 200);
      const echo = await callEcho(emulator.echoUrl, refreshed.body.access_token);
      assert.equal(echo.body.principal, 'carol@example.com');
    });

    it('rejects a wrong verifier', async () => {
      const reply = await redeem(issueCode(pkce().challenge), { code_verifier: pkce().verifier });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error, 'invalid_grant');
      assert.equal(reply.body.error_description, 'Invalid code verifier.');
    });

    it('rejects a missing verifier when the code has a challenge', async () => {
      const reply = await redeem(issueCode(pkce().challenge));
      assert.equal(reply.body.error, 'invalid_grant');
      assert.equal(reply.body.error_description, 'Missing code verifier.');
    });

    it('rejects a reused code', async () => {
      const { verifier, challenge } = pkce();
      const code = issueCode(challenge);
      assert.equal((await redeem(code, { code_verifier: verifier })).status, 200);
      const again = await redeem(code, { code_verifier: verifier });
      assert.equal(again.status, 400);
      assert.equal(again.body.error, 'invalid_grant');
    });

    it('rejects a redirect_uri other than the authorized one', async () => {
      const reply = await redeem(issueCode(), { redirect_uri: 'http://127.0.0.1:9999/other' });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error, 'redirect_uri_mismatch');
    });
  });

  describe('other grants and requests', () => {
    it('issues client_credentials tokens echoing the scope', async () => {
      const { client_id, client_secret } = emulator.authorizedUser;
      const reply = await postForm(emulator.tokenUrl, {
        grant_type: 'client_credentials',
        client_id,
        client_secret,
        scope: SCOPE,
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.scope, SCOPE);
      const echo = await callEcho(emulator.echoUrl, reply.body.access_token);
      assert.equal(echo.body.principal, client_id);
    });

    it('answers an unknown grant_type with unsupported_grant_type', async () => {
      const reply = await postForm(emulator.tokenUrl, { grant_type: 'password' });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error, 'unsupported_grant_type');
      assert.equal(reply.body.error_description, 'Invalid grant_type: password');
    });

    it('requires a form-encoded body', async () => {
      const res = await fetch(emulator.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as TokenBody).error, 'invalid_request');
    });

    it('refuses a repeated parameter in an otherwise valid request', async () => {
      const { client_id, client_secret } = emulator.authorizedUser;
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id,
        client_secret,
      });
      form.append('scope', 'a');
      form.append('scope', 'b');
      const res = await fetch(emulator.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as TokenBody;
      assert.equal(body.error, 'invalid_request');
      assert.match(body.error_description ?? '', /scope is repeated/);
    });

    it('answers GET /token with 405 and unknown paths with 404', async () => {
      const get = await fetch(emulator.tokenUrl);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
      const missing = await fetch(`${emulator.url}/nowhere`);
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as EchoBody).error?.status, 'NOT_FOUND');
    });
  });

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

  describe('faults and latency', () => {
    it('answers a status fault with OAuth error JSON and the given headers, then recovers', async () => {
      emulator.fail('token', { status: 503, headers: { 'retry-after': '1' } });
      const failed = await refreshUser();
      assert.equal(failed.status, 503);
      assert.equal(failed.headers.get('retry-after'), '1');
      assert.equal(failed.body.error, 'temporarily_unavailable');
      assert.equal((await refreshUser()).status, 200);
    });

    it('answers a status fault on an API route with Google API error JSON', async () => {
      emulator.fail('echo', { status: 500 });
      const reply = await callEcho(emulator.echoUrl, 'whatever');
      assert.equal(reply.status, 500);
      assert.deepEqual(reply.body.error, {
        code: 500,
        message: 'Internal Server Error',
        status: 'INTERNAL',
      });
    });

    it('applies a fault to `count` requests in a row', async () => {
      emulator.fail('token', { status: 429, count: 2 });
      assert.equal((await refreshUser()).status, 429);
      assert.equal((await refreshUser()).status, 429);
      assert.equal((await refreshUser()).status, 200);
    });

    it('sends a raw body fault with status 200', async () => {
      emulator.fail('token', { body: 'not json' });
      const res = await fetch(emulator.tokenUrl, { method: 'POST' });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'not json');
      emulator.fail('token', { body: '{}' });
      assert.deepEqual((await refreshUser()).body, {});
    });

    it('delays a request by delayMs and then handles it normally', async () => {
      emulator.fail('token', { delayMs: 300 });
      const start = performance.now();
      const reply = await refreshUser();
      assert.ok(elapsedSince(start) >= 290, `took ${elapsedSince(start)} ms`);
      assert.equal(reply.status, 200);
    });

    it('adds headers to a normal response when the fault only has headers', async () => {
      emulator.fail('jwks', { headers: { 'x-fault': 'yes' } });
      const res = await fetch(emulator.jwksUrl);
      assert.equal(res.headers.get('x-fault'), 'yes');
      assert.ok(((await res.json()) as { keys: unknown[] }).keys.length > 0);
    });

    it('resets the connection mid-body: headers arrive, reading the body fails', async () => {
      emulator.fail('token', { reset: true });
      const res = await fetch(emulator.tokenUrl, { method: 'POST' });
      assert.equal(res.status, 200);
      await assert.rejects(res.text());
      assert.equal((await refreshUser()).status, 200);
    });

    it('hangs a request until the client gives up', async () => {
      emulator.fail('certs', { hang: true });
      await assert.rejects(
        fetch(emulator.certsUrl, { signal: AbortSignal.timeout(200) }),
        (error: Error) => error.name === 'TimeoutError',
      );
      assert.equal((await fetch(emulator.certsUrl)).status, 200);
    });

    it('adds latencyMs before every response', async () => {
      emulator.setLatency(200);
      const start = performance.now();
      await fetch(emulator.jwksUrl);
      assert.ok(elapsedSince(start) >= 190, `took ${elapsedSince(start)} ms`);
    });

    it('rejects a fault for an unknown route and a non-positive count', () => {
      assert.throws(() => emulator.fail('tokne', { status: 500 }), /no route named 'tokne'/);
      assert.throws(() => emulator.fail('token', { status: 500, count: 0 }), /positive integer/);
    });

    it('drops queued faults on clearFaults', async () => {
      emulator.fail('jwks', { status: 500, count: 5 });
      emulator.clearFaults();
      assert.equal((await fetch(emulator.jwksUrl)).status, 200);
    });
  });

  describe('hit counters', () => {
    it('read 0 for every route before any request and count faulted requests too', async () => {
      const fresh = await startEmulator();
      try {
        assert.deepEqual(
          {
            token: fresh.hits.token,
            certs: fresh.hits.certs,
            jwks: fresh.hits.jwks,
            echo: fresh.hits.echo,
          },
          { token: 0, certs: 0, jwks: 0, echo: 0 },
        );
        fresh.fail('jwks', { status: 500 });
        await fetch(fresh.jwksUrl);
        await fetch(fresh.jwksUrl);
        await fetch(fresh.certsUrl);
        await fetch(fresh.echoUrl);
        assert.equal(fresh.hits.jwks, 2);
        assert.equal(fresh.hits.certs, 1);
        assert.equal(fresh.hits.echo, 1);
        assert.equal(fresh.hits.token, 0);
        fresh.resetHits();
        assert.equal(fresh.hits.jwks, 0);
      } finally {
        await fresh.stop();
      }
    });
  });

  describe('stop', () => {
    it('closes hanging connections, is idempotent, and frees the port', async () => {
      const doomed = await startEmulator();
      try {
        doomed.fail('echo', { hang: true });
        const outcome = fetch(doomed.echoUrl).then(
          () => 'answered',
          (error: unknown) => error,
        );
        const deadline = performance.now() + 2000;
        while (doomed.hits.echo === 0 && performance.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        assert.equal(doomed.hits.echo, 1);
        const start = performance.now();
        await Promise.all([doomed.stop(), doomed.stop()]);
        assert.ok((await outcome) instanceof Error);
        assert.ok(elapsedSince(start) < 1000, `stop took ${elapsedSince(start)} ms`);
        await doomed.stop();
        await assert.rejects(fetch(doomed.jwksUrl));
      } finally {
        await doomed.stop();
      }
    });
  });
});
