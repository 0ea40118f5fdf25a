// The emulator's test controls: injected faults and latency, hit counters, and stop.
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../src/testing/index.js';
import {
  callEcho,
  elapsedSince,
  resetEmulator,
  tokenEndpointCalls,
} from './support/emulator-protocol.js';

describe('emulator', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());
  afterEach(() => resetEmulator(emulator));

  const { refreshUser } = tokenEndpointCalls(() => emulator);

  describe('faults and latency', () => {
    it('answers a status fault with OAuth error JSON and the given headers, then recovers', async () => {
      emulator.fail('token', { status: 503, headers: { 'retry-after': '1' } });
      const failed = await refreshUser();
      assert.equal(failed.status, 503);
      assert.equal(failed.headers.get('retry-after'), '1');
      assert.equal(failed.body.error, 'temporarily_unavailable');
      assert.equal((await refreshUser()).status, 200);
    });

    it('answers a status fault on an API route with Google API error JSON', async () => {
      emulator.fail('echo', { status: 500 });
      const reply = await callEcho(emulator.echoUrl, 'whatever');
      assert.equal(reply.status, 500);
      assert.deepEqual(reply.body.error, {
        code: 500,
        message: 'Internal Server Error',
        status: 'INTERNAL',
      });
    });

    it('applies a fault to `count` requests in a row', async () => {
      emulator.fail('token', { status: 429, count: 2 });
      assert.equal((await refreshUser()).status, 429);
      assert.equal((await refreshUser()).status, 429);
      assert.equal((await refreshUser()).status, 200);
    });

    it('sends a raw body fault with status 200', async () => {
      emulator.fail('token', { body: 'not json' });
      const res = await fetch(emulator.tokenUrl, { method: 'POST' });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'not json');
      emulator.fail('token', { body: '{}' });
      assert.deepEqual((await refreshUser()).body, {});
    });

    it('delays a request by delayMs and then handles it normally', async () => {
      emulator.fail('token', { delayMs: 300 });
      const start = performance.now();
      const reply = await refreshUser();
      assert.ok(elapsedSince(start) >= 290, `took ${elapsedSince(start)} ms`);
      assert.equal(reply.status, 200);
    });

    it('adds headers to a normal response when the fault only has headers', async () => {
      emulator.fail('jwks', { headers: { 'x-fault': 'yes' } });
      const res = await fetch(emulator.jwksUrl);
      assert.equal(res.headers.get('x-fault'), 'yes');
      assert.ok(((await res.json()) as { keys: unknown[] }).keys.length > 0);
    });

    it('resets the connection mid-body: headers arrive, reading the body fails', async () => {
      emulator.fail('token', { reset: true });
      const res = await fetch(emulator.tokenUrl, { method: 'POST' });
      assert.equal(res.status, 200);
      await assert.rejects(res.text());
      assert.equal((await refreshUser()).status, 200);
    });

    it('hangs a request until the client gives up', async () => {
      emulator.fail('certs', { hang: true });
      await assert.rejects(
        fetch(emulator.certsUrl, { signal: AbortSignal.timeout(200) }),
        (error: Error) => error.name === 'TimeoutError',
      );
      assert.equal((await fetch(emulator.certsUrl)).status, 200);
    });

    it('adds latencyMs before every response', async () => {
      emulator.setLatency(200);
      const start = performance.now();
      await fetch(emulator.jwksUrl);
      assert.ok(elapsedSince(start) >= 190, `took ${elapsedSince(start)} ms`);
    });

    it('rejects a fault for an unknown route and a non-positive count', () => {
      assert.throws(() => emulator.fail('tokne', { status: 500 }), /no route named 'tokne'/);
      assert.throws(() => emulator.fail('token', { status: 500, count: 0 }), /positive integer/);
    });

    it('drops queued faults on clearFaults', async () => {
      emulator.fail('jwks', { status: 500, count: 5 });
      emulator.clearFaults();
      assert.equal((await fetch(emulator.jwksUrl)).status, 200);
    });
  });

  describe('hit counters', () => {
    it('read 0 for every route before any request and count faulted requests too', async () => {
      const fresh = await startEmulator();
      try {
        assert.deepEqual(
          {
            token: fresh.hits.token,
            certs: fresh.hits.certs,
            jwks: fresh.hits.jwks,
            echo: fresh.hits.echo,
          },
          { token: 0, certs: 0, jwks: 0, echo: 0 },
        );
        fresh.fail('jwks', { status: 500 });
        await fetch(fresh.jwksUrl);
        await fetch(fresh.jwksUrl);
        await fetch(fresh.certsUrl);
        await fetch(fresh.echoUrl);
        assert.equal(fresh.hits.jwks, 2);
        assert.equal(fresh.hits.certs, 1);
        assert.equal(fresh.hits.echo, 1);
        assert.equal(fresh.hits.token, 0);
        fresh.resetHits();
        assert.equal(fresh.hits.jwks, 0);
      } finally {
        await fresh.stop();
      }
    });
  });

  describe('stop', () => {
    it('closes hanging connections, is idempotent, and frees the port', async function () {
      // A stop() that waited for the hanging request would never resolve: this timeout is the failure.
      this.timeout(5000);
      const doomed = await startEmulator();
      try {
        doomed.fail('echo', { hang: true });
        const outcome = fetch(doomed.echoUrl).then(
          () => 'answered',
          (error: unknown) => error,
        );
        const deadline = performance.now() + 2000;
        while (doomed.hits.echo === 0 && performance.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        assert.equal(doomed.hits.echo, 1);
        await Promise.all([doomed.stop(), doomed.stop()]);
        assert.ok((await outcome) instanceof Error);
        await doomed.stop();
        await assert.rejects(fetch(doomed.jwksUrl));
      } finally {
        await doomed.stop();
      }
    });
  });
});
