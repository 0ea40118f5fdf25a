import type {
  createLocalJWKSet,
  JSONWebKeySet,
  JWTVerifyGetKey,
  FlattenedJWSInput,
  JWSHeaderParameters,
} from 'jose';
import { AuthError } from '../errors.js';
import { exchange } from '../http/exchange.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpOptions, HttpRequest, HttpResponse } from '../http/types.js';
import { cacheLifetimeSec } from '../id-token/key-set.js';
import { loadJose } from './jose.js';

/** The shortest time between two fetches caused by unknown `kid`s, so forged ones cannot hammer the server. */
const MIN_REFETCH_INTERVAL_MS = 30_000;
/** How long a key set without Cache-Control max-age is kept. */
const DEFAULT_MAX_AGE_SEC = 300;

/** The GET request for a JSON Web Key Set. */
export function buildJwksRequest(url: string): HttpRequest {
  return { url, method: 'GET', headers: { accept: 'application/json, application/jwk-set+json' } };
}

/** Reads a JWKS response: a JSON object with a `keys` array. */
export function parseJwksResponse(response: HttpResponse, url: string): JSONWebKeySet {
  if (response.status !== 200) throw responseError(response, url, 'JWKS request');
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    json = undefined;
  }
  const keys = (json as { keys?: unknown } | undefined)?.keys;
  if (!Array.isArray(keys)) {
    throw new AuthError(
      'ERR_DISCOVERY',
      `jwks_uri ${describeUrl(url)} did not answer with a JSON Web Key Set (an object with a keys array)`,
    );
  }
  return { keys: keys.filter((key) => key !== null && typeof key === 'object') };
}

/**
 * A provider's JSON Web Key Set, as a jose key resolver, with the key policy of the ID-token
 * key cache: kept for the response's Cache-Control max-age (five minutes without one), fetched
 * again at once when a token names an unknown key (a rotation), and after that at most once per
 * 30 s for further unknown keys, so a flood of forged key ids costs a bounded number of fetches.
 */
export class JwksCache {
  readonly url: string;
  readonly #http?: HttpOptions;
  readonly #clock: () => number;
  #keys?: Promise<ReturnType<typeof createLocalJWKSet>>;
  #expiresAt = Number.NEGATIVE_INFINITY;
  #missFetchedAt = Number.NEGATIVE_INFINITY;

  constructor(url: string, options: { http?: HttpOptions; clock?: () => number } = {}) {
    this.url = url;
    this.#http = options.http;
    this.#clock = options.clock ?? Date.now;
  }

  /** A jose key resolver: finds the key for a token's header, refetching if it is unknown. */
  readonly getKey: JWTVerifyGetKey = async (
    header: JWSHeaderParameters,
    token: FlattenedJWSInput,
  ) => {
    try {
      return await (
        await this.#load(false)
      )(header, token);
    } catch (error) {
      const { errors } = await loadJose();
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      const now = this.#clock();
      if (now - this.#missFetchedAt < MIN_REFETCH_INTERVAL_MS) throw error;
      this.#missFetchedAt = now;
      return (await this.#load(true))(header, token);
    }
  };

  #load(refetch: boolean): Promise<ReturnType<typeof createLocalJWKSet>> {
    const fetchedAt = this.#clock();
    if (!this.#keys || refetch || fetchedAt >= this.#expiresAt) {
      this.#expiresAt = Number.POSITIVE_INFINITY;
      const loading = loadJose().then(({ createLocalJWKSet }) =>
        exchange(
          buildJwksRequest(this.url),
          (response) => {
            const keys = createLocalJWKSet(parseJwksResponse(response, this.url));
            const lifetimeSec = cacheLifetimeSec(response.headers) ?? DEFAULT_MAX_AGE_SEC;
            this.#expiresAt = fetchedAt + Math.max(lifetimeSec * 1000, MIN_REFETCH_INTERVAL_MS);
            return keys;
          },
          this.#http,
        ),
      );
      this.#keys = loading;
      loading.catch(() => {
        if (this.#keys === loading) this.#keys = undefined;
      });
    }
    return this.#keys;
  }
}
