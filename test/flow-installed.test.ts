import assert from 'node:assert/strict';
import { createServer as createHttpServer, request } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { InstalledAppFlow } from '../src/flows/installed-app-flow.js';
import { openerCommand, openInBrowser } from '../src/flows/browser.js';
import { useEmulator } from './support/emulator.js';
import {
  assertNoSecrets,
  caught,
  consentInBrowser,
  emulatorClient,
  redirectFor,
  scriptedConsent,
  type LandedPage,
} from './support/login.js';

const SCOPES = ['openid', 'https://www.googleapis.com/auth/userinfo.email'];

/** Whether something can listen on `port` of 127.0.0.1 right now (the flow's server is gone). */
async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The status of a GET of `url` sent with the Host header `host`, as a rebound page would send it. */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('InstalledAppFlow.runLocalServer', () => {
  const emulator = useEmulator();

  function installedFlow() {
    const { secrets, section } = emulatorClient(emulator.current);
    return { flow: InstalledAppFlow.fromClientConfig(secrets, { scopes: SCOPES }), section };
  }

  /**
   * Runs the flow with the test as the user's browser: `browse` gets the authorization URL the
   * flow "opened" and plays the user. Returns the flow's outcome, the landed page and the port.
   */
  async function login(
    browse: (url: string) => Promise<LandedPage | void>,
    options: Parameters<InstalledAppFlow['runLocalServer']>[0] = {},
  ) {
    const { flow, section } = installedFlow();
    let landed: Promise<LandedPage | void> = Promise.resolve();
    let authorizationUrl = '';
    const printed: string[] = [];
    const outcome = flow
      .runLocalServer({
        browserOpener: async (url) => {
          authorizationUrl = url;
          landed = browse(url);
          return true;
        },
        print: (message) => printed.push(message),
        timeoutMs: 10_000,
        ...options,
      })
      .then(
        (credentials) => ({ credentials, error: undefined }),
        (error: Error & { code?: string }) => ({ credentials: undefined, error }),
      );
    const result = await outcome;
    const page = await landed;
    const port = Number(
      new URL(
        new URL(authorizationUrl || 'http://x/?redirect_uri=http://127.0.0.1:1/').searchParams.get(
          'redirect_uri',
        )!,
      ).port,
    );
    return { ...result, page, port, printed, section, authorizationUrl };
  }

  it('logs in end to end: consent page, loopback redirect, credentials that call the API', async () => {
    const { credentials, error, page, port, printed } = await login((url) =>
      consentInBrowser(url, 'allow', 'ada@example.com'),
    );
    assert.equal(error, undefined);
    assert.equal(page?.status, 200);
    assert.match(page!.body, /You are signed in/);
    const echo = await fetch(emulator.current.echoUrl, {
      headers: await credentials!.getRequestHeaders(),
    });
    assert.equal(echo.status, 200);
    assert.equal(((await echo.json()) as { principal: string }).principal, 'ada@example.com');
    assert.match(printed.join('\n'), /Your browser has been opened to visit/);
    assert.ok(await portIsFree(port), 'the loopback server is closed');
  });

  it('uses a loopback redirect URI on 127.0.0.1 with the chosen port, or localhost', async () => {
    const { authorizationUrl } = await login((url) => scriptedConsent(url, 'approve'));
    assert.match(
      new URL(authorizationUrl).searchParams.get('redirect_uri')!,
      /^http:\/\/127\.0\.0\.1:\d+\/$/,
    );
    const viaLocalhost = await login((url) => scriptedConsent(url, 'approve'), {
      host: 'localhost',
    });
    assert.equal(viaLocalhost.error, undefined);
    assert.match(
      new URL(viaLocalhost.authorizationUrl).searchParams.get('redirect_uri')!,
      /^http:\/\/localhost:\d+\/$/,
    );
  });

  it('ignores a favicon and junk paths, and accepts a callback with extra junk parameters', async () => {
    const { credentials, error, page } = await login(async (url) => {
      const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
      const favicon = await fetch(new URL('/favicon.ico', redirectUri));
      assert.equal(favicon.status, 404);
      await favicon.arrayBuffer();
      const junk = await fetch(new URL('/wp-admin?code=nope', redirectUri));
      assert.equal(junk.status, 404);
      await junk.arrayBuffer();
      const bare = await fetch(redirectUri);
      assert.equal(bare.status, 404);
      await bare.arrayBuffer();
      const consent = await fetch(new URL(url + '&emulator_consent=approve'), {
        redirect: 'manual',
      });
      await consent.arrayBuffer();
      const location = new URL(consent.headers.get('location')!);
      location.searchParams.set('authuser', '0');
      location.searchParams.set('utm_source', 'junk');
      const landed = await fetch(location);
      return { url: location.toString(), status: landed.status, body: await landed.text() };
    });
    assert.equal(error, undefined);
    assert.ok(credentials);
    assert.equal(page?.status, 200);
  });

  it('ignores the redirect sent under another Host (DNS rebinding), then completes the real one', async () => {
    const statuses: number[] = [];
    const { credentials, error, page } = await login(async (url) => {
      const location = await redirectFor(url, 'approve');
      const { port } = new URL(location);
      for (const host of [
        `attacker.example:${port}`,
        `127.0.0.1.attacker.example:${port}`,
        `localhost:${port}`,
        `127.0.0.1:${Number(port) + 1}`,
        '127.0.0.1',
      ]) {
        statuses.push(await statusWithHost(location, host));
      }
      const landed = await fetch(location);
      return { url: location, status: landed.status, body: await landed.text() };
    });
    assert.deepEqual(statuses, [404, 404, 404, 404, 404]);
    assert.equal(error, undefined);
    assert.ok(credentials);
    assert.equal(page?.status, 200);
  });

  it('answers a second redirect 409 while the first is exchanged, and exchanges only the first', async () => {
    let exchanges = 0;
    let onExchange!: () => void;
    const exchanging = new Promise<void>((resolve) => (onExchange = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const tokenEndpoint = createHttpServer((req, res) => {
      exchanges++;
      req.resume();
      onExchange();
      void released.then(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          '{"access_token":"first-exchange","refresh_token":"first-refresh","token_type":"Bearer","expires_in":3600}',
        );
      });
    });
    await new Promise<void>((resolve) => tokenEndpoint.listen(0, '127.0.0.1', resolve));
    const { secrets } = emulatorClient(emulator.current);
    const port = (tokenEndpoint.address() as AddressInfo).port;
    secrets.installed!.token_uri = `http://127.0.0.1:${port}/token`;
    const flow = InstalledAppFlow.fromClientConfig(secrets, { scopes: SCOPES });
    const statuses: number[] = [];
    try {
      const credentials = await flow.runLocalServer({
        print: () => undefined,
        timeoutMs: 10_000,
        browserOpener: async (url) => {
          const location = await redirectFor(url, 'approve');
          const first = fetch(location).then((r) => r.text().then(() => r.status));
          await exchanging;
          const second = await fetch(location);
          await second.text();
          statuses.push(second.status);
          release();
          statuses.push(await first);
          return true;
        },
      });
      assert.equal(
        (await credentials.getRequestHeaders()).get('authorization'),
        'Bearer first-exchange',
      );
    } finally {
      tokenEndpoint.close();
    }
    assert.deepEqual(statuses, [409, 200]);
    assert.equal(exchanges, 1);
  });

  it('answers a redirect with another state 400 and keeps waiting for the right one', async () => {
    let stray: LandedPage | undefined;
    const { credentials, error, page, port, section } = await login(async (url) => {
      stray = await scriptedConsent(url, 'wrong-state');
      return consentInBrowser(url, 'allow', 'ada@example.com');
    });
    assert.equal(stray?.status, 400);
    assert.match(stray!.body, /ERR_STATE_MISMATCH/);
    assert.ok(!stray!.body.includes(section.client_secret));
    assert.equal(error, undefined);
    assert.ok(credentials);
    assert.equal(page?.status, 200);
    assert.ok(await portIsFree(port));
  });

  it('times out (ERR_TIMEOUT) when only redirects with another state come', async () => {
    let stray: LandedPage | undefined;
    const { error, port } = await login(
      async (url) => {
        stray = await scriptedConsent(url, 'wrong-state');
      },
      { timeoutMs: 1_000 },
    );
    assert.equal(stray?.status, 400);
    assert.equal(error?.code, 'ERR_TIMEOUT');
    assert.ok(await portIsFree(port));
  });

  it('refuses a timeout setTimeout cannot hold, or none at all (ERR_INVALID_OPTIONS)', async () => {
    for (const timeoutMs of [2 ** 31, -1, 0, Number.NaN]) {
      const { error } = await login(async () => {}, { timeoutMs });
      assert.equal(error?.code, 'ERR_INVALID_OPTIONS', `timeoutMs ${timeoutMs}`);
    }
  });

  it('fails with ERR_ACCESS_DENIED when the user clicks Deny', async () => {
    const { error, page } = await login((url) => consentInBrowser(url, 'deny'));
    assert.equal(error?.code, 'ERR_ACCESS_DENIED');
    assert.match(page!.body, /denied/);
  });

  it('fails with ERR_AUTHORIZATION when the redirect carries state but no code', async () => {
    const { error, page } = await login(async (url) => {
      const params = new URL(url).searchParams;
      const landed = await fetch(`${params.get('redirect_uri')}?state=${params.get('state')}`);
      return { url: '', status: landed.status, body: await landed.text() };
    });
    assert.equal(error?.code, 'ERR_AUTHORIZATION');
    assert.equal(page?.status, 400);
  });

  it('fails fast with ERR_PORT_IN_USE when the fixed port is busy', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      let opened = false;
      const { flow } = installedFlow();
      const error = await caught(
        flow.runLocalServer({
          port,
          browserOpener: async () => (opened = true),
          print: () => undefined,
        }),
      );
      assert.equal(error.code, 'ERR_PORT_IN_USE');
      assert.match(error.message, new RegExp(String(port)));
      assert.equal(opened, false, 'no browser is sent to a server that is not ours');
    } finally {
      blocker.close();
    }
  });

  it('listens on a fixed free port when asked', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await login((url) => scriptedConsent(url, 'approve'), { port });
    assert.equal(result.error, undefined);
    assert.equal(result.port, port);
    assert.ok(await portIsFree(port));
  });

  it('gives up with ERR_TIMEOUT when the user never comes back, and closes its server', async () => {
    const { error, port } = await login(async () => undefined, { timeoutMs: 50 });
    assert.equal(error?.code, 'ERR_TIMEOUT');
    assert.ok(await portIsFree(port));
  });

  it('stops with ERR_ABORTED when the signal fires, and closes its server', async () => {
    const controller = new AbortController();
    const { error, port } = await login(
      async () => {
        setTimeout(() => controller.abort(), 10);
      },
      { signal: controller.signal },
    );
    assert.equal(error?.code, 'ERR_ABORTED');
    assert.ok(await portIsFree(port));
  });

  it('closes its server when the browser opener throws', async () => {
    const { flow } = installedFlow();
    let redirectUri = '';
    const error = await caught(
      flow.runLocalServer({
        browserOpener: async (url) => {
          redirectUri = new URL(url).searchParams.get('redirect_uri')!;
          throw new Error('opener broke');
        },
        print: () => undefined,
      }),
    );
    assert.equal(error.message, 'opener broke');
    assert.ok(await portIsFree(Number(new URL(redirectUri).port)));
  });

  it('prints the URL instead when the browser cannot be opened or openBrowser is false', async () => {
    const failed = await login(async () => undefined, {
      browserOpener: async () => false,
      timeoutMs: 20,
    });
    assert.match(
      failed.printed.join('\n'),
      /Please visit this URL to authorize this application:\n\n {4}http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?/,
    );
    let opened = false;
    const { flow } = installedFlow();
    const printed: string[] = [];
    await caught(
      flow.runLocalServer({
        openBrowser: false,
        browserOpener: async () => (opened = true),
        print: (m) => printed.push(m),
        timeoutMs: 20,
      }),
    );
    assert.equal(opened, false);
    assert.match(printed.join(''), /Please visit this URL/);
  });

  it('keeps the client secret and PKCE values out of errors from a failed exchange', async () => {
    const { error, section, authorizationUrl } = await login(async (url) => {
      emulator.current.fail('token', {
        status: 400,
        body: JSON.stringify({ error: 'invalid_grant', error_description: 'Bad Request' }),
      });
      return scriptedConsent(url, 'approve');
    });
    assert.equal(error?.code, 'ERR_INVALID_GRANT');
    assertNoSecrets(error, [
      section.client_secret,
      new URL(authorizationUrl).searchParams.get('code_challenge')!,
    ]);
  });
});

describe('openerCommand', () => {
  it('uses the platform opener, passing the URL as one argument', () => {
    const url = 'https://accounts.example.test/auth?a=1&b=2';
    assert.deepEqual(openerCommand(url, 'linux'), ['xdg-open', [url]]);
    assert.deepEqual(openerCommand(url, 'darwin'), ['open', [url]]);
    assert.deepEqual(openerCommand(url, 'win32'), [
      'rundll32',
      ['url.dll,FileProtocolHandler', url],
    ]);
  });
});

describe('opening the browser', () => {
  const hostile = [
    'javascript:alert(document.cookie)',
    'file:///etc/passwd',
    'http://accounts.example.test/auth',
    'data:text/html,<script>alert(1)</script>',
    'not a url',
  ];

  it('opens only https and loopback-http URLs: javascript:, file:, data: and other http are refused', async () => {
    for (const url of hostile) {
      await assert.rejects(openInBrowser(url, 'linux'), { code: 'ERR_INVALID_OPTIONS' }, url);
    }
  });

  it('refuses a client secrets file whose auth_uri is not https before anything is opened', () => {
    for (const authUri of hostile) {
      assert.throws(
        () =>
          InstalledAppFlow.fromClientConfig(
            {
              installed: {
                client_id: 'c',
                client_secret: 's',
                auth_uri: authUri,
                token_uri: 'https://oauth2.example.test/token',
                redirect_uris: ['http://localhost'],
              },
            },
            { scopes: ['email'] },
          ),
        { code: 'ERR_INVALID_OPTIONS' },
        authUri,
      );
    }
    const loopback = InstalledAppFlow.fromClientConfig(
      {
        installed: {
          client_id: 'c',
          auth_uri: 'http://127.0.0.1:8080/auth',
          token_uri: 'http://localhost:8080/token',
        },
      },
      { scopes: ['email'] },
    );
    assert.equal(loopback.authUri, 'http://127.0.0.1:8080/auth');
  });
});
