import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { AuthError } from '../src/errors.js';
import { OAuthProvider } from '../src/oauth/provider.js';
import type { SavedAuthorization } from '../src/oauth/authorization.js';
import { callbackHandler, loginErrorPage, loginHandler } from '../src/oauth/web/handlers.js';
import { LoginStateError, type LoginStateStore } from '../src/oauth/web/login-state.js';
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

    const cookie = { secret: COOKIE_SECRET, secure: false, clock: () => Date.now() + clockOffset };
    const login = loginHandler(provider, {
      ...cookie,
      redirectUri: `${nodeApp}/callback`,
      scope: 'openid email',
    });
    const secureLogin = loginHandler(provider, {
      secret: COOKIE_SECRET,
      redirectUri: `${nodeApp}/callback`,
    });
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
        secure: false,
        redirectUri: `${expressAppUrl}/auth/callback`,
        scope: 'openid email',
      }),
    );
    auth.get('/callback', callbackHandler(provider, { secret: COOKIE_SECRET, secure: false }));
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

  it('logs a user in on a node:http server', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${nodeApp}/login`);
    assert.ok(browser.getCookie(nodeApp, 'warrant_login_op'), 'the login cookie was set');
    const done = await browser.navigate(callback);
    assert.equal(done.status, 200);
    assert.deepEqual(JSON.parse(done.body), { sub: 'alice', email: 'alice@example.test' });
    assert.equal(
      browser.getCookie(nodeApp, 'warrant_login_op'),
      undefined,
      'the callback cleared the cookie',
    );
  });

  it('mounts as Express middleware (under a router) and redirects home by default', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${expressAppUrl}/auth/login`);
    const done = await browser.navigate(callback);
    assert.equal(done.url, `${expressAppUrl}/`);
    assert.equal(done.body, 'home');
    assert.equal(browser.getCookie(expressAppUrl, 'warrant_login_op'), undefined);
  });

  it('sets an HttpOnly, SameSite=Lax cookie with an expiry, Secure unless turned off', async () => {
    const plain = await fetch(`${nodeApp}/login`, { redirect: 'manual' });
    assert.equal(plain.status, 302);
    const [cookie] = plain.headers.getSetCookie();
    assert.match(
      cookie,
      /^warrant_login_op=v1\.[\w-]+\.[\w-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const secure = await fetch(`${nodeApp}/secure-login`, { redirect: 'manual' });
    assert.match(secure.headers.getSetCookie()[0], /; Secure$/);
  });

  it('refuses a replayed callback with the same cookie (400, LoginStateError replayed)', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${nodeApp}/login`);
    const cookie = browser.getCookie(nodeApp, 'warrant_login_op')!;
    assert.equal((await browser.navigate(callback)).status, 200);
    browser.setCookie(nodeApp, 'warrant_login_op', cookie);
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

  it('refuses a forged cookie (400, LoginStateError forged)', async () => {
    const browser = new TestBrowser();
    const callback = await startLogin(browser, `${nodeApp}/login`);
    const [version, payload, mac] = browser.getCookie(nodeApp, 'warrant_login_op')!.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, e: (claims.e as number) + 86_400 }),
    ).toString('base64url');
    browser.setCookie(nodeApp, 'warrant_login_op', `${version}.${forged}.${mac}`);
    const response = await browser.navigate(callback);
    assert.equal(response.status, 400);
    assert.equal((errors.at(-1) as LoginStateError).problem, 'forged');
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
