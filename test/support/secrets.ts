// One definition of "an error leaks a secret", shared by every test that feeds bad input.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

/** Everything an error exposes: message, stack, the cause chain, JSON and util.inspect. */
export function everythingShown(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const err = e as Error & { cause?: unknown };
    parts.push(
      String(err.message),
      String(err.stack),
      JSON.stringify(err),
      inspect(err, { depth: 5 }),
    );
    e = err.cause;
  }
  return parts.join('\n');
}

/** Asserts that none of `secrets` appears anywhere `error` shows itself. */
export function assertNoSecrets(error: unknown, secrets: readonly (string | undefined)[]): void {
  const shown = everythingShown(error);
  for (const secret of secrets) {
    // The failure names only the start of the secret, so the test output does not leak it.
    if (secret)
      assert.ok(!shown.includes(secret), `the error shows a secret: ${secret.slice(0, 6)}…`);
  }
}
