import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Flow } from '../src/flows/flow.js';
import { parseClientSecrets } from '../src/flows/client-secrets.js';
import { codeChallengeS256 } from '../src/oauth/pkce.js';
import { compileForChild } from './support/compile-for-child.js';
import { useEmulator } from './support/emulator.js';
import { assertNoSecrets, caught, emulatorClient, redirectFor } from './support/login.js';

const SCOPES = ['openid', 'https://www.googleapis.com/auth/userinfo.email'];
const REDIRECT = 'https://app.example.test/oauth2callback';

describe('client secrets files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warrant-secrets-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads an installed client and fills in Google endpoints it leaves out', () => {
    const config = parseClientSecrets({
      installed: { client_id: 'id.apps', client_secret: 's3', redirect_uris: ['http://localhost'] },
    });
    assert.deepEqual(config, {
      kind: 'installed',
      clientId: 'id.apps',
      clientSecret: 's3',
      authUri: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUri: 'https://oauth2.googleapis.com/token',
      redirectUris: ['http://localhost'],
      revokeUri: undefined,
      tokenInfoUri: undefined,
      deviceAuthorizationUri: undefined,
      projectId: undefined,
    });
  });

  it('reads a web client with its own endpoints', () => {
    const config = parseClientSecrets({
      web: {
        client_id: 'web.apps',
        client_secret: 'web-secret',
        auth_uri: 'https://auth.example.test/auth',
        token_uri: 'https://auth.example.test/token',
        project_id: 'p',
      },
    });
    assert.equal(config.kind, 'web');
    assert.equal(config.authUri, 'https://auth.example.test/auth');
    assert.equal(config.tokenUri, 'https://auth.example.test/token');
    assert.equal(config.projectId, 'p');
  });

  it('names the file and the field when client_id is missing', async () => {
    const path = join(dir, 'no-id.json');
    await writeFile(path, JSON.stringify({ installed: { client_secret: 'GOCSPX-hidden' } }));
    const error = await caught(Flow.fromClientSecretsFile(path, { scopes: SCOPES }));
    assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
    assert.match(error.message, /no-id\.json/);
    assert.match(error.message, /client_id is missing/);
    assert.equal((error as { field?: string }).field, 'client_id');
    assertNoSecrets(error, ['GOCSPX-hidden']);
  });

  it('requires a client_secret for a web client', () => {
    const error = (() => {
      try {
        parseClientSecrets({ web: { client_id: 'web.apps' } }, 'web.json');
      } catch (e) {
        return e as Error & { code?: string; field?: string };
      }
      assert.fail('expected a failure');
    })();
    assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
    assert.equal(error.field, 'client_secret');
    assert.match(error.message, /web\.json/);
  });

  it('explains that a service account key is not a client secrets file', async () => {
    const path = join(dir, 'sa.json');
    await writeFile(
      path,
      JSON.stringify({
        type: 'service_account',
        private_key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
      }),
    );
    const error = await caught(Flow.fromClientSecretsFile(path, { scopes: SCOPES }));
    assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
    assert.match(error.message, /"installed" or "web"/);
    assert.match(error.message, /service_account/);
    assertNoSecrets(error, ['BEGIN PRIVATE KEY']);
  });

  it('reports a missing file and malformed JSON by path', async () => {
    assert.equal(
      (await caught(Flow.fromClientSecretsFile(join(dir, 'nope.json'), { scopes: SCOPES }))).code,
      'ERR_INVALID_CREDENTIALS',
    );
    const path = join(dir, 'bad.json');
    await writeFile(path, '{"installed": {');
    const error = await caught(Flow.fromClientSecretsFile(path, { scopes: SCOPES }));
    assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
    assert.match(error.message, /bad\.json/);
  });

  it('rejects redirect_uris that are not a list of strings', () => {
    assert.throws(
      () =>
        parseClientSecrets({ installed: { client_id: 'x', redirect_uris: 'http://localhost' } }),
      { code: 'ERR_INVALID_CREDENTIALS', field: 'redirect_uris' },
    );
  });
});

describe('Flow.authorizationUrl', () => {
  const flow = new Flow({
    clientId: 'id.apps',
    clientSecret: 'GOCSPX-never-in-url',
    scopes: SCOPES,
    redirectUri: REDIRECT,
    authUri: 'https://auth.example.test/o/oauth2/v2/auth?hl=en',
  });

  it('asks for a code with PKCE S256, a fresh state, offline access and the scopes', () => {
    const request = flow.authorizationUrl();
    const url = new URL(request.url);
    assert.equal(url.origin + url.pathname, 'https://auth.example.test/o/oauth2/v2/auth');
    const q = url.searchParams;
    assert.equal(q.get('hl'), 'en');
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), 'id.apps');
    assert.equal(q.get('redirect_uri'), REDIRECT);
    assert.equal(q.get('scope'), SCOPES.join(' '));
    assert.equal(q.get('state'), request.state);
    assert.equal(q.get('access_type'), 'offline');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('code_challenge'), codeChallengeS256(request.codeVerifier!));
    assert.ok(!request.url.includes('GOCSPX'), 'the client secret stays out of the URL');
    assert.ok(!request.url.includes(request.codeVerifier!), 'the verifier stays out of the URL');
  });

  it('makes verifiers of 43-128 unreserved characters and never reuses state or verifier', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { state, codeVerifier } = flow.authorizationUrl();
      assert.match(codeVerifier!, /^[A-Za-z0-9\-._~]{43,128}$/);
      assert.ok(state.length >= 22);
      assert.ok(!seen.has(state) && !seen.has(codeVerifier!));
      seen.add(state).add(codeVerifier!);
    }
  });

  it('passes prompt, login hint, incremental scopes and extra parameters', () => {
    const q = new URL(
      flow.authorizationUrl({
        prompt: 'consent',
        loginHint: 'ada@example.com',
        includeGrantedScopes: true,
        accessType: 'online',
        extraParams: { hd: 'example.com', access_type: 'ignored' },
      }).url,
    ).searchParams;
    assert.equal(q.get('prompt'), 'consent');
    assert.equal(q.get('login_hint'), 'ada@example.com');
    assert.equal(q.get('include_granted_scopes'), 'true');
    assert.equal(q.get('hd'), 'example.com');
    assert.equal(q.get('access_type'), 'online');
  });

  it('leaves PKCE out when turned off', () => {
    const plain = new Flow({ clientId: 'id', scopes: 'email', redirectUri: REDIRECT, pkce: false });
    const request = plain.authorizationUrl();
    assert.equal(request.codeVerifier, undefined);
    assert.equal(new URL(request.url).searchParams.get('code_challenge'), null);
  });

  it('refuses to build a URL without a redirect URI or without scopes', () => {
    const noRedirect = new Flow({ clientId: 'id', scopes: 'email' });
    assert.throws(() => noRedirect.authorizationUrl(), { code: 'ERR_INVALID_OPTIONS' });
    assert.throws(() => new Flow({ clientId: 'id', scopes: [] }), { code: 'ERR_INVALID_OPTIONS' });
  });

  it('keeps the client secret out of its JSON and inspect forms', () => {
    assert.ok(!JSON.stringify(flow).includes('GOCSPX'));
  });
});

describe('Flow.fetchToken against the emulator', () => {
  const emulator = useEmulator();

  function webFlow() {
    const { secrets, section } = emulatorClient(emulator.current, 'web');
    const flow = Flow.fromClientConfig(secrets, { scopes: SCOPES, redirectUri: REDIRECT });
    return { flow, secrets, section };
  }

  it('exchanges the code for credentials that call the API, holding the issued token', async () => {
    const { flow, section } = webFlow();
    const request = flow.authorizationUrl();
    const response = await redirectFor(request.url, 'approve');
    assert.ok(response.startsWith(REDIRECT));
    const credentials = await flow.fetchToken(
      { authorizationResponse: response },
      { state: request.state, codeVerifier: request.codeVerifier },
    );
    assert.equal(credentials.clientId, section.client_id);
    assert.deepEqual([...credentials.scopes], SCOPES);
    assert.equal(credentials.toJson().account, 'user@example.com');
    assert.ok(credentials.valid, 'the issued access token is held');
    const tokenHits = emulator.current.hits.token;
    const echo = await fetch(emulator.current.echoUrl, {
      headers: await credentials.getRequestHeaders(),
    });
    assert.equal(echo.status, 200);
    assert.equal(((await echo.json()) as { principal: string }).principal, 'user@example.com');
    assert.equal(emulator.current.hits.token, tokenHits, 'no refresh right after login');
  });

  it('completes in a Flow rebuilt from the saved state and verifier (a restarted web server)', async () => {
    const { flow, secrets } = webFlow();
    const saved = JSON.parse(JSON.stringify(flow.authorizationUrl())) as {
      url: string;
      state: string;
      codeVerifier: string;
    };
    const response = await redirectFor(saved.url, 'approve');
    const restarted = Flow.fromClientConfig(JSON.parse(JSON.stringify(secrets)), {
      scopes: SCOPES,
      redirectUri: REDIRECT,
    });
    const credentials = await restarted.fetchToken(
      { authorizationResponse: new URL(response) },
      { state: saved.state, codeVerifier: saved.codeVerifier },
    );
    assert.ok(await credentials.getAccessToken());
  });

  it('completes in a new process, from the secrets file and the saved state and verifier', async () => {
    const { flow, secrets } = webFlow();
    const dir = await mkdtemp(join(tmpdir(), 'warrant-web-'));
    try {
      const secretsFile = join(dir, 'client_secret.json');
      await writeFile(secretsFile, JSON.stringify(secrets));
      const script = await compileForChild('test/support/finish-login.ts', join(dir, 'compiled'));
      const { state, codeVerifier, url } = flow.authorizationUrl();
      const response = await redirectFor(url, 'approve');
      const finish = (responseUrl: string) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          execFile(
            process.execPath,
            [script, secretsFile, REDIRECT, state, codeVerifier!, responseUrl],
            (error, stdout) =>
              error ? reject(error) : resolve(JSON.parse(stdout) as Record<string, unknown>),
          );
        });
      assert.deepEqual(await finish(response), {
        account: 'user@example.com',
        scopes: SCOPES,
        valid: true,
      });
      assert.deepEqual(await finish(response), { error: 'ERR_INVALID_GRANT' }, 'a code works once');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a token response whose token_type is missing or not Bearer, and takes bearer in any case', async () => {
    const { flow, section } = webFlow();
    const answer = (tokenType: string | undefined) =>
      emulator.current.fail('token', {
        status: 200,
        body: JSON.stringify({
          access_token: 'ya29.typed-token',
          refresh_token: '1//typed-refresh',
          expires_in: 3600,
          token_type: tokenType,
        }),
      });
    const { codeVerifier } = flow.authorizationUrl();
    for (const tokenType of [undefined, 'mac', 'DPoP', 'N_A', 'Bearer\u001b[2J']) {
      answer(tokenType);
      const error = await caught(flow.fetchToken({ code: 'any-code' }, { codeVerifier }));
      assert.equal(error.code, 'ERR_TOKEN_RESPONSE', error.message);
      assert.ok(!error.message.includes('\u001b'), 'the escape is not echoed raw');
      assertNoSecrets(error, ['ya29.typed-token', '1//typed-refresh', section.client_secret]);
    }
    answer('bEaReR');
    const credentials = await flow.fetchToken({ code: 'any-code' }, { codeVerifier });
    const headers = await credentials.getRequestHeaders();
    assert.equal(headers.get('authorization'), 'Bearer ya29.typed-token');
  });

  it('exchanges a bare code, and fails with invalid_grant when the verifier is wrong', async () => {
    const { flow, section } = webFlow();
    const request = flow.authorizationUrl();
    const code = new URL(await redirectFor(request.url, 'approve')).searchParams.get('code')!;
    const wrongVerifier = flow.authorizationUrl().codeVerifier;
    const error = await caught(flow.fetchToken({ code }, { codeVerifier: wrongVerifier }));
    assert.equal(error.code, 'ERR_INVALID_GRANT');
    assertNoSecrets(error, [code, wrongVerifier, section.client_secret]);
  });

  it('rejects a response whose state is not the one sent: ERR_STATE_MISMATCH', async () => {
    const { flow } = webFlow();
    const request = flow.authorizationUrl();
    const forged = await redirectFor(request.url, 'wrong-state');
    const code = new URL(forged).searchParams.get('code')!;
    const tokenHits = emulator.current.hits.token;
    const error = await caught(
      flow.fetchToken(
        { authorizationResponse: forged },
        { state: request.state, codeVerifier: request.codeVerifier },
      ),
    );
    assert.equal(error.code, 'ERR_STATE_MISMATCH');
    assert.equal(emulator.current.hits.token, tokenHits, 'the code is not exchanged');
    assertNoSecrets(error, [code, request.codeVerifier, request.state]);
  });

  it('reports a user who clicked Deny as ERR_ACCESS_DENIED', async () => {
    const { flow } = webFlow();
    const request = flow.authorizationUrl();
    const denied = await redirectFor(request.url, 'deny');
    const error = await caught(
      flow.fetchToken(
        { authorizationResponse: denied },
        { state: request.state, codeVerifier: request.codeVerifier },
      ),
    );
    assert.equal(error.code, 'ERR_ACCESS_DENIED');
    assert.equal((error as { error?: string }).error, 'access_denied');
  });

  it('keeps error and description of other authorization errors: ERR_AUTHORIZATION', async () => {
    const { flow } = webFlow();
    const request = flow.authorizationUrl();
    const url = new URL(request.url);
    url.searchParams.set('response_type', 'token');
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location')!;
    const error = await caught(
      flow.fetchToken(
        { authorizationResponse: location },
        { state: request.state, codeVerifier: request.codeVerifier },
      ),
    );
    assert.equal(error.code, 'ERR_AUTHORIZATION');
    assert.equal((error as { error?: string }).error, 'unsupported_response_type');
    assert.match((error as { errorDescription?: string }).errorDescription!, /response_type=code/);
  });

  it('reports a response without code or error as ERR_AUTHORIZATION', async () => {
    const { flow } = webFlow();
    const request = flow.authorizationUrl();
    const error = await caught(
      flow.fetchToken(
        { authorizationResponse: `${REDIRECT}?state=${request.state}&scope=email` },
        { state: request.state, codeVerifier: request.codeVerifier },
      ),
    );
    assert.equal(error.code, 'ERR_AUTHORIZATION');
  });

  it('insists on the state and verifier needed to check and complete the exchange', async () => {
    const { flow } = webFlow();
    const request = flow.authorizationUrl();
    const response = await redirectFor(request.url, 'approve');
    assert.equal(
      (
        await caught(
          flow.fetchToken(
            { authorizationResponse: response },
            { codeVerifier: request.codeVerifier },
          ),
        )
      ).code,
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(
      (await caught(flow.fetchToken({ authorizationResponse: response }, { state: request.state })))
        .code,
      'ERR_INVALID_OPTIONS',
    );
  });

  it('accepts a grant of fewer scopes than asked for, and says which', async () => {
    const { flow } = webFlow();
    const request = flow.authorizationUrl();
    // The user unticks a scope: the emulator grants what the (edited) URL asks for.
    const url = new URL(request.url);
    url.searchParams.set('scope', 'openid');
    const response = await redirectFor(url.toString(), 'approve');
    const credentials = await flow.fetchToken(
      { authorizationResponse: response },
      { state: request.state, codeVerifier: request.codeVerifier },
    );
    assert.deepEqual([...credentials.scopes], ['openid']);
    await credentials.refresh();
    assert.ok(credentials.valid, 'refreshing with the granted scopes works');
  });
});
