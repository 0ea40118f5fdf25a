import assert from 'node:assert/strict';
import { revoke } from '../src/flows/revoke.js';
import { parseTokenInfoResponse, tokenInfo } from '../src/flows/token-info.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { assertNoSecrets, caught } from './support/login.js';

describe('revoke and tokenInfo against the emulator', () => {
  const emulator = useEmulator();
  const urls = () => ({
    revokeUrl: `${emulator.current.url}/revoke`,
    tokenInfoUrl: `${emulator.current.url}/tokeninfo`,
    http: FAST_HTTP,
  });

  function user() {
    return UserCredentials.fromJson(
      emulator.current.createUser({
        scopes: [
          'openid',
          'https://www.googleapis.com/auth/userinfo.email',
          'https://www.googleapis.com/auth/cloud-platform',
        ],
      }),
    );
  }

  it('describes an access token: scopes, lifetime, client and email', async () => {
    const credentials = user();
    const token = await credentials.getAccessToken();
    const info = await tokenInfo(token, urls());
    assert.deepEqual(info.scopes, [
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/cloud-platform',
    ]);
    assert.equal(info.audience, credentials.clientId);
    assert.match(info.email!, /@example\.com$/);
    assert.equal(info.emailVerified, true);
    assert.ok(info.expiresIn > 3500 && info.expiresIn <= 3600);
    assert.ok(info.expiresAt instanceof Date);
    assert.equal(info.accessType, 'offline');
    assert.ok(!JSON.stringify(info).includes(token), 'the answer does not repeat the token');
  });

  it('revokes a refresh token, which ends its access tokens too', async () => {
    const credentials = user();
    const token = await credentials.getAccessToken();
    await revoke(credentials.refreshToken, urls());
    const error = await caught(tokenInfo(token, urls()));
    assert.equal(error.code, 'ERR_OAUTH');
    assert.equal((error as { error?: string }).error, 'invalid_token');
    assertNoSecrets(error, [token]);
    const refreshError = await caught(credentials.refresh());
    assert.equal(refreshError.code, 'ERR_INVALID_GRANT');
  });

  it('reports revoking an unknown token as invalid_token, without the token', async () => {
    const error = await caught(revoke('1//0not-a-real-refresh-token', urls()));
    assert.equal(error.code, 'ERR_OAUTH');
    assert.equal((error as { error?: string }).error, 'invalid_token');
    assertNoSecrets(error, ['1//0not-a-real-refresh-token']);
  });

  it('sends the token in the body, never in the URL', async () => {
    let seen: { url: string; body: string } | undefined;
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { url: req.url ?? '', body };
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      await revoke('ya29.secret-access', { revokeUrl: `http://127.0.0.1:${port}/revoke` });
      assert.equal(seen?.url, '/revoke');
      assert.equal(seen?.body, 'token=ya29.secret-access');
    } finally {
      server.close();
    }
  });
});

describe('parseTokenInfoResponse', () => {
  const answer = (body: string, status = 200) => ({ status, headers: new Headers(), body });

  it("reads Google's string numbers", () => {
    const info = parseTokenInfoResponse(
      answer(
        '{"aud":"a","azp":"a","scope":"x y","exp":"1700000000","expires_in":"42","email_verified":"false"}',
      ),
      'https://t.test/tokeninfo',
    );
    assert.deepEqual(info.scopes, ['x', 'y']);
    assert.equal(info.expiresIn, 42);
    assert.equal(info.expiresAt?.getTime(), 1_700_000_000_000);
    assert.equal(info.emailVerified, false);
  });

  it('leaves out an exp that makes no valid date, and refuses a negative or absurd expires_in', () => {
    for (const exp of ['1e300', '-5', '0', 'soon', '"x"']) {
      const info = parseTokenInfoResponse(
        answer(`{"aud":"a","exp":${JSON.stringify(exp)},"expires_in":"42"}`),
        'https://t.test/tokeninfo',
      );
      assert.equal(info.expiresAt, undefined, `exp ${exp}`);
    }
    for (const expiresIn of ['-1', '"1e400"', '"soon"']) {
      assert.throws(
        () =>
          parseTokenInfoResponse(
            answer(`{"aud":"a","expires_in":${expiresIn}}`),
            'https://t.test/tokeninfo',
          ),
        { code: 'ERR_TOKEN_RESPONSE' },
        `expires_in ${expiresIn}`,
      );
    }
  });

  it('rejects an answer without aud or expires_in as ERR_TOKEN_RESPONSE', () => {
    assert.throws(
      () => parseTokenInfoResponse(answer('{"scope":"x"}'), 'https://t.test/tokeninfo'),
      {
        code: 'ERR_TOKEN_RESPONSE',
      },
    );
    assert.throws(() => parseTokenInfoResponse(answer('not json'), 'https://t.test/tokeninfo'), {
      code: 'ERR_TOKEN_RESPONSE',
    });
  });
});
