// The emulator's user grants (refresh token, authorization code) and the token endpoint's other
// grants and request checks, against the protocol itself.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startEmulator, type Emulator } from '../src/testing/index.js';
import {
  callEcho,
  GOOGLE_ISSUER,
  pkce,
  postForm,
  resetEmulator,
  SCOPE,
  tokenEndpointCalls,
  type EchoBody,
  type TokenBody,
} from './support/emulator-protocol.js';

describe('emulator', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());
  afterEach(() => resetEmulator(emulator));

  const { refreshUser } = tokenEndpointCalls(() => emulator);

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
});
