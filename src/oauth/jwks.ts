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
import { loadJose } from './jose.js';

/** The shortest time between two fetches of a key set, so forged `kid`s cannot hammer the server. */
const MIN_REFETCH_INTERVAL_MS = 30_000;

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
 * One provider's signing keys: fetched on first use, kept, and fetched again when a token names
 * a key the set lacks (a key rotation), at most once per 30 s. Concurrent fetches share one request.
 */
export class JwksCache {
  readonly url: string;
  readonly #http?: HttpOptions;
  readonly #clock: () => number;
  #keys?: Promise<ReturnType<typeof createLocalJWKSet>>;
  #fetchedAt = Number.NEGATIVE_INFINITY;

  constructor(url: string, options: { http?: HttpOptions; clock?: () => number } = {}) {
    this.url = url;
    this.#http = options.http;
    this.#clock = options.clock ?? Date.now;
  }

  /** A jose key resolver: finds the key for a token's header, refetching once if it is unknown. */
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
      if (this.#clock() - this.#fetchedAt < MIN_REFETCH_INTERVAL_MS) throw error;
      return (await this.#load(true))(header, token);
    }
  };

  #load(refetch: boolean): Promise<ReturnType<typeof createLocalJWKSet>> {
    if (!this.#keys || refetch) {
      this.#fetchedAt = this.#clock();
      const loading = loadJose().then(({ createLocalJWKSet }) =>
        exchange(
          buildJwksRequest(this.url),
          (response) => createLocalJWKSet(parseJwksResponse(response, this.url)),
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
