import { refreshDeadline, type TokenResult } from './credentials.js';

/**
 * What a token stands for, so that two credentials objects (in one process or in a fleet) share a
 * token only when either could have minted it. Supplied by each credentials type.
 */
export interface TokenIdentity {
  /** The credentials type, e.g. `service_account`. */
  type: string;
  /** Who the token acts as: a service-account email, an OAuth client id. */
  principal: string;
  /**
   * A secret that alone tells two identities apart (a user's refresh token). A cache never
   * stores or sends it: it only enters the key through an HMAC under the cache's key.
   */
  secretPrincipal?: string;
  /** Where tokens come from: a token endpoint, a metadata host. */
  issuer?: string;
  scopes: readonly string[];
  audience?: string;
  /** Domain-wide delegation subject, or another user the token acts for. */
  subject?: string;
  universe: string;
}

/** A rotating secret (a refresh token) kept newest across processes by the cache. */
export interface RotatingSecret {
  /** The secret this process holds now. */
  current(): string;
  /** Takes a newer secret another process rotated to. */
  adopt(secret: string): void;
}

/** What credentials ask a {@link TokenCache} for when their own token is missing or due. */
export interface SharedTokenRequest {
  identity: TokenIdentity;
  /** The token these credentials hold now, if any: a cached token equal to it is not fresh. */
  held?: TokenResult;
  /** The credentials' refresh margin in milliseconds, when configured. */
  refreshMargin?: number;
  /** The credentials' clock, epoch milliseconds. */
  now: () => number;
  /** Fetches a fresh token from the credentials' own source. */
  mint: () => Promise<TokenResult>;
  /** Present for credentials whose refresh token rotates. */
  rotatingSecret?: RotatingSecret;
}

/** A token from a {@link TokenCache} and when the asking process should look again. */
export interface SharedToken {
  token: TokenResult;
  /** Epoch milliseconds after which the token counts as due; jittered across a fleet. */
  refreshAt: number;
}

/**
 * A token cache shared by several credentials objects: in one process
 * ({@link MemoryTokenCache}) or across a fleet ({@link RedisTokenCache}). Credentials consult
 * it only when their own in-process token is missing or due, so the cached
 * `getRequestHeaders()` path never reaches it. `fetch` never fails for a reason of the cache's
 * own: it then mints, and only the mint's errors reach the caller.
 *
 * @example
 * ```ts
 * const tokenCache = new MemoryTokenCache();
 * const a = await ServiceAccountCredentials.fromFile('key.json', { scopes, tokenCache });
 * const b = await ServiceAccountCredentials.fromFile('key.json', { scopes, tokenCache });
 * await Promise.all([a.getAccessToken(), b.getAccessToken()]); // one mint
 * ```
 */
export interface TokenCache {
  fetch(request: SharedTokenRequest): Promise<SharedToken>;
}

/** The identity in one canonical string: field order and scope order do not matter. */
export function canonicalIdentity(identity: TokenIdentity): string {
  return JSON.stringify([
    identity.type,
    identity.principal,
    identity.secretPrincipal ?? null,
    identity.issuer ?? null,
    [...identity.scopes].sort(),
    identity.audience ?? null,
    identity.subject ?? null,
    identity.universe,
  ]);
}

/** A token as a shared cache keeps it: with when it was minted, for the refresh deadline. */
export interface CachedToken {
  token: TokenResult;
  /** Epoch milliseconds just before the mint. */
  issuedAt: number;
}

/**
 * Whether `cached` may be handed to the credentials asking: not the token they already hold
 * (they asked because it is due or was rejected), and not itself due.
 */
export function isFreshFor(cached: CachedToken, request: SharedTokenRequest): boolean {
  if (cached.token.accessToken === request.held?.accessToken) return false;
  return (
    request.now() < refreshDeadline(cached.token.expiresAt, cached.issuedAt, request.refreshMargin)
  );
}

/**
 * `cached` with the moment the asking process should look again: its refresh deadline, moved
 * earlier by `early` (0 to 1) × the time it is served. A fleet's cache derives `early` from the
 * token itself, so every process agrees when a token is due and one of them refreshes it, while
 * tokens of different identities and mints still come due at different moments.
 */
export function sharedToken(
  cached: CachedToken,
  request: SharedTokenRequest,
  early = 0,
): SharedToken {
  const deadline = refreshDeadline(cached.token.expiresAt, cached.issuedAt, request.refreshMargin);
  if (!Number.isFinite(deadline)) return { token: cached.token, refreshAt: deadline };
  const served = Math.max(0, deadline - cached.issuedAt);
  return { token: cached.token, refreshAt: deadline - early * served };
}
