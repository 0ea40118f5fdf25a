import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { AuthError } from '../src/errors.js';
import { findProjectId } from '../src/adc/project-id.js';
import { hostAddress } from '../src/metadata/hosts.js';
import { MetadataClient, type MetadataClientOptions } from '../src/metadata/metadata-client.js';
import { MetadataProbe } from '../src/metadata/probe.js';
import {
  buildProbeRequest,
  MAX_RESPONSE_HEAD_BYTES,
  parseResponseHead,
} from '../src/metadata/probe-http.js';
import { configureMetadata } from '../src/testing/routes/metadata.js';
import { closedPort, useEmulator } from './support/emulator.js';
import { blackHole, LAPTOP, tempDir } from './fixtures/adc/support.js';

/**
 * A TCP server on loopback that records what each connection sends and lets `onData` answer
 * (or not) with raw bytes, for what the emulator cannot do: speak first, speak non-HTTP, or
 * answer HTTP without the metadata flavour.
 */
async function rawServer(
  onData: (socket: Socket, received: string) => void = () => undefined,
  address = '127.0.0.1',
): Promise<{ host: string; received: () => string[]; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const received: string[] = [];
  const server: Server = createServer((socket) => {
    const index = received.push('') - 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      received[index] += chunk.toString('latin1');
      onData(socket, received[index]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as { port: number };
  return {
    host: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`,
    received: () => [...received],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answers a complete request head with `response`, then closes. */
const answerWith = (response: string) => (socket: Socket, received: string) => {
  if (received.includes('\r\n\r\n')) socket.end(response);
};

const GOOGLE_ANSWER =
  'HTTP/1.1 200 OK\r\nMetadata-Flavor: Google\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\ninstance/';

/** Runs `run` with `globalThis.fetch` counting its calls; restores it however `run` ends. */
async function countingFetch(run: () => Promise<void>): Promise<number> {
  const original = globalThis.fetch;
  let calls = 0;
  globalThis.fetch = (...args: Parameters<typeof fetch>) => {
    calls++;
    return original(...args);
  };
  try {
    await run();
  } finally {
    globalThis.fetch = original;
  }
  return calls;
}

/**
 * A file that can be read only once the test writes it: a named pipe. It lets a test hold a
 * read (gcloud's configuration, the DMI tables) open while it watches what happens meanwhile,
 * with no sleeps. Undefined where named pipes cannot be made.
 */
function namedPipe(path: string): { release: (text: string) => Promise<void> } | undefined {
  try {
    execFileSync('mkfifo', [path], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { release: (text) => writeFile(path, text) };
}

/** Resolves once `condition` holds, checking every few milliseconds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('metadata probe', () => {
  const emulator = useEmulator();
  afterEach(() => configureMetadata(emulator.current, { mode: 'normal' }));

  const laptop = (host: string, options: MetadataClientOptions = {}) =>
    new MetadataClient({ ...LAPTOP, env: { GCE_METADATA_HOST: host }, ...options });

  describe('the request and the answer, as raw HTTP', () => {
    it('asks for the metadata root with Metadata-Flavor: Google, Host and Connection: close', () => {
      assert.equal(
        buildProbeRequest('[::1]:8080'),
        'GET /computeMetadata/v1/ HTTP/1.1\r\nHost: [::1]:8080\r\nMetadata-Flavor: Google\r\nConnection: close\r\n\r\n',
      );
    });

    it('reads the status and headers once the head is complete, never the body', () => {
      assert.equal(parseResponseHead('HTTP/1.1 200 OK\r\nMetadata-Fla'), 'incomplete');
      assert.equal(parseResponseHead('HTT'), 'incomplete');
      const head = parseResponseHead(`${GOOGLE_ANSWER}\r\n\r\nnot: a header`);
      assert.ok(typeof head === 'object');
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('metadata-flavor'), 'Google');
      assert.equal(head.headers.get('content-length'), '9');
      assert.equal(head.headers.has('not'), false);
    });

    it('joins a repeated header, so two flavours are not the one Google sends', () => {
      const head = parseResponseHead(
        'HTTP/1.0 200 OK\r\nMetadata-Flavor: Google\r\nmetadata-flavor: Other\r\n\r\n',
      );
      assert.ok(typeof head === 'object');
      assert.equal(head.headers.get('metadata-flavor'), 'Google, Other');
    });

    for (const [what, bytes] of [
      ['another protocol', 'SSH-2.0-OpenSSH_9.6\r\n'],
      ['a status line without a status', 'HTTP/1.1 OK\r\n\r\n'],
      ['HTTP/2 bytes', 'HTTP/2 200\r\n\r\n'],
      ['a header line without a colon', 'HTTP/1.1 200 OK\r\nMetadata-Flavor Google\r\n\r\n'],
      [
        'an endless head',
        `HTTP/1.1 200 OK\r\n${'X-Pad: x\r\n'.repeat(MAX_RESPONSE_HEAD_BYTES / 8)}`,
      ],
    ]) {
      it(`calls ${what} not HTTP`, () => {
        assert.equal(parseResponseHead(bytes), 'not-http');
      });
    }
  });

  describe('hosts with ports', () => {
    it('splits IPv6 with a port, names with a port, and bare addresses (port 80)', () => {
      assert.deepEqual(hostAddress('[::1]:8080'), {
        hostname: '::1',
        port: 8080,
        hostHeader: '[::1]:8080',
      });
      assert.deepEqual(hostAddress('localhost:9'), {
        hostname: 'localhost',
        port: 9,
        hostHeader: 'localhost:9',
      });
      assert.deepEqual(hostAddress('169.254.169.254'), {
        hostname: '169.254.169.254',
        port: 80,
        hostHeader: '169.254.169.254',
      });
      assert.deepEqual(hostAddress('[fd00:ec2::254]'), {
        hostname: 'fd00:ec2::254',
        port: 80,
        hostHeader: '[fd00:ec2::254]',
      });
    });

    it('refuses what is not host[:port] with ERR_INVALID_OPTIONS', () => {
      for (const bad of ['http://127.0.0.1', '::1', 'host:99999', 'a b']) {
        assert.throws(
          () => hostAddress(bad),
          (e: unknown) => e instanceof AuthError && e.code === 'ERR_INVALID_OPTIONS',
          bad,
        );
      }
    });

    it('finds a metadata server on [::1] with a port, sending the bracketed Host', async function () {
      const server = await rawServer(answerWith(GOOGLE_ANSWER), '::1').catch(() => undefined);
      if (!server) return skipOutsideCi(this, 'no IPv6 loopback ([::1]) on this machine');
      try {
        const detection = await laptop(server.host, { probeTimeoutMs: 5_000 }).detect();
        assert.equal(detection.onGoogleCloud, true, detection.reason);
        assert.match(server.received()[0], new RegExp(`\r\nHost: \\[::1\\]:\\d+\r\n`));
      } finally {
        await server.close();
      }
    });

    it('resolves a name with a port: localhost on a closed port is refused', async () => {
      const host = `localhost:${await closedPort()}`;
      const detection = await laptop(host, { probeTimeoutMs: 60_000 }).detect();
      assert.equal(detection.onGoogleCloud, false);
      assert.match(detection.reason, /localhost:\d+: connection failed \(ECONNREFUSED\)/);
    });
  });

  describe('deciding from the socket', () => {
    it('decides a closed port from the refusal, without calling fetch', async () => {
      const host = `127.0.0.1:${await closedPort()}`;
      let reason = '';
      const calls = await countingFetch(async () => {
        const detection = await laptop(host, { probeTimeoutMs: 60_000 }).detect();
        assert.equal(detection.onGoogleCloud, false);
        reason = detection.reason;
      });
      assert.equal(calls, 0);
      assert.equal(reason, `no residency signal; probe: ${host}: connection failed (ECONNREFUSED)`);
    });

    it('finds the emulated metadata server without fetch, and sends it Metadata-Flavor: Google', async () => {
      const metadata = laptop(emulator.current.host, { probeTimeoutMs: 5_000 });
      let found = false;
      const calls = await countingFetch(async () => {
        found = await metadata.isOnGoogleCloud();
      });
      assert.equal(found, true);
      assert.equal(calls, 0);
      // The emulator answers 403 without the header, so its counting the probe proves the header.
      assert.equal(emulator.current.hits['metadata-probe'], 1);
      assert.match((await metadata.detect()).reason, /probe: 127\.0\.0\.1:\d+ answered$/);
    });

    it('sends exactly the probe request, as the server sees it', async () => {
      const server = await rawServer(answerWith(GOOGLE_ANSWER));
      try {
        const result = await new MetadataProbe([server.host], { boundMs: 5_000 }).result;
        assert.deepEqual(result, { found: true, detail: `${server.host} answered` });
        const [request] = server.received();
        const [requestLine, ...headers] = request.split('\r\n\r\n')[0].split('\r\n');
        assert.equal(requestLine, 'GET /computeMetadata/v1/ HTTP/1.1');
        assert.deepEqual(headers.sort(), [
          'Connection: close',
          `Host: ${server.host}`,
          'Metadata-Flavor: Google',
        ]);
      } finally {
        await server.close();
      }
    });

    it('does not count an HTTP server without Metadata-Flavor: Google', async () => {
      const server = await rawServer(
        answerWith('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi'),
      );
      try {
        const detection = await laptop(server.host, { probeTimeoutMs: 5_000 }).detect();
        assert.equal(detection.onGoogleCloud, false);
        assert.match(detection.reason, /: answered HTTP 200 without Metadata-Flavor: Google$/);
      } finally {
        await server.close();
      }
    });

    it('does not count a server that speaks another protocol, or hangs up', async () => {
      const notHttp = await rawServer((socket) => socket.end('220 smtp.example ESMTP\r\n'));
      const hangsUp = await rawServer((socket) => socket.destroy());
      try {
        const result = await new MetadataProbe([notHttp.host, hangsUp.host], {
          boundMs: 5_000,
        }).result;
        assert.equal(result.found, false);
        assert.match(
          result.detail,
          new RegExp(`${notHttp.host}: answered with something that is not HTTP`),
        );
        assert.match(
          result.detail,
          new RegExp(`${hangsUp.host}: (closed the connection|connection lost)`),
        );
      } finally {
        await Promise.all([notHttp.close(), hangsUp.close()]);
      }
    });

    it('gives up on a black hole at the bound, reporting the timeout, and closes the connection', async () => {
      const hole = await blackHole();
      try {
        const detection = await laptop(hole.host, { probeTimeoutMs: 30 }).detect();
        assert.equal(detection.onGoogleCloud, false);
        assert.equal(
          detection.reason,
          `no residency signal; probe: ${hole.host}: no answer within 30 ms`,
        );
        while (hole.open() > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      } finally {
        await hole.close();
      }
    });
  });

  describe('one deadline from the start', () => {
    it('counts the bound from startedAt, so time already spent is not added to it', async () => {
      const hole = await blackHole();
      try {
        const metadata = laptop(hole.host, { probeTimeoutMs: 60_000 });
        const detection = await metadata.detect({ startedAt: performance.now() - 60_000 });
        assert.equal(detection.onGoogleCloud, false);
        assert.match(detection.reason, /no answer within 60000 ms$/);
      } finally {
        await hole.close();
      }
    });

    it('project discovery starts the clock before reading gcloud files', async function () {
      const dir = await tempDir();
      try {
        const activeConfig = namedPipe(join(dir.path, 'active_config'));
        if (!activeConfig) return skipOutsideCi(this, 'no named pipes (mkfifo) on this platform');
        let startedAt: number | undefined;
        const search = findProjectId({
          env: {},
          gcloudConfigDir: dir.path,
          fromMetadata: async (at) => {
            startedAt = at;
            return undefined;
          },
        });
        // gcloud's files cannot have been read before this moment: the pipe is still empty.
        const readingGcloud = performance.now();
        await activeConfig.release('default\n');
        assert.equal(await search, undefined);
        assert.ok(startedAt !== undefined, 'the metadata server was not asked');
        assert.ok(startedAt < readingGcloud);
      } finally {
        await dir.cleanup();
      }
    });

    it('reads residency while the probe runs, not before it', async function () {
      const dmi = await tempDir();
      try {
        const biosVendor = namedPipe(join(dmi.path, 'bios_vendor'));
        if (!biosVendor) return skipOutsideCi(this, 'no named pipes (mkfifo) on this platform');
        const metadata = laptop(emulator.current.host, { dmiDir: dmi.path, probeTimeoutMs: 5_000 });
        const detection = metadata.detect();
        // The probe reaches the server while the firmware read is still blocked.
        await until(() => emulator.current.hits['metadata-probe'] === 1);
        await biosVendor.release('Google\n');
        assert.match((await detection).reason, /bios_vendor says 'Google'; probe: .* answered$/);
      } finally {
        await dmi.cleanup();
      }
    });

    it('with trustResidency, holds the request until residency has answered, then sends none', async function () {
      const dmi = await tempDir();
      const server = await rawServer(answerWith(GOOGLE_ANSWER));
      try {
        const biosVendor = namedPipe(join(dmi.path, 'bios_vendor'));
        if (!biosVendor) return skipOutsideCi(this, 'no named pipes (mkfifo) on this platform');
        const metadata = laptop(server.host, { dmiDir: dmi.path });
        const detection = metadata.detect({ trustResidency: true });
        // Connected while residency is being read, but nothing is sent.
        await until(() => server.received().length === 1);
        await biosVendor.release('Google\n');
        assert.deepEqual(await detection, {
          onGoogleCloud: true,
          reason: `${join(dmi.path, 'bios_vendor')} says 'Google'`,
        });
        assert.deepEqual(server.received(), ['']);
      } finally {
        await server.close();
        await dmi.cleanup();
      }
    });

    it('after trusting a signal without a request, an untrusting detection still probes', async () => {
      const server = await rawServer(answerWith(GOOGLE_ANSWER));
      try {
        const metadata = laptop(server.host, {
          env: { GCE_METADATA_HOST: server.host, K_SERVICE: 'api' },
        });
        const detection = await metadata.detect({ trustResidency: true });
        assert.deepEqual(detection, {
          onGoogleCloud: true,
          reason: 'environment variable K_SERVICE is set',
        });
        // The probe may or may not have connected by then; it never sent a byte.
        assert.ok(server.received().every((bytes) => bytes === ''));
        // Without trust the same client opens a fresh probe, sends it, and finds the server.
        assert.match(
          (await metadata.detect()).reason,
          /^environment variable K_SERVICE is set; probe: .* answered$/,
        );
        assert.equal(server.received().filter((bytes) => bytes !== '').length, 1);
      } finally {
        await server.close();
      }
    });

    it('shares one probe between trusting and untrusting detection without a signal', async () => {
      const metadata = laptop(emulator.current.host, { probeTimeoutMs: 5_000 });
      const [trusting, untrusting] = await Promise.all([
        metadata.detect({ trustResidency: true }),
        metadata.detect(),
      ]);
      assert.equal(trusting.onGoogleCloud, true);
      assert.equal(untrusting.onGoogleCloud, true);
      assert.equal(emulator.current.hits['metadata-probe'], 1);
    });

    it('a probe not yet asked connects but sends nothing', async () => {
      const quiet = await rawServer();
      try {
        const probe = new MetadataProbe([quiet.host], { boundMs: 5_000, ask: false });
        await until(() => quiet.received().length === 1);
        probe.cancel('not needed');
        assert.deepEqual(await probe.result, { found: false, detail: `${quiet.host}: not needed` });
        assert.deepEqual(quiet.received(), ['']);
      } finally {
        await quiet.close();
      }
    });

    it('treats a server that speaks before it is asked as not HTTP', async () => {
      const greeter = createServer((socket) => socket.end('hello\r\n'));
      await new Promise<void>((resolve) => greeter.listen(0, '127.0.0.1', resolve));
      const host = `127.0.0.1:${(greeter.address() as { port: number }).port}`;
      try {
        const result = await new MetadataProbe([host], { boundMs: 5_000, ask: false }).result;
        assert.equal(result.found, false);
        assert.match(result.detail, /: spoke before it was asked anything/);
      } finally {
        await new Promise<void>((resolve) => greeter.close(() => resolve()));
      }
    });
  });
});

/** Skips where the machine lacks what the test needs, but never under CI, which must run it. */
function skipOutsideCi(test: Mocha.Context, missing: string): void {
  if (process.env.CI === 'true') throw new Error(`${missing}: CI must run this test`);
  test.skip();
}
