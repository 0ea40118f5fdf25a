import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import {
  Agent,
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AuthError } from '../src/errors.js';
import { MAX_SOCKETS_PER_HOST } from '../src/http/node-wire.js';
import { sendRequest } from '../src/http/wire.js';
import { compileForChild } from './support/compile-for-child.js';
import { useEmulator } from './support/emulator.js';
import { startForwardProxy, type ForwardProxy } from './support/forward-proxy.js';

const run = promisify(execFile);

/** A loopback HTTP server answering `{"ok":true}` that counts the connections it accepts. */
async function countingServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
): Promise<{ url: string; connections: () => number; server: Server }> {
  let connections = 0;
  const server = createServer(handle);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, connections: () => connections, server };
}

function withEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

const PROXY_VARS = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
];
const NO_PROXY_ENV = Object.fromEntries(PROXY_VARS.map((k) => [k, undefined]));

describe('the node:http wire', () => {
  let restore: () => void;
  beforeEach(() => (restore = withEnv(NO_PROXY_ENV)));
  afterEach(() => restore());

  it('refuses a body larger than 4 MiB before reading it whole', async () => {
    const big = Buffer.alloc(1024 * 1024, 'a');
    const target = await countingServer((_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 5; i++) res.write(big);
      res.end();
    });
    try {
      await assert.rejects(sendRequest({ url: target.url, method: 'GET', headers: {} }), {
        code: 'ERR_NETWORK',
        message: /larger than 4194304 bytes/,
      });
    } finally {
      target.server.closeAllConnections();
      target.server.close();
    }
  });

  it("sends through the user's own fetch or agent when given", async () => {
    const target = await countingServer();
    const seen: string[] = [];
    const ownFetch: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    const agent = new Agent({ keepAlive: false });
    try {
      const viaFetch = await sendRequest(
        { url: target.url, method: 'GET', headers: {} },
        { fetch: ownFetch },
      );
      assert.equal(viaFetch.body, '{"ok":true}');
      assert.deepEqual(seen, [target.url]);
      await sendRequest({ url: target.url, method: 'GET', headers: {} }, { agent });
      await sendRequest({ url: target.url, method: 'GET', headers: {} }, { agent });
      // keepAlive: false on the user's agent means a connection per request: theirs was used.
      assert.equal(target.connections(), 3);
    } finally {
      agent.destroy();
      target.server.closeAllConnections();
      target.server.close();
    }
  });

  it('times out each silent request at its own timeout while answered ones complete', async () => {
    const target = await countingServer((req, res) => {
      if (req.url === '/ok') res.writeHead(200).end('{"ok":true}');
    });
    const send = (path: string, timeoutMs: number) =>
      sendRequest(
        { url: `${target.url.slice(0, -1)}${path}`, method: 'GET', headers: {} },
        {
          timeoutMs,
        },
      ).then(
        (response) => response.status,
        (error: AuthError) => `${error.code} ${error.message}`,
      );
    try {
      const outcomes = await Promise.all([
        send('/silent', 300),
        send('/ok', 300),
        send('/silent', 200),
        send('/silent', 300),
        send('/ok', 200),
      ]);
      assert.deepEqual(outcomes, [
        `ERR_TIMEOUT request to ${target.url}silent took longer than 300 ms`,
        200,
        `ERR_TIMEOUT request to ${target.url}silent took longer than 200 ms`,
        `ERR_TIMEOUT request to ${target.url}silent took longer than 300 ms`,
        200,
      ]);
    } finally {
      target.server.closeAllConnections();
      target.server.close();
    }
  });

  it('refuses a timeoutMs that is not 1 to 2^31 - 1 milliseconds, naming the option', () => {
    for (const timeoutMs of [0, -1, Number.NaN, 2 ** 31, Infinity, '500' as never]) {
      assert.throws(
        () =>
          sendRequest({ url: 'http://127.0.0.1:1/', method: 'GET', headers: {} }, { timeoutMs }),
        {
          code: 'ERR_INVALID_OPTIONS',
          message: /http\.timeoutMs must be a number of milliseconds/,
        },
        String(timeoutMs),
      );
    }
  });

  it('rejects a fetch option that is not a function, and a proxy that is not http://', async () => {
    assert.throws(
      () =>
        sendRequest(
          { url: 'http://127.0.0.1:1/', method: 'GET', headers: {} },
          { fetch: 'x' as never },
        ),
      { code: 'ERR_INVALID_OPTIONS', message: /http\.fetch must be a fetch function/ },
    );
    await assert.rejects(
      sendRequest(
        { url: 'http://127.0.0.1:1/', method: 'GET', headers: {} },
        { proxy: 'socks5://user:hunter2@127.0.0.1:1' },
      ),
      (e: unknown) => {
        assert.ok(e instanceof AuthError);
        assert.equal(e.code, 'ERR_INVALID_OPTIONS');
        assert.match(e.message, /http\.proxy option is not an http:\/\/ proxy URL/);
        assert.doesNotMatch(e.message, /hunter2/);
        return true;
      },
    );
  });
});

/**
 * These run the wire in a child process: the test process's nock interceptor replaces node:http's
 * agents and sockets, so only a clean process shows the pool and the proxy a user's process gets.
 */
describe('the node:http wire in a clean process: pool, proxy, TLS', function () {
  const emulator = useEmulator();
  let dir: string;
  let child: string;
  let keyFile: string;
  let tls: Server;
  let tlsUrl: string;
  let proxy: ForwardProxy;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'warrant-wire-'));
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=warrant test CA',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'ca.pem'),
    ]);
    const [key, cert] = await Promise.all([
      readFile(join(dir, 'key.pem')),
      readFile(join(dir, 'ca.pem')),
    ]);
    tls = createTlsServer({ key, cert }, (_req, res) => res.writeHead(200).end('{"over":"tls"}'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/token`;
    keyFile = join(dir, 'sa.json');
    await writeFile(keyFile, JSON.stringify(emulator.current.serviceAccountKey));
    await writeFile(join(dir, 'empty.pem'), '');
    child = await compileForChild('test/fixtures/http/send-one.ts', join(dir, 'child'));
  });
  beforeEach(async () => (proxy = await startForwardProxy()));
  afterEach(async () => proxy.close());
  after(async () => {
    tls?.closeAllConnections();
    tls?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function inChild(
    args: string[],
    env: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    const { stdout } = await run(process.execPath, [child, ...args], {
      env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'), ...env },
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  it('sends sequential requests over one keep-alive connection', async () => {
    const target = await countingServer();
    try {
      assert.deepEqual(await inChild(['sequence', target.url, '5'], {}), { ok: 5 });
      assert.equal(target.connections(), 1);
    } finally {
      target.server.close();
    }
  });

  it("closes a pooled socket once idle for the server's Keep-Alive hint less a second", async () => {
    // The server itself would keep the connection for ten minutes: only the client closes it.
    const target = await countingServer((_req, res) =>
      res.writeHead(200, { 'keep-alive': 'timeout=2' }).end('{"ok":true}'),
    );
    target.server.keepAliveTimeout = 600_000;
    const closed = new Promise<void>((resolve) =>
      target.server.once('connection', (socket) => socket.once('close', () => resolve())),
    );
    const idle = spawn(process.execPath, [child, 'idle', target.url], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(idle.stdout, 'data')) as [Buffer];
      assert.deepEqual(JSON.parse(line.toString()), { status: 200 });
      await closed;
      assert.equal(idle.exitCode, null, 'the client process was still running');
    } finally {
      idle.kill();
      target.server.close();
    }
  });

  it(`caps a burst of 200 requests to one host at ${MAX_SOCKETS_PER_HOST} connections`, async () => {
    const target = await countingServer();
    try {
      assert.deepEqual(await inChild(['burst', target.url, '200'], {}), { ok: 200 });
      assert.ok(
        target.connections() <= MAX_SOCKETS_PER_HOST,
        `${target.connections()} connections`,
      );
    } finally {
      target.server.close();
    }
  });

  it('mints a token through HTTP_PROXY, the proxy forwarding the absolute token URL', async () => {
    assert.deepEqual(await inChild(['token', keyFile], { HTTP_PROXY: proxy.url }), {
      bearer: true,
    });
    assert.deepEqual(proxy.forwarded, [emulator.current.tokenUrl]);
  });

  it('takes https_proxy for plain http too, as gaxios does', async () => {
    assert.deepEqual(await inChild(['token', keyFile], { https_proxy: proxy.url }), {
      bearer: true,
    });
    assert.deepEqual(proxy.forwarded, [emulator.current.tokenUrl]);
  });

  it('reads HTTP_PROXY and NO_PROXY afresh for every request, so a change applies to the next', async () => {
    const target = await countingServer();
    try {
      // Direct, proxied, bypassed by NO_PROXY, direct with both unset, proxied again.
      assert.deepEqual(await inChild(['env-switch', target.url, proxy.url], {}), {
        statuses: [200, 200, 200, 200, 200],
      });
      assert.deepEqual(proxy.forwarded, [target.url, target.url]);
    } finally {
      target.server.close();
    }
  });

  for (const rule of ['127.0.0.1', 'example.test, 127.0.0.1', '*']) {
    it(`goes direct to a host NO_PROXY lists (${rule})`, async () => {
      const env = { HTTP_PROXY: proxy.url, NO_PROXY: rule };
      assert.deepEqual(await inChild(['token', keyFile], env), { bearer: true });
      assert.deepEqual(proxy.forwarded, []);
    });
  }

  it('never sends a metadata request through the proxy', async () => {
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url };
    const outcome = await inChild(['metadata', emulator.current.host], env);
    assert.equal(typeof outcome.projectId, 'string');
    assert.deepEqual(proxy.forwarded, []);
  });

  it('tunnels https with CONNECT through HTTPS_PROXY and verifies TLS end to end', async () => {
    const outcome = await inChild(['get', tlsUrl], { HTTPS_PROXY: proxy.url });
    assert.deepEqual(outcome, { status: 200, body: '{"over":"tls"}' });
    assert.deepEqual(proxy.tunnels, [new URL(tlsUrl).host]);
  });

  it('refuses, through the tunnel, a certificate no trusted CA signed', async () => {
    const env = { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: join(dir, 'empty.pem') };
    const outcome = await inChild(['get', tlsUrl], env);
    assert.equal(outcome.code, 'ERR_NETWORK');
    assert.equal(proxy.tunnels.length, 1);
  });

  it("sends the proxy URL's Basic credentials, and keeps them out of a refused tunnel's error", async () => {
    const guarded = await startForwardProxy('warrant:hunter2');
    try {
      const good = guarded.url.replace('http://', 'http://warrant:hunter2@');
      assert.deepEqual(await inChild(['get', tlsUrl, good], {}), {
        status: 200,
        body: '{"over":"tls"}',
      });
      const bad = guarded.url.replace('http://', 'http://warrant:wrong-hunter3@');
      const refused = await inChild(['get', tlsUrl, bad], {});
      assert.equal(refused.code, 'ERR_NETWORK');
      assert.match(String(refused.message), /refused a tunnel .* with HTTP 407/);
      assert.doesNotMatch(String(refused.message), /hunter/);
    } finally {
      await guarded.close();
    }
  });
});
