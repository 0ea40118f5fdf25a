import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { AUDIENCE_SLOTS } from '../src/credentials/credentials.js';
import { AuthError, HttpError } from '../src/errors.js';
import { FakeCredentials, FakeScript, ManualClock } from './support/fake-credentials.js';

function setup(options: { lifetimeSec?: number; refreshMargin?: number } = {}) {
  const clock = new ManualClock();
  const script = new FakeScript();
  const credentials = new FakeCredentials({ ...options, script, clock: clock.now });
  return { clock, script, credentials };
}

describe('Credentials token lifecycle', () => {
  it('shares one refresh among 500 concurrent callers', async () => {
    const { script, credentials } = setup();
    script.delayMs = 5;
    const headers = await Promise.all(
      Array.from({ length: 500 }, () => credentials.getRequestHeaders()),
    );
    assert.equal(script.fetches, 1);
    assert.ok(headers.every((h) => h.get('authorization') === 'Bearer token-1'));
  });

  it('reuses a valid token without fetching again', async () => {
    const { script, credentials } = setup();
    await credentials.getAccessToken();
    await credentials.getAccessToken();
    assert.equal(script.fetches, 1);
    assert.equal(credentials.valid, true);
    assert.equal(credentials.expired, false);
  });

  it('refreshes five minutes before expiry by default', async () => {
    const { clock, script, credentials } = setup({ lifetimeSec: 3600 });
    await credentials.getAccessToken();
    clock.advance(3600 - 301);
    await credentials.getAccessToken();
    assert.equal(script.fetches, 1);
    clock.advance(2);
    assert.equal(credentials.expired, true);
    assert.equal(await credentials.getAccessToken(), 'token-2');
  });

  it('adapts the margin to a 120 s token: 20 calls over a minute fetch once', async () => {
    const { clock, script, credentials } = setup({ lifetimeSec: 120 });
    for (let i = 0; i < 20; i++) {
      await credentials.getRequestHeaders();
      clock.advance(2.9);
    }
    assert.equal(script.fetches, 1);
    clock.advance(5);
    await credentials.getRequestHeaders();
    assert.equal(script.fetches, 2);
  });

  it('honours a custom refreshMargin', async () => {
    const { clock, script, credentials } = setup({ lifetimeSec: 3600, refreshMargin: 10_000 });
    await credentials.getAccessToken();
    clock.advance(3600 - 11);
    await credentials.getAccessToken();
    assert.equal(script.fetches, 1);
    clock.advance(2);
    await credentials.getAccessToken();
    assert.equal(script.fetches, 2);
  });

  it('rejects every waiter with the same error when a refresh fails', async () => {
    const { script, credentials } = setup();
    const failure = new HttpError('token request failed with HTTP 500', { status: 500, url: 'x' });
    script.failures.push(failure);
    script.delayMs = 5;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => credentials.getRequestHeaders()),
    );
    assert.equal(script.fetches, 1);
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.equal((result as PromiseRejectedResult).reason, failure);
    }
    assert.equal(credentials.token, undefined);
  });

  it('keeps a previous token that has not really expired when a refresh fails', async () => {
    const { clock, script, credentials } = setup({ lifetimeSec: 3600 });
    await credentials.getAccessToken();
    const expiresAt = credentials.expiresAt;
    clock.advance(3600 - 120); // inside the margin, two minutes before real expiry
    script.failures.push(new HttpError('down', { status: 503, url: 'x' }));
    await assert.rejects(credentials.getAccessToken(), { code: 'ERR_HTTP' });
    assert.equal(credentials.token, 'token-1');
    assert.deepEqual(credentials.expiresAt, expiresAt);
    // The old token stays in use for a short cool-down rather than hammering a failed endpoint.
    assert.equal(await credentials.getAccessToken(), 'token-1');
    assert.equal(script.fetches, 2);
    clock.advance(11);
    assert.equal(await credentials.getAccessToken(), 'token-3');
  });

  it('does not serve a token that has really expired after a failed refresh', async () => {
    const { clock, script, credentials } = setup({ lifetimeSec: 3600 });
    await credentials.getAccessToken();
    clock.advance(3601);
    script.failures.push(new HttpError('down', { status: 503, url: 'x' }));
    await assert.rejects(credentials.getAccessToken(), { code: 'ERR_HTTP' });
    assert.equal(await credentials.getAccessToken(), 'token-3');
    assert.equal(script.fetches, 3);
  });

  it('refresh() fetches even when the token is valid, and concurrent calls share it', async () => {
    const { script, credentials } = setup();
    await credentials.getAccessToken();
    script.delayMs = 5;
    await Promise.all([credentials.refresh(), credentials.refresh(), credentials.getAccessToken()]);
    assert.equal(script.fetches, 2);
    assert.equal(credentials.token, 'token-2');
  });

  it("emits 'tokens' on every new token and stops after off()", async () => {
    const { clock, credentials } = setup();
    const seen: string[] = [];
    const listener = (t: { accessToken: string }) => seen.push(t.accessToken);
    credentials.on('tokens', listener);
    await credentials.getAccessToken();
    clock.advance(4000);
    await credentials.getAccessToken();
    credentials.off('tokens', listener);
    await credentials.refresh();
    assert.deepEqual(seen, ['token-1', 'token-2']);
  });

  it("survives a 'tokens' listener that throws", async () => {
    const { credentials } = setup();
    credentials.on('tokens', () => {
      throw new Error('listener bug');
    });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      assert.equal(await credentials.getAccessToken(), 'token-1');
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    assert.ok(warnings.some((w) => w.includes('listener bug')));
  });

  it('rejects unknown event names with a typed error', () => {
    const { credentials } = setup();
    assert.throws(() => credentials.on('token' as 'tokens', () => {}), {
      code: 'ERR_INVALID_OPTIONS',
    });
  });

  it('sends x-goog-user-project only when a quota project is set', async () => {
    const { credentials } = setup();
    assert.equal((await credentials.getRequestHeaders()).get('x-goog-user-project'), null);
    const billed = credentials.withQuotaProject('billing-project');
    const headers = await billed.getRequestHeaders();
    assert.equal(headers.get('x-goog-user-project'), 'billing-project');
    assert.match(headers.get('authorization') ?? '', /^Bearer token-/);
  });

  it('shares one read-only Headers among callers until the token changes', async () => {
    const { clock, credentials } = setup();
    const first = await credentials.getRequestHeaders();
    assert.ok(first instanceof Headers);
    assert.equal(await credentials.getRequestHeaders(), first);
    assert.throws(() => first.set('x-extra', '1'), {
      name: 'TypeError',
      message: /copy them first with new Headers\(headers\)/,
    });
    assert.throws(() => first.append('authorization', 'Bearer other'), TypeError);
    assert.throws(() => first.delete('authorization'), TypeError);
    assert.equal(first.get('authorization'), 'Bearer token-1');
    const copy = new Headers(first);
    copy.set('x-extra', '1');
    assert.equal(copy.get('authorization'), 'Bearer token-1');
    clock.advance(4000);
    const next = await credentials.getRequestHeaders();
    assert.notEqual(next, first);
    assert.equal(next.get('authorization'), 'Bearer token-2');
    assert.equal(first.get('authorization'), 'Bearer token-1');
  });

  it('answers get() for any spelling of a header name as Headers does, and refuses invalid names', async () => {
    const { credentials } = setup();
    const headers = await credentials.withQuotaProject('billing').getRequestHeaders();
    const plain = new Headers(headers);
    for (const name of ['authorization', 'Authorization', 'X-GOOG-USER-PROJECT', 'absent', 'get']) {
      assert.equal(headers.get(name), plain.get(name), name);
    }
    assert.throws(() => headers.get('bad name'), TypeError);
    assert.equal(headers.has('authorization'), true);
  });

  it('reads the same headers as Headers and as a plain record of strings, and refuses changes either way', async () => {
    const { credentials } = setup();
    const headers = await credentials.withQuotaProject('billing').getRequestHeaders();
    const expected = { authorization: 'Bearer token-1', 'x-goog-user-project': 'billing' };
    assert.deepEqual(Object.fromEntries(headers), expected);
    const visited: Record<string, string> = {};
    headers.forEach((value, name) => (visited[name] = value));
    assert.deepEqual(visited, expected);
    assert.deepEqual(Object.keys(headers).sort(), Object.keys(expected));
    assert.deepEqual({ ...headers }, expected);
    assert.deepEqual(Object.assign({}, headers), expected);
    const record = headers as unknown as Record<string, unknown>;
    assert.throws(() => (record.authorization = 'Bearer other'), TypeError);
    assert.throws(() => (record['x-extra'] = '1'), TypeError);
    assert.throws(() => delete record.authorization, TypeError);
    assert.equal(headers.get('authorization'), 'Bearer token-1');
    assert.equal(record.authorization, 'Bearer token-1');
  });

  it('withScopes and withQuotaProject return new objects and leave the original alone', () => {
    const { credentials } = setup();
    const scoped = credentials.withScopes('a b a');
    const billed = scoped.withQuotaProject('p');
    assert.ok(scoped instanceof FakeCredentials);
    assert.notEqual(scoped, credentials);
    assert.deepEqual(credentials.scopes, []);
    assert.deepEqual(scoped.scopes, ['a', 'b']);
    assert.deepEqual(billed.scopes, ['a', 'b']);
    assert.equal(scoped.quotaProjectId, undefined);
    assert.equal(billed.quotaProjectId, 'p');
    assert.throws(() => (scoped.scopes as string[]).push('c'));
  });

  it('keeps one token per audience, each with its own single flight', async () => {
    const { script, credentials } = setup();
    script.delayMs = 2;
    await Promise.all([
      credentials.getRequestHeaders('aud:one'),
      credentials.getRequestHeaders('aud:one'),
      credentials.getRequestHeaders('aud:two'),
    ]);
    assert.deepEqual(script.audiences.sort(), ['aud:one', 'aud:two']);
    await credentials.getRequestHeaders('aud:one');
    assert.equal(script.fetches, 2);
  });

  it(`fetches one token per audience for ${AUDIENCE_SLOTS} audiences in rotation, then serves them all from cache`, async () => {
    const { script, credentials } = setup();
    const audiences = Array.from({ length: AUDIENCE_SLOTS }, (_, i) => `aud:https://api${i}.test/`);
    for (let round = 0; round < 2; round++) {
      for (const audience of audiences) await credentials.getRequestHeaders(audience);
    }
    assert.equal(script.fetches, AUDIENCE_SLOTS);
    await credentials.getRequestHeaders('aud:one-more');
    await credentials.getRequestHeaders(audiences[0]);
    assert.equal(script.fetches, AUDIENCE_SLOTS + 2, 'past the bound, the least recent is dropped');
  });

  it(`re-fetches each of ${AUDIENCE_SLOTS} audiences in rotation once when its token nears expiry, not before`, async () => {
    const { clock, script, credentials } = setup({ lifetimeSec: 3600 });
    const audiences = Array.from({ length: AUDIENCE_SLOTS }, (_, i) => `aud:https://api${i}.test/`);
    const tokens = async () => {
      const seen = [];
      for (const audience of audiences) {
        seen.push((await credentials.getRequestHeaders(audience)).get('authorization'));
      }
      return seen;
    };
    const first = await tokens();
    clock.advance(3600 - 301);
    assert.deepEqual(await tokens(), first, 'outside the margin, every audience keeps its token');
    assert.equal(script.fetches, AUDIENCE_SLOTS);
    clock.advance(2);
    const second = await tokens();
    assert.equal(script.fetches, 2 * AUDIENCE_SLOTS);
    assert.ok(second.every((token, i) => token !== first[i]));
    assert.deepEqual(await tokens(), second);
    assert.equal(script.fetches, 2 * AUDIENCE_SLOTS, 'one re-fetch per audience per lifetime');
  });

  it('serves the new token in its headers once refresh() or a 401 replaces a valid one', async () => {
    const { credentials } = setup();
    assert.equal((await credentials.getRequestHeaders()).get('authorization'), 'Bearer token-1');
    await credentials.refresh();
    assert.equal((await credentials.getRequestHeaders()).get('authorization'), 'Bearer token-2');
    assert.equal(
      (await credentials.getRequestHeaders('aud:one')).get('authorization'),
      'Bearer token-3',
    );
    credentials.invalidate('aud:one', 'token-3');
    assert.equal(
      (await credentials.getRequestHeaders('aud:one')).get('authorization'),
      'Bearer token-4',
    );
  });

  it('invalidate() with a stale token is a no-op, with the current one forces a refresh', async () => {
    const { script, credentials } = setup();
    await credentials.getAccessToken();
    credentials.invalidate(undefined, 'some-older-token');
    await credentials.getAccessToken();
    assert.equal(script.fetches, 1);
    credentials.invalidate(undefined, 'token-1');
    assert.equal(await credentials.getAccessToken(), 'token-2');
  });

  it('fetchIdToken is a typed ERR_UNSUPPORTED where the type cannot mint ID tokens', async () => {
    const { credentials } = setup();
    await assert.rejects(credentials.fetchIdToken('https://x'), (e: unknown) => {
      assert.ok(e instanceof AuthError);
      assert.equal(e.code, 'ERR_UNSUPPORTED');
      assert.match(e.message, /service account/);
      return true;
    });
  });

  it('prints no token through util.inspect or JSON', async () => {
    const { credentials } = setup();
    await credentials.getAccessToken();
    assert.doesNotMatch(inspect(credentials), /token-1/);
    assert.doesNotMatch(JSON.stringify(credentials), /token-1/);
  });
});
