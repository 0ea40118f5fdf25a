import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { drive } from '@googleapis/drive';
import { AuthorizedClient } from '../src/transport/authorized-client.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';

const SCOPE = 'https://www.googleapis.com/auth/drive.readonly';

interface Echo {
  principal: string;
  quotaProject: string | null;
  body: string | null;
  method: string;
}

describe('AuthorizedClient', () => {
  const emulator = useEmulator();
  const serviceAccount = () =>
    ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: [SCOPE],
      http: FAST_HTTP,
    });

  it('authorizes gaxios-style requests and keeps the caller headers', async () => {
    const client = new AuthorizedClient(serviceAccount().withQuotaProject('billing'));
    const response = await client.request<Echo>({
      url: emulator.current.echoUrl,
      headers: { 'x-custom': 'kept' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.data.principal, emulator.current.serviceAccountKey.client_email);
    assert.equal(response.data.quotaProject, 'billing');
  });

  it('refreshes once and replays when the API answers 401', async () => {
    const client = new AuthorizedClient(serviceAccount());
    await client.request({ url: emulator.current.echoUrl });
    emulator.current.expireAccessTokens();
    emulator.current.resetHits();
    const response = await client.request<Echo>({
      url: emulator.current.echoUrl,
      method: 'POST',
      data: { a: 1 },
    });
    assert.equal(response.status, 200);
    assert.equal(response.data.body, '{"a":1}');
    assert.equal(emulator.current.hits.token, 1);
    assert.equal(emulator.current.hits.echo, 2);
  });

  it('gives up after maxRefreshAttempts and returns the 401 error', async () => {
    const client = new AuthorizedClient(serviceAccount(), { maxRefreshAttempts: 1 });
    await client.request({ url: emulator.current.echoUrl });
    emulator.current.fail('echo', { status: 401, count: 2 });
    emulator.current.resetHits();
    await assert.rejects(
      client.request({ url: emulator.current.echoUrl }),
      (e: Error & { status?: number }) => {
        assert.equal(e.status, 401);
        assert.doesNotMatch(JSON.stringify(e), /ya29\./);
        return true;
      },
    );
    assert.equal(emulator.current.hits.echo, 2);
    assert.equal(emulator.current.hits.token, 1);
  });

  it('never replays a stream body', async () => {
    const client = new AuthorizedClient(serviceAccount());
    await client.request({ url: emulator.current.echoUrl });
    emulator.current.expireAccessTokens();
    emulator.current.resetHits();
    await assert.rejects(
      client.request({
        url: emulator.current.echoUrl,
        method: 'POST',
        data: Readable.from(['streamed']),
      }),
      (e: Error & { status?: number }) => e.status === 401,
    );
    assert.equal(emulator.current.hits.echo, 1);
  });

  it('refreshes on the status codes it is told to', async () => {
    const client = new AuthorizedClient(serviceAccount(), { refreshStatusCodes: [401, 403] });
    await client.fetch(emulator.current.echoUrl);
    emulator.current.fail('echo', { status: 403 });
    emulator.current.resetHits();
    const response = await client.fetch(emulator.current.echoUrl);
    assert.equal(response.status, 200);
    assert.equal(emulator.current.hits.token, 1);
  });

  it('fetch() authorizes, refreshes on 401 and replays a string body', async () => {
    const user = UserCredentials.fromJson(emulator.current.authorizedUser, { http: FAST_HTTP });
    const client = new AuthorizedClient(user);
    assert.equal((await client.fetch(emulator.current.echoUrl)).status, 200);
    emulator.current.expireAccessTokens();
    const response = await client.fetch(emulator.current.echoUrl, {
      method: 'PUT',
      body: 'payload',
    });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as Echo).body, 'payload');
  });

  it('fetch() sends through the fetch it is given, authorized, and streams a body past 4 MiB', async () => {
    const sent: string[] = [];
    const client = new AuthorizedClient(serviceAccount(), {
      fetch: (input, init) => {
        sent.push(new Headers(init?.headers).get('authorization') ?? '');
        return fetch(input, init);
      },
    });
    const payload = 'x'.repeat(5 * 1024 * 1024);
    const response = await client.fetch(emulator.current.echoUrl, { method: 'PUT', body: payload });
    assert.equal(response.status, 200);
    assert.ok(response.body instanceof ReadableStream);
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
    }
    assert.ok(size > payload.length, `read ${size} bytes`);
    assert.equal(sent.length, 1);
    assert.match(sent[0], /^Bearer ya29\./);
  });

  it('fetch() refuses a fetch option that is not a function', () => {
    assert.throws(
      () => new AuthorizedClient(serviceAccount(), { fetch: 'no' as unknown as typeof fetch }),
      { code: 'ERR_INVALID_OPTIONS', message: /fetch must be a fetch function/ },
    );
  });

  it('shares one refresh when a burst of requests all get 401', async () => {
    const client = new AuthorizedClient(serviceAccount());
    await client.fetch(emulator.current.echoUrl);
    emulator.current.expireAccessTokens();
    emulator.current.resetHits();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => client.fetch(emulator.current.echoUrl)),
    );
    assert.ok(responses.every((r) => r.status === 200));
    assert.equal(emulator.current.hits.token, 1);
  });

  it('rejects a negative maxRefreshAttempts', () => {
    assert.throws(() => new AuthorizedClient(serviceAccount(), { maxRefreshAttempts: -1 }), {
      code: 'ERR_INVALID_OPTIONS',
    });
  });

  it('works as the auth of @googleapis/drive: files.list() makes an authorized call', async () => {
    const auth = new AuthorizedClient(serviceAccount());
    const client = drive({
      version: 'v3',
      auth: auth.forGoogleApis(),
      rootUrl: `${emulator.current.url}/`,
    });
    const result = await client.files.list({ pageSize: 5 });
    assert.equal(result.status, 200);
    assert.equal(result.data.kind, 'drive#fileList');
    const echo = result.data as unknown as Echo & { path: string };
    assert.equal(echo.path, '/drive/v3/files');
    assert.equal(echo.principal, emulator.current.serviceAccountKey.client_email);
    assert.equal(await auth.getUniverseDomain(), 'googleapis.com');
  });
});
