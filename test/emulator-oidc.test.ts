import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthProvider } from '../src/oauth/provider.js';
import { callbackHandler, loginHandler } from '../src/oauth/web/handlers.js';
import { createClientSecrets } from '../src/testing/routes/user-login.js';
import { useEmulator } from './support/emulator.js';
import { parseForms, TestBrowser } from './support/oidc-provider-browser.js';

const COOKIE_SECRET = 'a-test-cookie-secret-of-32-bytes-or-more!';

describe('the emulator as an OpenID Connect provider', () => {
  const emulator = useEmulator();
  let app: Server;
  let appUrl: string;

  before(async () => {
    let route: (req: IncomingMessage, res: ServerResponse) => void = () => {};
    app = createServer((req, res) => route(req, res));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const section = createClientSecrets(emulator.current, 'web').web!;
    const provider = new OAuthProvider({
      issuer: emulator.current.url,
      clientId: section.client_id,
      clientSecret: section.client_secret,
      name: 'emulator',
    });
    const login = loginHandler(provider, {
      secret: COOKIE_SECRET,
      redirectUri: `${appUrl}/callback`,
      scope: 'openid email',
    });
    const callback = callbackHandler(provider, {
      secret: COOKIE_SECRET,
      onSuccess: (_req, res, { claims }) => res.end(JSON.stringify(claims)),
    });
    route = (req, res) => {
      const path = new URL(req.url ?? '/', appUrl).pathname;
      if (path === '/login') return void login(req, res);
      if (path === '/callback') return void callback(req, res);
      res.writeHead(404).end();
    };
  });

  after(async () => {
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  it('publishes OIDC discovery naming its own URL as issuer and its endpoints', async () => {
    const response = await fetch(`${emulator.current.url}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const metadata = (await response.json()) as Record<string, unknown>;
    assert.equal(metadata.issuer, emulator.current.url);
    assert.equal(metadata.token_endpoint, emulator.current.tokenUrl);
    assert.equal(metadata.jwks_uri, emulator.current.jwksUrl);
    assert.equal(metadata.authorization_endpoint, `${emulator.current.url}/oidc/auth`);
  });

  it("runs the README's provider login with openid: discovery, consent, nonce-checked ID token", async () => {
    const browser = new TestBrowser();
    const consent = await browser.navigate(`${appUrl}/login`);
    assert.equal(consent.status, 200, consent.body);
    const [form] = parseForms(consent.body);
    assert.ok(form && form.fields.nonce, 'the consent form carries the nonce');
    const done = await browser.submit(consent.url, form, {
      decision: 'allow',
      email: 'ada@example.com',
    });
    assert.equal(done.status, 200, done.body);
    const claims = JSON.parse(done.body) as Record<string, unknown>;
    assert.equal(claims.iss, emulator.current.url);
    assert.equal(claims.email, 'ada@example.com');
    assert.equal(claims.nonce, form.fields.nonce);
  });

  it('answers any path under /api/ as a protected API: 401 without a token, the caller with one', async () => {
    const anonymous = await fetch(`${emulator.current.url}/api/v1/anything/at/all`);
    assert.equal(anonymous.status, 401);
    const token = (
      (await (
        await fetch(emulator.current.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: emulator.current.authorizedUser.client_id,
            client_secret: emulator.current.authorizedUser.client_secret,
            refresh_token: emulator.current.authorizedUser.refresh_token,
          }),
        })
      ).json()) as { access_token: string }
    ).access_token;
    const called = await fetch(`${emulator.current.url}/api/v1/anything/at/all`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(called.status, 200);
    assert.equal(((await called.json()) as { path: string }).path, '/api/v1/anything/at/all');
  });
});
