import assert from 'node:assert/strict';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { InvalidOptionsError, OAuthError } from '../src/errors.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { useEmulator } from './support/emulator.js';

describe('error messages that name the fix', () => {
  const emulator = useEmulator();

  it('says a service account has no scopes before asking the server (which answers invalid_scope)', async () => {
    const credentials = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey);
    await assert.rejects(credentials.getAccessToken(), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionsError);
      assert.equal(error.code, 'ERR_INVALID_OPTIONS');
      assert.match(error.message, /an access token needs scopes and none were given; pass scopes/);
      return true;
    });
    assert.equal(emulator.current.hits.token, 0, 'no request was sent');
  });

  it('says "log in again" once when a refresh token is rejected', async () => {
    emulator.current.fail('token', {
      status: 400,
      body: JSON.stringify({
        error: 'invalid_grant',
        error_description: 'Token has been expired or revoked.',
      }),
    });
    const user = UserCredentials.fromJson(emulator.current.authorizedUser, {
      http: { retry: { maxAttempts: 1 } },
    });
    await assert.rejects(user.getAccessToken(), (error: unknown) => {
      assert.ok(error instanceof OAuthError);
      assert.equal(error.code, 'ERR_INVALID_GRANT');
      assert.equal(error.message.split('log in again').length - 1, 1, error.message);
      assert.match(
        error.message,
        /rejected with invalid_grant \(Token has been expired or revoked\.\), so the user must log in again, e\.g\. `warrant login`/,
      );
      return true;
    });
  });
});
