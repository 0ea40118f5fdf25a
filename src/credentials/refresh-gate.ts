/**
 * What a credential's next refresh must wait for: a token store still saving the refresh token
 * that refresh will send. Set by the store binding, which lives above credentials/; kept per
 * instance (weakly), so an unbound copy made by `withScopes()` never waits.
 */
const gates = new WeakMap<object, () => Promise<void>>();

export function setRefreshGate(credentials: object, gate: (() => Promise<void>) | undefined): void {
  if (gate) gates.set(credentials, gate);
  else gates.delete(credentials);
}

/** The wait before `credentials` may refresh, or undefined (no await) when there is none. */
export function passRefreshGate(credentials: object): Promise<void> | undefined {
  return gates.get(credentials)?.();
}
