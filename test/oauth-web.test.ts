import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import express from 'express';
import { AuthError } from '../src/errors.js';
import { OAuthProvider } from '../src/oauth/provider.js';
import type { SavedAuthorization } from '../src/oauth/authorization.js';
import { callbackHandler, loginErrorPage, loginHandler } from '../src/oauth/web/handlers.js';
import { LoginStateError, type LoginStateStore } from '../src/oauth/web/login-state.js';
import type { ReplayGuard } from '../src/oauth/web/replay-guard.js';
import { assertAuthError } from './support/oidc-provider-assertions.js';
import { TestBrowser } from './support/oidc-provider-browser.js';
import {
  CLIENT_SECRET,
  CLIENTS,
  startOidcProvider,
  type OidcTestProvider,
} from './support/oidc-provider.js';

const COOKIE_SECRET = 'a-test-cookie-secret-of-32-bytes-or-more!';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

describe('web login handlers against oidc-provider', () => {
  let op: OidcTestProvider;
  let provider: OAuthProvider;
  let route: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const nodeServer = createServer((req, res) => route(req, res));
  const expressApp = express();
  const expressServer = createServer(expressApp);
  let nodeApp: string;
  let expressAppUrl: string;
  let clockOffset = 0;
  const errors: unknown[] = [];
  const sharedGuard = sharedReplayGuard();

  before(async () => {
    nodeApp = await listen(nodeServer);
    expressAppUrl = await listen(expressServer);
    op = await startOidcProvider({
      redirectUris: [
        `${nodeApp}/callback`,
        `${nodeApp}/custom/callback`,
        `${expressAppUrl}/auth/callback`,
      ],
    });
    provider = new OAuthProvider({
      issuer: op.issuer,
      clientId: CLIENTS.basic,
      clientSecret: CLIENT_SECRET,
      name: 'op',
    });

    const cookie = { secret: COOKIE_SECRET, clock: () => Date.now() + clockOffset };
    const login = loginHandler(provider, {
      ...cookie,
      redirectUri: `${nodeApp}/callback`,
      scope: 'openid email',
    });
    const secureLogin = loginHandler(provider, {
      secret: COOKIE_SECRET,
      redirectUri: 'https://app.example.test/callback',
    });
    const hugeLogin = loginHandler(provider, {
      secret: COOKIE_SECRET,
      redirectUri: `https://app.example.test/callback?pad=${'x'.repeat(4000)}`,
      onError: (error, req, res) => {
        errors.push(error);
        loginErrorPage(error, req, res);
      },
    });
    const other = new OAuthProvider({
      issuer: op.issuer,
      clientId: CLIENTS.basic,
      clientSecret: CLIENT_SECRET,
      name: 'other',
    });
    const recordError = (error: unknown, req: IncomingMessage, res: ServerResponse) => {
      errors.push(error);
      loginErrorPage(error, req, res);
    };
    // Provider "other" configured with the cookie name provider "op" uses.
    const otherCallback = callbackHandler(other, {
      ...cookie,
      cookieName: 'warrant_login_op',
      onError: recordError,
    });
    const instances = [1, 2].map(() =>
      callbackHandler(provider, {
        ...cookie,
        replayGuard: sharedGuard,
        onSuccess: (_req, res) => res.end('ok'),
        onError: recordError,
      }),
    );
    const callback = callbackHandler(provider, {
      ...cookie,
      onSuccess: async (_req, res, { claims, tokens }) => {
        const user = await provider.userinfo(tokens.accessToken, { expectedSubject: claims?.sub });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ sub: claims?.sub, email: user.email }));
      },
      onError: (error, req, res) => {
        errors.push(error);
        loginErrorPage(error, req, res);
      },
    });
    const custom = customStore();
    const customLogin = loginHandler(provider, {
      stateStore: custom,
      redirectUri: `${nodeApp}/custom/callback`,
      scope: 'openid',
    });
    const customCallback = callbackHandler(provider, {
      stateStore: custom,
      onSuccess: (_req, res, { claims }) => res.end(`custom ${claims?.sub}`),
    });
    route = (req, res) => {
      const path = new URL(req.url ?? '/', nodeApp).pathname;
      if (path === '/login') return void login(req, res);
      if (path === '/secure-login') return void secureLogin(req, res);
      if (path === '/huge-login') return void hugeLogin(req, res);
      if (path === '/other/callback') return void otherCallback(req, res);
      if (path === '/instance-1/callback') return void instances[0](req, res);
      if (path === '/instance-2/callback') return void instances[1](req, res);
      if (path === '/callback') return void callback(req, res);
      if (path === '/custom/login') return void customLogin(req, res);
      if (path === '/custom/callback') return void customCallback(req, res);
      res.statusCode = 404;
      res.end();
    };

    const auth = express.Router();
    auth.get(
      '/login',
      loginHandler(provider, {
        secret: COOKIE_SECRET,
        redirectUri: `${expressAppUrl}/auth/callback`,
        scope: 'openid email',
      }),
    );
    auth.get('/callback', callbackHandler(provider, { secret: COOKIE_SECRET }));
    expressApp.use('/auth', auth);
    expressApp.get('/', (_req, res) => void res.send('home'));
  });

  after(async () => {
    await close(nodeServer);
    await close(expressServer);
    await op.close();
  });

  beforeEach(() => {
    clockOffset = 0;
    errors.length = 0;
  });

  /** Logs in from the app's login URL; returns the callback URL, not yet visited. */
  async function startLogin(browser: TestBrowser, loginUrl: string): Promise<string> {
    return op.login(loginUrl, { browser });
  }

  /** The name and value of the one login cookie `browser` holds for the node:http app. */
  function loginCookie(browser: TestBrowser): [string, string] {
    const names = browser.cookieNames(nodeApp).filter((n) => n.startsWith('warrant_login_op.'));
    assert.equal(names.length, 1, `one login cookie, got ${names.join(', ')}`);
    return [names[0], browser.getCookie(nodeApp, names[0])!];
  }

  it('logs a user in on a node:http server', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${nodeApp}/login`);
    const [name] = loginCookie(browser);
    const done = await browser.navigate(callback);
    assert.equal(done.status, 200);
    assert.deepEqual(JSON.parse(done.body), { sub: 'alice', email: 'alice@example.test' });
    assert.equal(browser.getCookie(nodeApp, name), undefined, 'the callback cleared the cookie');
  });

  it('mounts as Express middleware (under a router) and redirects home by default', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${expressAppUrl}/auth/login`);
    const done = await browser.navigate(callback);
    assert.equal(done.url, `${expressAppUrl}/`);
    assert.equal(done.body, 'home');
    assert.deepEqual(browser.cookieNames(expressAppUrl), []);
  });

  it('names the cookie per login, plain only for an http loopback redirect URI: HttpOnly, SameSite=Lax, Path=/, an expiry', async () => {
    const plain = await fetch(`${nodeApp}/login`, { redirect: 'manual' });
    assert.equal(plain.status, 302);
    const state = new URL(plain.headers.get('location')!).searchParams.get('state')!;
    const [cookie] = plain.headers.getSetCookie();
    const id = createHash('sha256').update(state).digest('base64url').slice(0, 16);
    assert.match(
      cookie,
      /^warrant_login_op\.([\w-]+)=v2\.[\w-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    assert.ok(cookie.startsWith(`warrant_login_op.${id}=`), 'the cookie is keyed by the state');
  });

  it('uses a __Host- cookie (Secure, Path=/, no Domain) for an https redirect URI', async () => {
    const response = await fetch(`${nodeApp}/secure-login`, { redirect: 'manual' });
    const [cookie] = response.headers.getSetCookie();
    assert.match(
      cookie,
      /^__Host-warrant_login_op\.[\w-]+=v2\.[\w-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
    assert.doesNotMatch(cookie, /domain=/i);
  });

  it('refuses a plain-http redirect URI off loopback when the login handler is created', () => {
    for (const redirectUri of ['http://app.example.test/callback', 'callback', 'ftp://x/cb']) {
      assert.throws(
        () => loginHandler(provider, { secret: COOKIE_SECRET, redirectUri }),
        (error) =>
          assertAuthError(error, 'ERR_INVALID_OPTIONS', [COOKIE_SECRET]) instanceof AuthError,
      );
    }
  });

  it('refuses to emit a login cookie over 4096 bytes and names the fix (no Set-Cookie sent, 500: our options, not the provider)', async () => {
    const response = await fetch(`${nodeApp}/huge-login`, { redirect: 'manual' });
    assert.equal(response.status, 500);
    assert.equal(await response.text(), 'Login failed: internal error.\n');
    assert.equal(response.headers.getSetCookie().length, 0);
    assert.equal(response.headers.get('location'), null);
    const error = assertAuthError(errors.at(-1), 'ERR_INVALID_OPTIONS', [COOKIE_SECRET]);
    assert.match(error.message, /4096.*redirectUri.*stateStore/);
  });

  it('completes two logins started in two tabs of one browser, in either order', async () => {
    const browser = new TestBrowser();
    const first = await startLogin(browser, `${nodeApp}/login`);
    const second = await startLogin(browser, `${nodeApp}/login`);
    assert.equal(
      browser.cookieNames(nodeApp).filter((n) => n.startsWith('warrant_login_op.')).length,
      2,
    );
    assert.equal((await browser.navigate(second)).status, 200);
    assert.equal((await browser.navigate(first)).status, 200);
    assert.deepEqual(errors, []);
  });

  it("refuses provider A's cookie at provider B's callback (LoginStateError other-provider)", async () => {
    const browser = new TestBrowser();
    const callback = new URL(await startLogin(browser, `${nodeApp}/login`));
    const [, cookie] = loginCookie(browser);
    const response = await browser.navigate(`${nodeApp}/other/callback${callback.search}`);
    assert.equal(response.status, 400);
    const error = assertAuthError(errors.at(-1), 'ERR_STATE_MISMATCH', [cookie]);
    assert.equal((error as LoginStateError).problem, 'other-provider');
  });

  it('refuses a replayed callback with the same cookie (400, LoginStateError replayed)', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${nodeApp}/login`);
    const [name, cookie] = loginCookie(browser);
    assert.equal((await browser.navigate(callback)).status, 200);
    browser.setCookie(nodeApp, name, cookie);
    const replay = await browser.navigate(callback);
    assert.equal(replay.status, 400);
    const error = assertAuthError(errors.at(-1), 'ERR_STATE_MISMATCH', [
      cookie,
      new URL(callback).searchParams.get('code')!,
    ]);
    assert.ok(error instanceof LoginStateError);
    assert.equal(error.problem, 'replayed');
    assert.ok(!replay.body.includes(cookie) && !replay.body.includes('code='));
  });

  it('answers 400, not 500, to a callback whose request URL does not parse, whatever store holds the state', async () => {
    const saved: SavedAuthorization = {
      state: 'the-state',
      codeVerifier: 'v'.repeat(43),
      redirectUri: `${nodeApp}/custom/callback`,
    };
    const req = new IncomingMessage(new Socket());
    req.url = '//[::1/custom/callback?code=a-code&state=the-state';
    const res = new ServerResponse(req);
    const seen: unknown[] = [];
    await callbackHandler(provider, {
      stateStore: { save: () => {}, take: () => saved },
      onError: (error, request, response) => {
        seen.push(error);
        loginErrorPage(error, request, response);
      },
    })(req, res);
    assert.equal(res.statusCode, 400);
    assertAuthError(seen[0], 'ERR_AUTHORIZATION', ['a-code']);
  });

  it('refuses a replay at another instance that shares a pluggable replay guard', async () => {
    const browser = new TestBrowser();
    const callback = new URL(await startLogin(browser, `${nodeApp}/login`));
    const [name, cookie] = loginCookie(browser);
    const first = await browser.navigate(`${nodeApp}/instance-1/callback${callback.search}`);
    assert.equal(first.status, 200);
    browser.setCookie(nodeApp, name, cookie);
    const replay = await browser.navigate(`${nodeApp}/instance-2/callback${callback.search}`);
    assert.equal(replay.status, 400);
    assert.equal((errors.at(-1) as LoginStateError).problem, 'replayed');
  });

  it('refuses a tampered cookie, and one moved to another cookie name (400, LoginStateError forged)', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${nodeApp}/login`);
    const [name, value] = loginCookie(browser);
    const sealed = Buffer.from(value.slice(3), 'base64url');
    sealed[20] ^= 1;
    browser.setCookie(nodeApp, name, `v2.${sealed.toString('base64url')}`);
    assert.equal((await browser.navigate(callback)).status, 400);
    assert.equal((errors.at(-1) as LoginStateError).problem, 'forged');

    // A cookie sealed for another login, presented under this login's name.
    const other = new TestBrowser();
    await startLogin(other, `${nodeApp}/login`);
    const [, otherValue] = loginCookie(other);
    browser.setCookie(nodeApp, name, otherValue);
    assert.equal((await browser.navigate(callback)).status, 400);
    assert.equal((errors.at(-1) as LoginStateError).problem, 'forged');
  });

  it('refuses a signed v1 cookie from before the upgrade as missing (the login restarts)', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${nodeApp}/login`);
    const [name] = loginCookie(browser);
    browser.setCookie(nodeApp, name, '');
    browser.setCookie(nodeApp, 'warrant_login_op', 'v1.eyJzIjoieCJ9.bWFj');
    assert.equal((await browser.navigate(callback)).status, 400);
    assert.equal((errors.at(-1) as LoginStateError).problem, 'missing');
  });

  it('refuses an expired cookie (400, LoginStateError expired)', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${nodeApp}/login`);
    clockOffset = 11 * 60_000;
    const response = await browser.navigate(callback);
    assert.equal(response.status, 400);
    assert.equal((errors.at(-1) as LoginStateError).problem, 'expired');
  });

  it('refuses a callback without the cookie (400, LoginStateError missing)', async () => {
    const callback = await startLogin(new TestBrowser(), `${nodeApp}/login`);
    const response = await new TestBrowser().navigate(callback);
    assert.equal(response.status, 400);
    assert.equal((errors.at(-1) as LoginStateError).problem, 'missing');
  });

  it('shows a plain-text 400 page without secrets when the user cancels', async () => {
    const browser = new TestBrowser();
    const callback = await op.login(`${expressAppUrl}/auth/login`, { browser, deny: true });
    const response = await browser.navigate(callback);
    assert.equal(response.status, 400);
    assert.equal(
      response.body,
      'Login failed (ERR_ACCESS_DENIED). Please start the login again.\n',
    );
  });

  it('works with a custom login-state store instead of the cookie', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${nodeApp}/custom/login`);
    assert.equal(browser.cookieHeader(nodeApp), '');
    const done = await browser.navigate(callback);
    assert.equal(done.body, 'custom alice');
    const again = await browser.navigate(callback);
    assert.equal(again.status, 400);
  });

  it('refuses a cookie secret shorter than 32 bytes, or none', () => {
    for (const secret of ['short', undefined]) {
      assert.throws(
        () => callbackHandler(provider, { secret: secret as string }),
        (error) => assertAuthError(error, 'ERR_INVALID_OPTIONS', ['short']) instanceof AuthError,
      );
    }
  });
});

/** A replay guard two app instances share, as they would share Redis. */
function sharedReplayGuard(): ReplayGuard {
  const used = new Map<string, number>();
  return {
    use: async (id, expiresAt) => {
      if (used.has(id)) return false;
      used.set(id, expiresAt);
      return true;
    },
  };
}

/** A login-state store over an in-memory "session" (one per test process, for the test only). */
function customStore(): LoginStateStore {
  let saved: SavedAuthorization | undefined;
  return {
    save: (_req, _res, state) => {
      saved = state;
    },
    take: () => {
      const state = saved;
      saved = undefined;
      if (!state) throw new LoginStateError('missing');
      return state;
    },
  };
}
