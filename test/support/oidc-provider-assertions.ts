// Assertions shared by the provider, web-login and OAuth 1.0a tests.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { AuthError, type AuthErrorCode } from '../../src/errors.js';

/** Everything of an error a log line or a crash report could show. */
export function everythingShown(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  return [
    e?.message,
    e?.stack,
    inspect(e, { depth: 5 }),
    JSON.stringify(e),
    e?.cause === undefined ? '' : inspect(e.cause, { depth: 5 }),
  ].join('\n');
}

/** Asserts `error` is an AuthError with `code` and shows none of `secrets`. */
export function assertAuthError(
  error: unknown,
  code: AuthErrorCode,
  secrets: readonly (string | undefined)[] = [],
): AuthError {
  assert.ok(error instanceof AuthError, `expected an AuthError, got ${inspect(error)}`);
  assert.equal(error.code, code, `expected ${code}: ${error.message}`);
  const shown = everythingShown(error);
  for (const secret of secrets) {
    if (secret)
      assert.ok(!shown.includes(secret), `the error shows a secret: ${secret.slice(0, 6)}…`);
  }
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
