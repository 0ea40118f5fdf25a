import assert from 'node:assert/strict';
import { AuthError, HttpError, TimeoutError, TokenResponseError } from '../src/errors.js';
import { DEFAULT_METADATA_HOSTS, metadataHosts } from '../src/metadata/hosts.js';
import { MetadataClient } from '../src/metadata/metadata-client.js';
import { buildMetadataRequest, parseMetadataResponse } from '../src/metadata/metadata-request.js';
import { configureMetadata } from '../src/testing/routes/metadata.js';
import { closedPort, useEmulator } from './support/emulator.js';
import { blackHole, failure } from './fixtures/adc/support.js';

const FAST = { timeoutMs: 1000, retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } };
const GOOGLE = { 'metadata-flavor': 'Google' };

describe('metadata server host', () => {
  it("defaults to Google's two addresses", () => {
    assert.deepEqual(metadataHosts({}), { hosts: DEFAULT_METADATA_HOSTS });
  });

  it('takes the host option, then GCE_METADATA_HOST, then GCE_METADATA_IP', () => {
    const env = { GCE_METADATA_HOST: 'host.test:8080', GCE_METADATA_IP: '10.0.0.9' };
    assert.deepEqual(metadataHosts(env, '127.0.0.1:1'), {
      hosts: ['127.0.0.1:1'],
      chosenBy: 'the host option',
    });
    assert.deepEqual(metadataHosts(env).hosts, ['host.test:8080']);
    assert.deepEqual(metadataHosts({ GCE_METADATA_IP: '10.0.0.9' }).hosts, ['10.0.0.9']);
    assert.deepEqual(metadataHosts({ GCE_METADATA_HOST: '[::1]:8080' }).hosts, ['[::1]:8080']);
  });

  it("takes GCE_METADATA_ROOT, google-auth python's older name of GCE_METADATA_HOST, between it and GCE_METADATA_IP", () => {
    const root = { GCE_METADATA_ROOT: 'root.test:8080', GCE_METADATA_IP: '10.0.0.9' };
    assert.deepEqual(metadataHosts(root), {
      hosts: ['root.test:8080'],
      chosenBy: 'GCE_METADATA_ROOT',
    });
    assert.deepEqual(metadataHosts({ ...root, GCE_METADATA_HOST: 'host.test' }).hosts, [
      'host.test',
    ]);
  });

  for (const bad of ['http://127.0.0.1:8080', '127.0.0.1/path', 'user@host', 'host:port:x']) {
    it(`rejects GCE_METADATA_HOST='${bad}' as not host[:port]`, () => {
      const error = (() => {
        try {
          metadataHosts({ GCE_METADATA_HOST: bad });
        } catch (e) {
          return e;
        }
        return assert.fail('expected an error');
      })();
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_INVALID_OPTIONS');
      assert.match(error.message, /GCE_METADATA_HOST must be host\[:port\]/);
    });
  }
});

describe('metadata protocol halves', () => {
  it('builds a GET under /computeMetadata/v1/ with Metadata-Flavor: Google', () => {
    const request = buildMetadataRequest('127.0.0.1:9', 'instance/service-accounts/a@b/identity', {
      audience: 'https://x.test/?a=1',
      format: 'full',
      skipped: undefined,
    });
    assert.equal(request.method, 'GET');
    assert.deepEqual(request.headers, GOOGLE);
    const url = new URL(request.url);
    assert.equal(url.pathname, '/computeMetadata/v1/instance/service-accounts/a@b/identity');
    assert.equal(url.searchParams.get('audience'), 'https://x.test/?a=1');
    assert.equal(url.searchParams.get('format'), 'full');
    assert.equal(url.searchParams.has('skipped'), false);
  });

  it('refuses a 200 without Metadata-Flavor: Google, before reading the body', () => {
    const error = (() => {
      try {
        parseMetadataResponse(
          { status: 200, headers: new Headers(), body: '{"access_token":"ya29.stolen"}' },
          'http://127.0.0.1:9/computeMetadata/v1/x',
          'metadata x',
        );
      } catch (e) {
        return e;
      }
      return assert.fail('expected an error');
    })();
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 'ERR_METADATA_SPOOFED');
    assert.ok(!JSON.stringify(error).includes('ya29.stolen'));
  });

  it('turns other statuses into HttpError and passes 2xx bodies through', () => {
    const url = 'http://127.0.0.1:9/computeMetadata/v1/x';
    const ok = { status: 200, headers: new Headers(GOOGLE), body: 'value' };
    assert.equal(parseMetadataResponse(ok, url, 'metadata x'), 'value');
    const missing = { status: 404, headers: new Headers(GOOGLE), body: 'Not Found' };
    assert.throws(
      () => parseMetadataResponse(missing, url, 'metadata x'),
      (e: unknown) => e instanceof HttpError && e.status === 404,
    );
  });
});

describe('MetadataClient against the emulated metadata server', () => {
  const emulator = useEmulator({ projectId: 'vm-project' });
  const client = () =>
    new MetadataClient({ env: { GCE_METADATA_HOST: emulator.current.host }, http: FAST });

  afterEach(() =>
    configureMetadata(emulator.current, { mode: 'normal', universeDomain: 'googleapis.com' }),
  );

  it('reaches the server GCE_METADATA_ROOT names when GCE_METADATA_HOST is unset', async () => {
    const metadata = new MetadataClient({
      env: { GCE_METADATA_ROOT: emulator.current.host },
      http: FAST,
    });
    assert.equal(await metadata.project(), 'vm-project');
  });

  it('reads the project, the zone and the universe', async () => {
    const metadata = client();
    assert.equal(await metadata.project(), 'vm-project');
    const number = await metadata.get('project/numeric-project-id');
    assert.match(number, /^\d{12}$/);
    assert.equal(await metadata.instance('zone'), `projects/${number}/zones/us-central1-a`);
    assert.equal(await metadata.universeDomain(), 'googleapis.com');
    configureMetadata(emulator.current, { universeDomain: 'example-universe.test' });
    assert.equal(await client().universeDomain(), 'example-universe.test');
  });

  it('reports googleapis.com when the server has no universe-domain entry (404)', async () => {
    configureMetadata(emulator.current, { universeDomain: null });
    assert.equal(await client().universeDomain(), 'googleapis.com');
  });

  it('reads JSON values when asked', async () => {
    const token = await client().get<{ access_token: string }>(
      'instance/service-accounts/default/token',
      { json: true },
    );
    assert.match(token.access_token, /^ya29\./);
  });

  it('asks once for values that never change, even for concurrent callers', async () => {
    const metadata = client();
    const ids = await Promise.all(Array.from({ length: 20 }, () => metadata.project()));
    assert.deepEqual(new Set(ids), new Set(['vm-project']));
    await metadata.project();
    assert.equal(emulator.current.hits.metadata, 1);
  });

  it('fails a missing path with ERR_HTTP 404 and does not retry it', async () => {
    const error = await failure(client().get('instance/no-such-thing'));
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'ERR_HTTP');
    assert.equal(error.status, 404);
    assert.equal(emulator.current.hits.metadata, 1);
  });

  it('retries 500s and then reports ERR_METADATA_UNAVAILABLE', async () => {
    emulator.current.fail('metadata', { status: 500, headers: GOOGLE, count: 3 });
    const error = await failure(client().project());
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 'ERR_METADATA_UNAVAILABLE');
    assert.equal((error.cause as { status?: number }).status, 500);
    assert.equal(emulator.current.hits.metadata, 3);
  });

  it('recovers when a 503 is followed by an answer', async () => {
    emulator.current.fail('metadata', { status: 503, headers: GOOGLE });
    assert.equal(await client().project(), 'vm-project');
    assert.equal(emulator.current.hits.metadata, 2);
  });

  it('refuses a server that answers without Metadata-Flavor, without retrying', async () => {
    configureMetadata(emulator.current, { mode: 'spoofed' });
    const error = await failure(client().project());
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 'ERR_METADATA_SPOOFED');
    assert.equal(emulator.current.hits.metadata, 1);
  });

  it('bounds a slow server by the configured timeout', async () => {
    emulator.current.fail('metadata', { delayMs: 400, count: 2 });
    const metadata = new MetadataClient({
      env: { GCE_METADATA_HOST: emulator.current.host },
      http: { timeoutMs: 40, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 } },
    });
    const error = await failure(metadata.project());
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 'ERR_METADATA_UNAVAILABLE');
    assert.ok(error.cause instanceof TimeoutError);
    assert.equal(error.cause.timeoutMs, 40);
  });

  it('bounds a black hole (accepts, never answers) by the timeout, per attempt', async () => {
    const hole = await blackHole();
    try {
      const metadata = new MetadataClient({
        env: { GCE_METADATA_HOST: hole.host },
        // Long enough that a loaded machine connects (and the server accepts) inside each attempt.
        http: { timeoutMs: 300, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 } },
      });
      const error = await failure(metadata.project());
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_METADATA_UNAVAILABLE');
      assert.ok(error.cause instanceof TimeoutError);
      assert.equal(error.cause.timeoutMs, 300);
      assert.ok(hole.connections() >= 2);
    } finally {
      await hole.close();
    }
  });

  it('reports a closed port as ERR_METADATA_UNAVAILABLE naming the host', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const metadata = new MetadataClient({ env: { GCE_METADATA_HOST: host }, http: FAST });
    const error = await failure(metadata.project());
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 'ERR_METADATA_UNAVAILABLE');
    assert.ok(error.message.includes(host));
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('parses a non-JSON value asked for as JSON into ERR_TOKEN_RESPONSE', async () => {
    const error = await failure(client().get('project/project-id', { json: true }));
    assert.ok(error instanceof TokenResponseError);
  });
});

describe('the emulated metadata server', () => {
  const emulator = useEmulator();

  it('answers 403 to a request without Metadata-Flavor: Google, and marks every answer', async () => {
    const url = `${emulator.current.url}/computeMetadata/v1/project/project-id`;
    const bare = await fetch(url);
    assert.equal(bare.status, 403);
    assert.equal(bare.headers.get('metadata-flavor'), 'Google');
    const flavoured = await fetch(url, { headers: GOOGLE });
    assert.equal(flavoured.status, 200);
    assert.equal(await flavoured.text(), 'emulated-project');
  });

  it('lists its service accounts and their scopes', async () => {
    const get = async (path: string) =>
      (
        await fetch(`${emulator.current.url}/computeMetadata/v1/${path}`, { headers: GOOGLE })
      ).text();
    const email = emulator.current.serviceAccountKey.client_email;
    assert.equal(await get('instance/service-accounts/'), `default/\n${email}/\n`);
    assert.equal(await get(`instance/service-accounts/${email}/email`), email);
    assert.equal(await get('instance/service-accounts/default/aliases'), 'default\n');
    configureMetadata(emulator.current, { scopes: ['a', 'b'] });
    assert.equal(await get('instance/service-accounts/default/scopes'), 'a\nb\n');
  });

  it('refuses to serve an account the emulator never registered', () => {
    assert.throws(
      () => configureMetadata(emulator.current, { serviceAccountEmail: 'ghost@x.test' }),
      /not a registered service account/,
    );
  });
});
