import assert from 'node:assert/strict';
import {
  excerpt,
  HttpError,
  MAX_EXCERPT_LENGTH,
  OAuthError,
  redactSecrets,
} from '../src/errors.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { useEmulator } from './support/emulator.js';
import { caught } from './support/login.js';
import { assertNoSecrets } from './support/secrets.js';

const NO_RETRY = { retry: { maxAttempts: 1 } };

describe('redaction of server text', () => {
  const emulator = useEmulator();

  // The old JWT pattern rescanned the rest of the run from every `eyJ`: 15 KB took 50–165 ms,
  // so this 1 MiB input would take minutes and fail on the suite's timeout. Linear, it is instant.
  it('redacts a 1 MiB run of eyJ- (quadratic for a backtracking JWT pattern) in one linear pass', () => {
    const hostile = 'eyJ-'.repeat(256 * 1024);
    assert.equal(redactSecrets(hostile), hostile);
    assert.equal(redactSecrets(`${hostile}.eyJ.sig`), '[redacted jwt]');
    const ids = `id ${'eyJ.'.repeat(1000)}`;
    assert.ok(!redactSecrets(ids).includes('eyJ.eyJ'));
  });

  it('still redacts JWTs inside longer runs, after a dash or dot, and in query strings', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    for (const text of [`x-${jwt}`, `a.${jwt}`, `id_token=${jwt}&x=1`, `"${jwt}"`, `${jwt}.tail`]) {
      assert.ok(!redactSecrets(text).includes('eyJzdWIiOiJ4In0'), text);
    }
    assert.equal(redactSecrets('key eyJ only.one'), 'key eyJ only.one');
  });

  it('quotes a short redacted excerpt of a 128 KB token-endpoint error body', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    const description = `${jwt} ${'eyJ-'.repeat(32 * 1024)}`;
    emulator.current.fail('token', {
      status: 400,
      body: JSON.stringify({ error: 'invalid_grant', error_description: description }),
    });
    const error = await caught(
      UserCredentials.fromJson(emulator.current.authorizedUser, {
        http: NO_RETRY,
      }).getAccessToken(),
    );
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, 'ERR_INVALID_GRANT');
    assert.ok(error.message.length < 2 * MAX_EXCERPT_LENGTH + 200, `${error.message.length}`);
    assert.ok((error.errorDescription ?? '').length <= MAX_EXCERPT_LENGTH + 1);
    assertNoSecrets(error, [jwt, emulator.current.authorizedUser.refresh_token]);
  });

  it('quotes a short excerpt of a large non-JSON error body, without its control characters', async () => {
    emulator.current.fail('token', {
      status: 502,
      body: `upstream\r\nX-Forged: yes\u001b[31m ${'x'.repeat(128 * 1024)}`,
    });
    const error = await caught(
      UserCredentials.fromJson(emulator.current.authorizedUser, {
        http: NO_RETRY,
      }).getAccessToken(),
    );
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'ERR_HTTP');
    assert.ok(error.message.length < MAX_EXCERPT_LENGTH + 200, `${error.message.length}`);
    assert.ok(!/[\r\n]/.test(error.message) && !error.message.includes('\u001b'));
  });

  it('excerpt() collapses white space, escapes controls and cuts at the bound', () => {
    assert.equal(excerpt('a \r\n\t b\u0007'), 'a b\\u0007');
    assert.equal(excerpt('y'.repeat(1000)), `${'y'.repeat(MAX_EXCERPT_LENGTH)}…`);
    assert.equal(excerpt('refresh_token=abc'), 'refresh_token=[redacted]');
  });
});
