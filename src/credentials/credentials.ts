import type { RotatingSecret, SharedToken, TokenCache, TokenIdentity } from './token-cache.js';
import { AuthError, InvalidOptionsError } from '../errors.js';
import { emitWarning } from '../platform/warning.js';
import type { HttpOptions } from '../http/types.js';
import { DEFAULT_UNIVERSE_DOMAIN } from '../options.js';
import { readOnlyHeaders } from './read-only-headers.js';
import { RecentlyUsedMap, type RecentlyUsed } from '../recently-used-map.js';

/** Five minutes: how long before expiry a token is refreshed, unless the token is short-lived. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** A token as a subclass fetched it. */
export interface TokenResult {
  accessToken: string;
  /** Epoch milliseconds; undefined when the server gave no lifetime. */
  expiresAt?: number;
  /** Present when the server issued (or rotated) a refresh token. */
  refreshToken?: string;
  idToken?: string;
  /** Scopes the server says it granted. */
  scopes?: string[];
}

/** Passed to 'tokens' listeners on every new token. */
export type TokensEvent = Readonly<TokenResult>;

/** What a subclass is asked to fetch a token for. */
export interface TokenRequest {
  /** Set when the token is bound to one audience (self-signed JWTs): the API's root URL. */
  audience?: string;
}

/** Options every credentials type accepts. */
export interface CredentialsOptions {
  /** OAuth scopes, as an array or one space-separated string. */
  scopes?: string | readonly string[];
  /** Project billed for quota; sent as `x-goog-user-project`. */
  quotaProjectId?: string;
  /** The universe the credentials belong to. Default `googleapis.com`. */
  universeDomain?: string;
  /**
   * Milliseconds before expiry at which a token counts as expired and is refreshed. Default five
   * minutes; never more than half a token's lifetime, so short-lived tokens are not refetched on
   * every call.
   */
  refreshMargin?: number;
  /** Timeout and retries for token requests. */
  http?: HttpOptions;
  /** Source of the current time in epoch milliseconds; for tests. */
  clock?: () => number;
  /**
   * A token cache shared with other credentials objects or processes (`warrant/cache`): one mint
   * per identity for all of them. Consulted only when this object's own token is missing or due.
   */
  tokenCache?: TokenCache;
}

/**
 * One cached token with its refresh deadline and the refresh in flight, if any. A cached-header
 * call reads `headers` and `refreshAt` of this one object and nothing else.
 */
class TokenSlot implements RecentlyUsed {
  /**
   * The request headers for `current`, built on first use and shared by every caller; dropped
   * whenever `current` changes.
   */
  headers?: Headers;
  /** Epoch ms at which `current` stops being served without a refresh. */
  refreshAt = 0;
  /** The mark of the per-audience map (see RecentlyUsedMap); unused on the main slot. */
  recentlyUsed = false;
  current?: TokenResult;
  inflight?: Promise<TokenResult>;
}

type TokensListener = (tokens: TokensEvent) => void;

/**
 * Self-signed JWTs kept per audience (API origin): a process talking to up to this many origins
 * signs each once per token lifetime. A slot holds one ~0.7 KB JWT and its headers, ~2 KB in
 * all, so the bound is ~20 MB per credentials object at worst (bench: self-signed JWT memory).
 */
export const AUDIENCE_SLOTS = 10_000;
const FAILED_REFRESH_COOLDOWN_MS = 10_000;

/**
 * Base of every credentials type, and the only place the token lifecycle lives: expiry with an
 * early-refresh margin, one refresh in flight shared by every caller, the 'tokens' event, and
 * keeping the previous token when a refresh fails. A subclass implements {@link fetchToken}.
 *
 * Credentials are immutable in configuration: {@link withScopes} and {@link withQuotaProject}
 * return new objects, so one credentials object can be handed to several API clients safely.
 *
 * @example
 * ```ts
 * const credentials = await ServiceAccountCredentials.fromFile('key.json', {
 *   scopes: ['https://www.googleapis.com/auth/cloud-platform'],
 * });
 * const headers = await credentials.getRequestHeaders();
 * ```
 */
export abstract class Credentials<O extends CredentialsOptions = CredentialsOptions> {
  /** The credentials file `type` this class stands for, e.g. `service_account`. */
  abstract readonly type: string;

  // Private, so a spread, JSON.stringify or util.inspect({customInspect: false}) of credentials
  // never reaches the client secret, refresh token or key the options carry.
  readonly #options: Readonly<O>;
  readonly scopes: readonly string[];
  readonly #slot = new TokenSlot();
  #audienceSlots?: RecentlyUsedMap<string, TokenSlot>;
  readonly #listeners = new Set<TokensListener>();

  constructor(options: O) {
    if (options.tokenCache !== undefined && typeof options.tokenCache?.fetch !== 'function') {
      throw new InvalidOptionsError(
        'tokenCache must be a TokenCache (an object with a fetch method), e.g. new MemoryTokenCache() from warrant/cache',
      );
    }
    this.#options = Object.freeze({ ...options });
    this.scopes = Object.freeze(normalizeScopes(options.scopes));
  }

  protected get options(): Readonly<O> {
    return this.#options;
  }

  /**
   * Fetches a fresh token from wherever this type gets them. Called by the base class only, at
   * most once at a time per audience.
   */
  protected abstract fetchToken(request: TokenRequest): Promise<TokenResult>;

  /**
   * The audience a request to `url` needs its own token for, or undefined when one token serves
   * every URL (the default). Service accounts override this for self-signed JWTs.
   */
  protected tokenAudience(_url?: string): string | undefined {
    return undefined;
  }

  /**
   * What identifies this object's token (for `audience`, when tokens are per audience) in a shared
   * {@link CredentialsOptions.tokenCache}. The default, undefined, keeps tokens unshared: a type
   * that cannot say whose token it holds must not hand it to anyone else.
   */
  protected tokenIdentity(
    _audience?: string,
  ): TokenIdentity | undefined | Promise<TokenIdentity | undefined> {
    return undefined;
  }

  /** The refresh token, for types whose refresh token rotates; kept newest across a fleet. */
  protected rotatingSecret(): RotatingSecret | undefined {
    return undefined;
  }

  /** The token identity of other credentials, for types whose tokens derive from theirs. */
  protected static identityOf(
    credentials: Credentials,
    audience?: string,
  ): TokenIdentity | undefined | Promise<TokenIdentity | undefined> {
    return credentials.tokenIdentity(audience);
  }

  /** The current access token, if one has been fetched. */
  get token(): string | undefined {
    return this.#slot.current?.accessToken;
  }

  /** When the current token really expires (not counting the refresh margin). */
  get expiresAt(): Date | undefined {
    const at = this.#slot.current?.expiresAt;
    return at === undefined ? undefined : new Date(at);
  }

  /** True when there is a token and it is inside its refresh margin or past expiry. */
  get expired(): boolean {
    return this.#slot.current !== undefined && this.now() >= this.#slot.refreshAt;
  }

  /** True when there is a token that is not yet due for refresh. */
  get valid(): boolean {
    return this.#slot.current !== undefined && this.now() < this.#slot.refreshAt;
  }

  /** Scopes the server said it granted with the current token; undefined when it did not say. */
  get grantedScopes(): readonly string[] | undefined {
    return this.#slot.current?.scopes;
  }

  get quotaProjectId(): string | undefined {
    return this.options.quotaProjectId;
  }

  /** The universe these credentials belong to (`googleapis.com` unless configured). */
  async getUniverseDomain(): Promise<string> {
    return this.options.universeDomain ?? DEFAULT_UNIVERSE_DOMAIN;
  }

  /** A valid access token, fetched or refreshed first when needed. */
  async getAccessToken(): Promise<string> {
    return this.#tokenFor(this.#slot, undefined);
  }

  /**
   * Headers that authorize a request to `url`: `authorization`, and `x-goog-user-project` when a
   * quota project is set. Refreshes first when the token is missing or due.
   *
   * The object is read-only and shared by every caller until the token changes, which keeps this
   * call as cheap as a lookup; to add headers, copy it: `new Headers(await getRequestHeaders())`.
   */
  async getRequestHeaders(url?: string): Promise<Headers> {
    const audience = this.tokenAudience(url);
    const slot = audience === undefined ? this.#slot : this.#audienceSlot(audience);
    if (slot.headers !== undefined && this.now() < slot.refreshAt) return slot.headers;
    let token = slot.current;
    if (!token || this.now() >= slot.refreshAt) {
      await this.#refresh(slot, audience);
      // The slot's token, not the one this call awaited: another refresh may have replaced
      // that one since, and headers cached for a replaced token would outlive it.
      token = slot.current as TokenResult;
    }
    slot.headers ??= this.#buildHeaders(token.accessToken);
    return slot.headers;
  }

  /**
   * Fetches a new token now, even if the current one is valid. Joins a refresh already in flight.
   * On failure the previous token is kept.
   */
  async refresh(): Promise<void> {
    await this.#refresh(this.#slot, undefined);
  }

  /**
   * Marks the token for `url` as due, so the next call fetches a new one. The transport calls this
   * when an API rejects a token; passing that `token` makes the call a no-op when another caller
   * has already replaced it, so a burst of 401s causes one refresh, not one each.
   */
  invalidate(url?: string, token?: string): void {
    const audience = this.tokenAudience(url);
    const slot = audience === undefined ? this.#slot : this.#audienceSlots?.get(audience);
    if (!slot?.current || (token !== undefined && slot.current.accessToken !== token)) return;
    slot.refreshAt = 0;
  }

  /**
   * An OpenID Connect ID token for `audience`. Types that cannot mint one throw `ERR_UNSUPPORTED`.
   */
  async fetchIdToken(_audience: string): Promise<string> {
    throw new AuthError(
      'ERR_UNSUPPORTED',
      `${this.type} credentials cannot fetch ID tokens; use service account, compute, impersonated or user credentials (with the openid scope)`,
    );
  }

  /** Calls `listener` with every new token, including rotated refresh tokens. */
  on(event: 'tokens', listener: TokensListener): this {
    checkEvent(event);
    this.#listeners.add(listener);
    return this;
  }

  off(event: 'tokens', listener: TokensListener): this {
    checkEvent(event);
    this.#listeners.delete(listener);
    return this;
  }

  /** New credentials like these but requesting `scopes`. */
  withScopes(scopes: string | readonly string[]): this {
    return this.withOptions({ scopes } as Partial<O>);
  }

  /** New credentials like these but billing quota to `projectId`. */
  withQuotaProject(projectId: string): this {
    return this.withOptions({ quotaProjectId: projectId } as Partial<O>);
  }

  /**
   * Installs a token obtained elsewhere (a code exchange, a token store) as the current token,
   * without a round trip and without a 'tokens' event.
   */
  protected adoptToken(token: TokenResult): void {
    this.#slot.current = token;
    this.#slot.headers = undefined;
    this.#slot.refreshAt = refreshDeadline(token.expiresAt, this.now(), this.options.refreshMargin);
  }

  /** A new instance of the same class with `changes` applied; tokens and listeners are not copied. */
  protected withOptions(changes: Partial<O>): this {
    const Ctor = this.constructor as new (options: O) => this;
    return new Ctor({ ...this.options, ...changes });
  }

  protected now(): number {
    return this.options.clock ? this.options.clock() : Date.now();
  }

  /** A summary safe to log: the type and non-secret settings only. */
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      scopes: this.scopes,
      quotaProjectId: this.options.quotaProjectId,
      universeDomain: this.options.universeDomain ?? DEFAULT_UNIVERSE_DOMAIN,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.constructor.name} ${JSON.stringify(this.toJSON())}`;
  }

  #buildHeaders(token: string): Headers {
    const entries: [string, string][] = [['authorization', `Bearer ${token}`]];
    if (this.options.quotaProjectId) {
      entries.push(['x-goog-user-project', this.options.quotaProjectId]);
    }
    return readOnlyHeaders(entries);
  }

  #tokenFor(slot: TokenSlot, audience: string | undefined): Promise<string> | string {
    if (slot.current && this.now() < slot.refreshAt) return slot.current.accessToken;
    return this.#refresh(slot, audience).then((token) => token.accessToken);
  }

  #refresh(slot: TokenSlot, audience: string | undefined): Promise<TokenResult> {
    if (!slot.inflight) {
      slot.inflight = this.#fetchInto(slot, audience).finally(() => {
        slot.inflight = undefined;
      });
    }
    return slot.inflight;
  }

  async #fetchInto(slot: TokenSlot, audience: string | undefined): Promise<TokenResult> {
    const receivedBefore = this.now();
    let token: TokenResult;
    let refreshAt: number;
    try {
      const shared = this.options.tokenCache && (await this.#fromCache(slot, audience));
      if (shared) {
        ({ token, refreshAt } = shared);
      } else {
        token = await this.fetchToken({ audience });
        refreshAt = refreshDeadline(token.expiresAt, receivedBefore, this.options.refreshMargin);
      }
    } catch (error) {
      this.#keepPreviousToken(slot);
      throw error;
    }
    slot.current = token;
    slot.headers = undefined;
    slot.refreshAt = refreshAt;
    this.#emit(token);
    return token;
  }

  async #fromCache(
    slot: TokenSlot,
    audience: string | undefined,
  ): Promise<SharedToken | undefined> {
    const identity = await this.tokenIdentity(audience);
    if (!identity || !this.options.tokenCache) return undefined;
    return this.options.tokenCache.fetch({
      identity,
      held: slot.current,
      refreshMargin: this.options.refreshMargin,
      now: () => this.now(),
      mint: () => this.fetchToken({ audience }),
      rotatingSecret: this.rotatingSecret(),
    });
  }

  /**
   * After a failed refresh, a previous token that has not really expired stays in use for a short
   * while, so callers are not all sent back to a token endpoint that just failed.
   */
  #keepPreviousToken(slot: TokenSlot): void {
    const expiresAt = slot.current?.expiresAt;
    const now = this.now();
    if (expiresAt !== undefined && expiresAt > now) {
      slot.refreshAt = now + Math.min(FAILED_REFRESH_COOLDOWN_MS, (expiresAt - now) / 2);
    }
  }

  #audienceSlot(audience: string): TokenSlot {
    // Made on first use: only self-signed JWTs need per-audience tokens.
    this.#audienceSlots ??= new RecentlyUsedMap<string, TokenSlot>(AUDIENCE_SLOTS);
    let slot = this.#audienceSlots.get(audience);
    if (!slot) {
      slot = new TokenSlot();
      this.#audienceSlots.set(ownCopy(audience), slot);
    }
    return slot;
  }

  #emit(token: TokenResult): void {
    for (const listener of this.#listeners) {
      try {
        listener(token);
      } catch (error) {
        emitWarning(
          `a 'tokens' listener threw: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}

/**
 * `text` as a string of its own: a key kept for an hour must not hold on to the (possibly long)
 * request URL it was sliced from, nor be a rope that every lookup has to walk.
 */
function ownCopy(text: string): string {
  return [...text].join('');
}

/**
 * When a token fetched at `fetchedAt` stops being served: `margin` before expiry, but never more
 * than half its lifetime, so a 120 s token is reused for 60 s rather than refetched every call.
 */
export function refreshDeadline(
  expiresAt: number | undefined,
  fetchedAt: number,
  margin = DEFAULT_REFRESH_MARGIN_MS,
): number {
  if (expiresAt === undefined) return Number.POSITIVE_INFINITY;
  const lifetime = Math.max(0, expiresAt - fetchedAt);
  return expiresAt - Math.min(margin, lifetime / 2);
}

export function normalizeScopes(scopes: string | readonly string[] | undefined): string[] {
  if (scopes === undefined) return [];
  if (
    typeof scopes !== 'string' &&
    (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== 'string'))
  ) {
    throw new InvalidOptionsError('scopes must be a string or an array of strings');
  }
  const list = typeof scopes === 'string' ? scopes.split(/\s+/) : scopes;
  return [...new Set(list.filter((s) => s !== ''))];
}

function checkEvent(event: string): void {
  if (event !== 'tokens') {
    throw new AuthError(
      'ERR_INVALID_OPTIONS',
      `unknown event '${event}': credentials emit 'tokens'`,
    );
  }
}
