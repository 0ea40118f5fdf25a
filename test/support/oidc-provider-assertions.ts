// Assertions shared by the provider, web-login and OAuth 1.0a tests.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { AuthError, type AuthErrorCode } from '../../src/errors.js';
import { assertNoSecrets, everythingShown } from './secrets.js';

export { everythingShown };

/** Asserts `error` is an AuthError with `code` and shows none of `secrets`. */
export function assertAuthError(
  error: unknown,
  code: AuthErrorCode,
  secrets: readonly (string | undefined)[] = [],
): AuthError {
  assert.ok(error instanceof AuthError, `expected an AuthError, got ${inspect(error)}`);
  assert.equal(error.code, code, `expected ${code}: ${error.message}`);
  assertNoSecrets(error, secrets);
  return error;
}

/** Awaits `promise`, expecting it to reject with an AuthError of `code` that shows no secret. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: AuthErrorCode,
  secrets: readonly (string | undefined)[] = [],
): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    return assertAuthError(error, code, secrets);
  }
  assert.fail(`expected a rejection with ${code}`);
}
