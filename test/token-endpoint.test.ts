import assert from 'node:assert/strict';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import nock from 'nock';
import { buildTokenRequest, parseTokenResponse } from '../src/oauth/token-endpoint.js';
import { requestToken } from '../src/oauth/token-grant.js';
import { parseRetryAfter, withRetry } from '../src/http/retry.js';
import { AuthError, HttpError } from '../src/errors.js';
import { assertNoSecrets } from './support/secrets.js';

const TOKEN_URL = 'https://oauth2.example.test/token';
const fast = { retry: { initialDelayMs: 1, maxDelayMs: 2 }, timeoutMs: 2000 };

function response(status: number, body: string, headers: Record<string, string> = {}) {
  return { status, body, headers: new Headers(headers) };
}

describe('token endpoint protocol halves', () => {
  afterEach(() => nock.cleanAll());

  it('builds a form POST and leaves out undefined parameters', () => {
    const request = buildTokenRequest(TOKEN_URL, {
      grant_type: 'refresh_token',
      scope: undefined,
      a: 'x y',
    });
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(request.body, 'grant_type=refresh_token&a=x+y');
  });

  it('refuses an access_token or id_token that is not a non-empty string', () => {
    for (const value of [42, ['ya29.a'], { token: 'ya29.a' }, true, null, '']) {
      for (const expect of ['access_token', 'id_token'] as const) {
        const body = JSON.stringify({ [expect]: value, token_type: 'Bearer' });
        assert.throws(() => parseTokenResponse(response(200, body), TOKEN_URL, expect), {
          code: 'ERR_TOKEN_RESPONSE',
          message: new RegExp(`without ${expect}`),
        });
      }
    }
  });

  it('keeps __proto__ and constructor keys of a token response as plain data: no prototype pollution', () => {
    const body =
      '{"__proto__":{"polluted":"yes","access_token":"from-proto"},' +
      '"constructor":{"prototype":{"polluted":"yes"}},"token_type":"Bearer","access_token":"at"}';
    const parsed = parseTokenResponse(response(200, body), TOKEN_URL);
    assert.equal(parsed.accessToken, 'at');
    assert.equal(({} as { polluted?: string }).polluted, undefined);
    assert.equal(Object.getPrototypeOf(parsed.raw), Object.prototype);
    assert.deepEqual(Object.keys(parsed.raw), [
      '__proto__',
      'constructor',
      'token_type',
      'access_token',
    ]);
    assert.throws(
      () =>
        parseTokenResponse(response(200, '{"__proto__":{"access_token":"from-proto"}}'), TOKEN_URL),
      { code: 'ERR_TOKEN_RESPONSE' },
    );
  });

  it('parses a token response into camelCase, accepting expires_in as a string', () => {
    const parsed = parseTokenResponse(
      response(
        200,
        '{"access_token":"at","expires_in":"3599","token_type":"Bearer","scope":"a b"}',
      ),
      TOKEN_URL,
    );
    assert.equal(parsed.accessToken, 'at');
    assert.equal(parsed.expiresIn, 3599);
    assert.equal(parsed.scope, 'a b');
  });

  it('turns an OAuth error body into an OAuthError with error and description', () => {
    assert.throws(
      () =>
        parseTokenResponse(
          response(
            400,
            '{"error":"invalid_grant","error_description":"Token has been expired or revoked."}',
          ),
          TOKEN_URL,
        ),
      {
        name: 'OAuthError',
        code: 'ERR_INVALID_GRANT',
        error: 'invalid_grant',
        errorDescription: 'Token has been expired or revoked.',
        status: 400,
      },
    );
  });

  it('turns an OAuth error without a description into ERR_OAUTH', () => {
    assert.throws(
      () => parseTokenResponse(response(401, '{"error":"invalid_client"}'), TOKEN_URL),
      {
        code: 'ERR_OAUTH',
        error: 'invalid_client',
        errorDescription: undefined,
      },
    );
  });

  it('rejects a 200 whose body is not JSON, or lacks access_token', () => {
    assert.throws(() => parseTokenResponse(response(200, '<html>proxy</html>'), TOKEN_URL), {
      code: 'ERR_TOKEN_RESPONSE',
    });
    assert.throws(() => parseTokenResponse(response(200, '{"token_type":"Bearer"}'), TOKEN_URL), {
      code: 'ERR_TOKEN_RESPONSE',
      message: /without access_token/,
    });
    assert.throws(() => parseTokenResponse(response(200, 'null'), TOKEN_URL), {
      code: 'ERR_TOKEN_RESPONSE',
    });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 0), 10);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });
});

describe('token requests over HTTP with retries', () => {
  afterEach(() => nock.cleanAll());

  it('retries a 500 and a 429, then succeeds', async () => {
    const scope = nock('https://oauth2.example.test')
      .post('/token')
      .reply(500, 'boom')
      .post('/token')
      .reply(429, '{"error":"rate_limited"}')
      .post('/token')
      .reply(200, { access_token: 'at', expires_in: 3600 });
    const token = await requestToken(TOKEN_URL, { grant_type: 'x' }, { http: fast });
    assert.equal(token.accessToken, 'at');
    assert.ok(scope.isDone());
  });

  it('waits as long as a 503 Retry-After says', async () => {
    nock('https://oauth2.example.test')
      .post('/token')
      .reply(503, 'busy', { 'retry-after': '0' })
      .post('/token')
      .reply(200, { access_token: 'at' });
    assert.equal((await requestToken(TOKEN_URL, {}, { http: fast })).accessToken, 'at');
  });

  it('gives up at once when Retry-After asks for longer than the policy allows', async () => {
    const scope = nock('https://oauth2.example.test')
      .post('/token')
      .reply(503, 'busy', { 'retry-after': '3600' });
    await assert.rejects(requestToken(TOKEN_URL, {}, { http: fast }), (e: unknown) => {
      assert.ok(e instanceof HttpError);
      assert.equal(e.status, 503);
      assert.equal(e.retryAfterSec, 3600);
      return true;
    });
    assert.ok(scope.isDone());
  });

  it('stops after maxAttempts with the last typed error', async () => {
    const scope = nock('https://oauth2.example.test')
      .post('/token')
      .times(3)
      .reply(502, 'bad gateway');
    await assert.rejects(
      requestToken(TOKEN_URL, {}, { http: { ...fast, retry: { ...fast.retry, maxAttempts: 3 } } }),
      { code: 'ERR_HTTP', status: 502 },
    );
    assert.ok(scope.isDone());
  });

  it('does not retry a 400 invalid_grant', async () => {
    const scope = nock('https://oauth2.example.test')
      .post('/token')
      .reply(400, { error: 'invalid_grant' });
    await assert.rejects(requestToken(TOKEN_URL, {}, { http: fast }), {
      code: 'ERR_INVALID_GRANT',
    });
    assert.ok(scope.isDone());
    assert.ok(!nock.isDone() || nock.pendingMocks().length === 0);
  });

  it('retries connection resets, then reports a NetworkError', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.resetAndDestroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await assert.rejects(
        requestToken(`http://127.0.0.1:${port}/token`, {}, { http: fast }),
        (e: unknown) => {
          assert.ok(e instanceof AuthError);
          assert.equal(e.code, 'ERR_NETWORK');
          return true;
        },
      );
      assert.equal(connections, 4);
    } finally {
      server.close();
    }
  });

  it('times out a slow endpoint with ERR_TIMEOUT', async () => {
    nock('https://oauth2.example.test')
      .post('/token')
      .times(2)
      .delay(500)
      .reply(200, { access_token: 'late' });
    await assert.rejects(
      requestToken(
        TOKEN_URL,
        {},
        { http: { timeoutMs: 50, retry: { maxAttempts: 2, initialDelayMs: 1 } } },
      ),
      { code: 'ERR_TIMEOUT', timeoutMs: 50 },
    );
  });

  it('stops waiting when the caller aborts', async () => {
    nock('https://oauth2.example.test').post('/token').reply(503, 'busy', { 'retry-after': '5' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(requestToken(TOKEN_URL, {}, { http: { signal: controller.signal } }), {
      code: 'ERR_ABORTED',
    });
  });

  it('withRetry does not retry errors that are not AuthErrors', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw new TypeError('bug');
      }),
      TypeError,
    );
    assert.equal(calls, 1);
  });
});

describe('hostile token endpoints over real loopback HTTP', () => {
  const wires = [
    ['the node:http wire', {}],
    ['a fetch wire', { fetch: globalThis.fetch }],
  ] as const;
  const secrets = {
    refresh_token: '1//refresh-secret-value',
    client_secret: 'client-secret-value',
  };

  /** A loopback server answering every request with `handle`; `requests` records what came. */
  async function serve(
    handle: (req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<{ url: string; requests: { method?: string; cookie?: string; body: string }[] }> {
    const requests: { method?: string; cookie?: string; body: string }[] = [];
    const server = createHttpServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        requests.push({ method: req.method, cookie: req.headers.cookie, body });
        handle(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, requests };
  }
  let servers: HttpServer[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.map((s) => new Promise((resolve) => s.close(resolve).closeAllConnections())),
    );
    servers = [];
  });

  for (const [wire, http] of wires) {
    it(`never re-sends the credentials to where a 3xx points (${wire})`, async () => {
      const target = await serve((_req, res) => res.end('{"access_token":"stolen"}'));
      for (const status of [301, 302, 303, 307, 308]) {
        const endpoint = await serve((_req, res) => {
          res.writeHead(status, { location: target.url });
          res.end();
        });
        await assert.rejects(
          requestToken(endpoint.url, { grant_type: 'refresh_token', ...secrets }, { http }),
          (e: unknown) => {
            assert.ok(e instanceof HttpError, String(e));
            assert.equal(e.status, status);
            assertNoSecrets(e, Object.values(secrets));
            return true;
          },
        );
        assert.equal(endpoint.requests.length, 1);
      }
      assert.deepEqual(target.requests, [], 'nothing reached the redirect target');
    });

    it(`sends no cookie a token endpoint set (${wire})`, async () => {
      const endpoint = await serve((_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'set-cookie': ['session=tracked; Path=/', 'other=1; Path=/; HttpOnly'],
        });
        res.end('{"access_token":"at","token_type":"Bearer","expires_in":3600}');
      });
      for (let i = 0; i < 2; i++) {
        const token = await requestToken(endpoint.url, { grant_type: 'x' }, { http });
        assert.equal(token.accessToken, 'at');
      }
      assert.deepEqual(
        endpoint.requests.map((r) => r.cookie),
        [undefined, undefined],
      );
    });
  }

  it('stops reading an endless body at the size bound, through a fetch wire too', async () => {
    const LIMIT = 64 * 1024 * 1024;
    let sent = 0;
    const endpoint = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < LIMIT) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    for (const [wire, http] of wires) {
      sent = 0;
      await assert.rejects(
        requestToken(endpoint.url, {}, { http: { ...http, retry: { maxAttempts: 1 } } }),
        (e: unknown) => {
          assert.ok(e instanceof AuthError);
          assert.equal(e.code, 'ERR_NETWORK');
          assert.match(e.message, /larger than/);
          return true;
        },
      );
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(sent < LIMIT / 2, `${wire} read ${sent} bytes of a body it had refused`);
    }
  });
});
