import { createHmac, randomBytes } from 'node:crypto';
import { InvalidOptionsError } from '../errors.js';
import {
  canonicalIdentity,
  isFreshFor,
  sharedToken,
  type CachedToken,
  type SharedToken,
  type SharedTokenRequest,
  type TokenCache,
} from '../credentials/token-cache.js';

/** Options for {@link MemoryTokenCache}. */
export interface MemoryTokenCacheOptions {
  /** Identities kept; the least recently stored is dropped beyond it. Default 1000. */
  maxEntries?: number;
}

interface Entry {
  cached?: CachedToken;
  /** The newest refresh token seen for the identity, when it rotates. */
  secret?: string;
  minting?: Promise<SharedToken>;
}

/**
 * The in-process token cache: credentials objects built separately for one identity (one key
 * file loaded by two libraries, say) share one token and one mint. Needs nothing outside the
 * process; for a fleet of processes use {@link RedisTokenCache}.
 *
 * @example
 * ```ts
 * const tokenCache = new MemoryTokenCache();
 * const a = await ServiceAccountCredentials.fromFile('key.json', { scopes, tokenCache });
 * const b = await ServiceAccountCredentials.fromFile('key.json', { scopes, tokenCache });
 * await Promise.all([a.getAccessToken(), b.getAccessToken()]); // one mint
 * ```
 */
export class MemoryTokenCache implements TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  /** Names entries by HMAC, so no refresh token sits in a map key. */
  readonly #namingKey = randomBytes(32);

  constructor(options: MemoryTokenCacheOptions = {}) {
    const max = options.maxEntries ?? 1000;
    if (!Number.isInteger(max) || max < 1) {
      throw new InvalidOptionsError(
        `MemoryTokenCache maxEntries must be a positive integer, got ${String(max)}`,
      );
    }
    this.#maxEntries = max;
  }

  fetch(request: SharedTokenRequest): Promise<SharedToken> {
    const entry = this.#entry(request);
    if (entry.cached && isFreshFor(entry.cached, request)) {
      this.#adoptSecret(entry, request);
      return Promise.resolve(sharedToken(entry.cached, request));
    }
    entry.minting ??= this.#mint(entry, request).finally(() => {
      entry.minting = undefined;
    });
    return entry.minting.then((shared) => {
      this.#adoptSecret(entry, request);
      return shared;
    });
  }

  async #mint(entry: Entry, request: SharedTokenRequest): Promise<SharedToken> {
    this.#adoptSecret(entry, request);
    const issuedAt = request.now();
    const token = await request.mint();
    if (token.refreshToken) entry.secret = token.refreshToken;
    entry.cached = { token, issuedAt };
    return sharedToken(entry.cached, request);
  }

  #adoptSecret(entry: Entry, request: SharedTokenRequest): void {
    const rotating = request.rotatingSecret;
    if (rotating && entry.secret && entry.secret !== rotating.current()) {
      rotating.adopt(entry.secret);
    }
  }

  #entry(request: SharedTokenRequest): Entry {
    const name = createHmac('sha256', this.#namingKey)
      .update(canonicalIdentity(request.identity))
      .digest('base64url');
    let entry = this.#entries.get(name);
    if (!entry) {
      entry = {};
      this.#entries.set(name, entry);
      if (this.#entries.size > this.#maxEntries) {
        this.#entries.delete(this.#entries.keys().next().value as string);
      }
    }
    return entry;
  }
}
