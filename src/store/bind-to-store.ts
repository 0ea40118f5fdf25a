import { InvalidCredentialsError } from '../errors.js';
import { normalizeScopes } from '../credentials/credentials.js';
import { definedOnly } from '../options.js';
import { UserCredentials, type UserCredentialsOptions } from '../credentials/user-credentials.js';
import type { TokenStore } from './token-store.js';

/** Options of {@link bindToStore}. */
export interface BindToStoreOptions {
  /** Save the credentials at once, as well as on every new token. Default true. */
  saveNow?: boolean;
  /**
   * Called when a save after a refresh fails (the refresh itself has succeeded). Default: a
   * process warning. {@link StoreBinding.flush} also reports it.
   */
  onError?: (error: unknown) => void;
}

/** What {@link bindToStore} returns. */
export interface StoreBinding {
  /** Waits for pending saves; rejects with the error of the last failed one since the last flush. */
  flush(): Promise<void>;
  /** Stops saving. */
  unbind(): void;
}

/**
 * Keeps `credentials` saved in `store` under `key`: now, and whenever they get a new access
 * token or a rotated refresh token (the 'tokens' event). Saves run one at a time, in order.
 * Only this object is bound: `withScopes()` and friends return unbound copies.
 *
 * @example
 * ```ts
 * const credentials = await flow.runLocalServer();
 * await bindToStore(credentials, new FileTokenStore('credentials.json'), 'default');
 * ```
 */
export async function bindToStore(
  credentials: UserCredentials,
  store: TokenStore,
  key: string,
  options: BindToStoreOptions = {},
): Promise<StoreBinding> {
  const { saveNow = true, onError = warn } = options;
  if (saveNow) await store.set(key, storedRecord(credentials));
  let chain = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const listener = () => {
    chain = chain
      .then(() => store.set(key, storedRecord(credentials)))
      .catch((error: unknown) => {
        failure = { error };
        onError(error);
      });
  };
  credentials.on('tokens', listener);
  return {
    async flush() {
      await chain;
      const last = failure;
      failure = undefined;
      if (last) throw last.error;
    },
    unbind() {
      credentials.off('tokens', listener);
    },
  };
}

/**
 * User credentials saved in `store` under `key` (by {@link bindToStore}), or undefined when
 * there are none. The access token saved with them is used until it is due for refresh, unless
 * `options.scopes` asks for other scopes than it was issued for.
 */
export async function loadUserCredentials(
  store: TokenStore,
  key: string,
  options: Partial<UserCredentialsOptions> = {},
): Promise<UserCredentials | undefined> {
  const record = await store.get(key);
  if (record === undefined) return undefined;
  const source = `token store entry '${key}'`;
  const saved = parseStoredToken(record, source);
  if (options.scopes !== undefined && !sameScopes(options.scopes, saved.scopes)) {
    // The saved token was issued for the saved scopes; other scopes need a token of their own.
    saved.accessToken = undefined;
    saved.expiresAt = undefined;
  }
  return UserCredentials.fromJson(record, { source, ...saved, ...definedOnly(options) });
}

/**
 * The record saved for credentials: their `authorized_user` JSON plus their scopes and current
 * access token with its expiry.
 */
export function storedRecord(credentials: UserCredentials): Record<string, unknown> {
  const record: Record<string, unknown> = { ...credentials.toJson() };
  if (credentials.scopes.length > 0) record.scopes = [...credentials.scopes];
  // A token without a known expiry would be served forever once loaded, so it is not kept.
  if (credentials.token && credentials.expiresAt) {
    record.access_token = credentials.token;
    record.expiry = credentials.expiresAt.toISOString();
  }
  return record;
}

/** Reads the fields {@link storedRecord} adds to `authorized_user`: the one place they are parsed. */
function parseStoredToken(
  record: Record<string, unknown>,
  source: string,
): Partial<UserCredentialsOptions> {
  const { access_token: accessToken, expiry, scopes } = record;
  const bad = (field: string) =>
    new InvalidCredentialsError(`${source}: field ${field} is malformed (log in again)`, {
      source,
      field,
    });
  if (accessToken !== undefined && typeof accessToken !== 'string') throw bad('access_token');
  const expiresAt = expiry === undefined ? undefined : Date.parse(String(expiry));
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) throw bad('expiry');
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string'))
  ) {
    throw bad('scopes');
  }
  return {
    accessToken: expiresAt === undefined ? undefined : accessToken || undefined,
    expiresAt,
    scopes: scopes === undefined ? undefined : normalizeScopes(scopes as string[]),
  };
}

function sameScopes(
  wanted: string | readonly string[],
  saved: string | readonly string[] | undefined,
): boolean {
  const a = normalizeScopes(wanted).sort();
  const b = normalizeScopes(saved).sort();
  return a.length === b.length && a.every((scope, i) => scope === b[i]);
}

function warn(error: unknown): void {
  process.emitWarning(
    `could not save credentials to the token store: ${error instanceof Error ? error.message : String(error)}`,
  );
}
