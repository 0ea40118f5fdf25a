import {
  Credentials,
  type CredentialsOptions,
  type TokenResult,
} from '../credentials/credentials.js';
import { AuthError, InvalidOptionsError, redactSecrets } from '../errors.js';
import { emitWarning } from '../platform/warning.js';
import { decodeUnverifiedClaims } from '../id-token/jws.js';
import type { TokenStore } from '../store/token-store.js';
import { AuthorizedClient } from '../transport/authorized-client.js';
import type { OAuthProvider } from '../oauth/provider.js';
import type { OAuthTokens } from '../oauth/tokens.js';
import { SaveQueue } from '../store/save-queue.js';
import { tokensFromJson, tokensToJson } from '../store/token-record.js';

/** Options for {@link ProviderSession}. */
export interface ProviderSessionOptions extends CredentialsOptions {
  provider: OAuthProvider;
  /** The tokens to start from, as a login returned them or a store kept them. */
  tokens: OAuthTokens;
  /** Called with every refreshed set of tokens, e.g. to save a rotated refresh token. */
  onTokens?: (tokens: OAuthTokens) => void | Promise<void>;
  /** Where refreshed tokens are saved, under `storeKey`. */
  store?: TokenStore;
  /** Key in `store`. Default: the provider's name. */
  storeKey?: string;
}

/**
 * A user's tokens with one provider, kept fresh: `fetch` and `getRequestHeaders` refresh
 * before expiry and once on a 401, with one refresh shared by every waiting caller (the
 * {@link Credentials} lifecycle). Refreshed tokens go to `onTokens` and `store`; a failure to
 * save them is reported as an `ERR_TOKEN_STORE` process warning, and the session carries on.
 *
 * @example
 * ```ts
 * const session = new ProviderSession({
 *   provider,
 *   tokens,
 *   store,
 *   storeKey: `github:${userId}`,
 * });
 * const response = await session.fetch('https://api.example.com/me');
 * ```
 */
export class ProviderSession extends Credentials<ProviderSessionOptions> {
  readonly type = 'oauth_provider_session';
  // The tokens, the provider and the store live in private fields, never in `options`, so
  // neither a spread nor util.inspect without custom inspection reaches them.
  #tokens: OAuthTokens;
  readonly #provider: OAuthProvider;
  #store?: { store: TokenStore; key: string };
  readonly #onTokens?: ProviderSessionOptions['onTokens'];
  /** Saves in progress: the next refresh waits for them, so a rotated refresh token is kept. */
  readonly #saves = new SaveQueue((error) =>
    emitWarning(storeError(`could not save tokens for ${this.#storeKey()}`, error)),
  );
  #client?: AuthorizedClient;
  /** The user of the first ID token: every refreshed one must name the same (OIDC Core §12.2). */
  readonly #subject?: string;

  /** A session; with a `store`, its first tokens are saved at once. */
  constructor(options: ProviderSessionOptions) {
    const { tokens, provider, store, storeKey, onTokens, ...rest } = options ?? {};
    if (typeof tokens?.accessToken !== 'string' || typeof provider?.refresh !== 'function') {
      throw new InvalidOptionsError(
        'ProviderSession needs provider (an OAuthProvider) and tokens (as a login returned them)',
      );
    }
    super({ ...rest } as ProviderSessionOptions);
    this.#tokens = tokens;
    this.#provider = provider;
    this.#subject = subjectOf(tokens.idToken);
    this.#onTokens = onTokens;
    if (store) {
      this.#store = { store, key: storeKey ?? provider.name };
      this.#save(tokens, false);
    }
    this.adoptToken(toTokenResult(tokens));
  }

  /** A session from tokens saved in `store`, or undefined when there are none. */
  static async fromStore(
    store: TokenStore,
    options: Omit<ProviderSessionOptions, 'tokens' | 'store'>,
  ): Promise<ProviderSession | undefined> {
    const key = options.storeKey ?? options.provider.name;
    let saved: Record<string, unknown> | undefined;
    try {
      saved = await store.get(key);
    } catch (error) {
      throw storeError(`could not read tokens for ${key}`, error);
    }
    const tokens = saved && tokensFromJson(saved, `token store entry '${key}'`);
    if (!tokens) return undefined;
    const session = new ProviderSession({ ...options, tokens });
    session.#store = { store, key };
    return session;
  }

  /** The provider the tokens are from. */
  get provider(): OAuthProvider {
    return this.#provider;
  }

  /** The current tokens, refresh token included. */
  get tokens(): OAuthTokens {
    return this.#tokens;
  }

  /**
   * `fetch`, authorized with the session's access token; see {@link AuthorizedClient.fetch}.
   * Sends through `http.fetch` when the session was given one, else the global `fetch`.
   */
  fetch(input: string | URL, init?: RequestInit): Promise<Response> {
    this.#client ??= new AuthorizedClient(this, { fetch: this.options.http?.fetch });
    return this.#client.fetch(input, init);
  }

  /** Revokes the refresh token (or the access token when there is none) at the provider. */
  async revoke(): Promise<void> {
    const { refreshToken, accessToken } = this.#tokens;
    await this.#provider.revoke(
      refreshToken ?? accessToken,
      refreshToken ? 'refresh_token' : 'access_token',
    );
  }

  /** Resolves once every save started so far has finished (or failed with a warning). */
  async saved(): Promise<void> {
    await this.#saves.settled();
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), provider: this.#provider.name };
  }

  protected override withOptions(changes: Partial<ProviderSessionOptions>): this {
    const copy = super.withOptions({
      tokens: this.#tokens,
      provider: this.#provider,
      onTokens: this.#onTokens,
      ...changes,
    });
    (copy as ProviderSession).#store ??= this.#store;
    return copy;
  }

  protected override async fetchToken(): Promise<TokenResult> {
    const provider = this.#provider;
    await this.#saves.settled();
    const refreshToken = this.#tokens.refreshToken;
    if (!refreshToken) {
      throw new AuthError(
        'ERR_INVALID_GRANT',
        `the access token from ${provider.name} expired and there is no refresh token; log the user in again`,
      );
    }
    const tokens = await provider.refresh(refreshToken, {
      scope: this.scopes.length > 0 ? this.scopes : undefined,
      expectedSubject: this.#subject,
    });
    this.#tokens = tokens;
    // Callers get the new token now; the next refresh waits for this save.
    this.#save(tokens, true);
    return toTokenResult(tokens);
  }

  #save(tokens: OAuthTokens, refreshed: boolean): void {
    this.#saves.add(async () => {
      if (refreshed) await this.#onTokens?.(tokens);
      await this.#store?.store.set(this.#storeKey(), tokensToJson(tokens));
    });
  }

  #storeKey(): string {
    return this.#store?.key ?? this.#provider.name;
  }
}

function subjectOf(idToken: string | undefined): string | undefined {
  if (!idToken) return undefined;
  try {
    const { sub } = decodeUnverifiedClaims(idToken);
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

function toTokenResult(tokens: OAuthTokens): TokenResult {
  return {
    accessToken: tokens.accessToken,
    expiresAt: tokens.expiresAt,
    refreshToken: tokens.refreshToken,
    idToken: tokens.idToken,
    scopes: tokens.scopes,
  };
}

function storeError(what: string, error: unknown): AuthError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AuthError('ERR_TOKEN_STORE', `${what}: ${redactSecrets(reason)}`);
}
