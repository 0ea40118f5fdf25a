import { InvalidOptionsError } from '../errors.js';
import { normalizeScopes } from '../credentials/credentials.js';
import { definedOnly } from '../options.js';
import { UserCredentials, type UserCredentialsOptions } from '../credentials/user-credentials.js';
import { setRefreshGate } from '../credentials/refresh-gate.js';
import { SaveQueue } from './save-queue.js';
import { readTokenRecord, tokenRecord } from './token-record.js';
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
 * token or a rotated refresh token (the 'tokens' event). Saves run one at a time, in order;
 * callers get a new token without waiting for its save, but the next refresh waits until the
 * refresh token it sends is saved. Only this object is bound: `withScopes()` and friends
 * return unbound copies.
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
  if (!(credentials instanceof UserCredentials)) {
    throw new InvalidOptionsError(
      'bindToStore binds UserCredentials (from a login or loadUserCredentials)',
    );
  }
  const { saveNow = true, onError = warn } = options;
  if (saveNow) await store.set(key, storedRecord(credentials));
  const saves = new SaveQueue(onError);
  const listener = () => saves.add(() => store.set(key, storedRecord(credentials)));
  credentials.on('tokens', listener);
  setRefreshGate(credentials, () => saves.settled());
  return {
    flush: () => saves.flush(),
    unbind() {
      credentials.off('tokens', listener);
      setRefreshGate(credentials, undefined);
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
  const saved = readTokenRecord(record, source);
  // A token without a known expiry would be served forever once loaded, so it is not used.
  const usable =
    saved.expiresAt !== undefined &&
    (options.scopes === undefined || sameScopes(options.scopes, saved.scopes));
  const held: Partial<UserCredentialsOptions> = {
    scopes: saved.scopes && [...saved.scopes],
    // The saved token was issued for the saved scopes; other scopes need a token of their own.
    accessToken: usable ? saved.accessToken : undefined,
    expiresAt: usable ? saved.expiresAt : undefined,
  };
  return UserCredentials.fromJson(record, { source, ...held, ...definedOnly(options) });
}

/**
 * The record saved for credentials: their `authorized_user` JSON plus their scopes and current
 * access token with its expiry, in the one token-record format.
 */
export function storedRecord(credentials: UserCredentials): Record<string, unknown> {
  const expiresAt = credentials.expiresAt?.getTime();
  // A token without a known expiry would be served forever once loaded, so it is not kept.
  return tokenRecord(
    {
      accessToken: expiresAt === undefined ? undefined : credentials.token,
      expiresAt,
      scopes: credentials.scopes,
    },
    credentials.toJson(),
  );
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
