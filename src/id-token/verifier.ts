import { AuthError, InvalidOptionsError } from '../errors.js';
import {
  algorithmFits,
  GOOGLE_ALGORITHMS,
  isJwsAlgorithm,
  type JwsAlgorithm,
} from './algorithms.js';
import { checkClaims, type IdTokenPayload } from './claims.js';
import { CompactJwsParser, DEFAULT_MAX_TOKEN_LENGTH, type JwsHeader } from './jws.js';
import type { VerificationKey } from './key-set.js';
import { PublicKeyCache } from './public-key-cache.js';
import { importSecret } from './public-key.js';

/** Google's sign-in keys as a JWKS: the default key source of {@link verifyIdToken}. */
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
/** Google's sign-in keys as a `{kid: PEM certificate}` map, for `certsUrl`. */
export const GOOGLE_CERTS_URL = 'https://www.googleapis.com/oauth2/v1/certs';
/** The issuers of Google ID tokens. */
export const GOOGLE_ISSUERS: readonly string[] = Object.freeze([
  'accounts.google.com',
  'https://accounts.google.com',
]);
/** Identity-Aware Proxy's ES256 keys, as a JWKS. */
export const IAP_JWKS_URL = 'https://www.gstatic.com/iap/verify/public_key-jwk';
/** The issuer of the JWTs IAP puts in `x-goog-iap-jwt-assertion`. */
export const IAP_ISSUER = 'https://cloud.google.com/iap';

/** Options of {@link verifyIdToken} and {@link IdTokenVerifier.verify}. */
export interface VerifyIdTokenOptions {
  /** The audience (or audiences) the token must be minted for: your client id or service URL. */
  audience: string | readonly string[];
  /** Accepted `iss` values. Default `accounts.google.com` and `https://accounts.google.com`. */
  issuers?: readonly string[];
  /** Seconds of clock difference forgiven on `exp`, `iat` and `nbf`. Default 30. */
  clockToleranceSec?: number;
  /** Longest accepted lifetime `exp - iat`, in seconds. Default 86 400 (one day). */
  maxLifetimeSec?: number;
  /** A JWKS URL to take keys from. Default Google's, `https://www.googleapis.com/oauth2/v3/certs`. */
  jwksUrl?: string;
  /** A `{kid: PEM}` URL to take keys from instead of a JWKS, e.g. {@link GOOGLE_CERTS_URL}. */
  certsUrl?: string;
  /** The key cache to use instead of the verifier's own. */
  keyCache?: PublicKeyCache;
  /** Tokens longer than this many characters are refused unparsed. Default 16 384. */
  maxTokenLength?: number;
  /**
   * Algorithms accepted; each key still verifies only its own. Default RS256 and ES256 (Google's).
   * `HS256`/`HS384`/`HS512` verify with `clientSecret`. `none` is never accepted.
   */
  algorithms?: readonly string[];
  /** The key of HMAC-signed tokens, when `algorithms` lists an `HS*` one. */
  clientSecret?: string;
  /**
   * The OAuth client id of an OpenID client: `azp`, when present, must equal it, and must be
   * present when `aud` holds several audiences. Leave unset for Google tokens whose `azp` names
   * another of your clients (an Android app's, say).
   */
  clientId?: string;
  /** The nonce sent with the authorization request; the token's `nonce` must equal it. */
  nonce?: string;
  /** The access token issued with the ID token: checked against `at_hash` when the token has one. */
  accessToken?: string;
}

/** Options of {@link verifyIapJwt}: the same, with IAP's issuer and keys as defaults. */
export interface VerifyIapJwtOptions extends Omit<VerifyIdTokenOptions, 'certsUrl'> {
  /**
   * `/projects/PROJECT_NUMBER/apps/PROJECT_ID` (App Engine) or
   * `/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID` (load balancer).
   */
  audience: string | readonly string[];
}

/** A verified ID token. */
export interface VerifiedIdToken {
  header: Readonly<JwsHeader>;
  payload: IdTokenPayload;
  /** The `sub` claim: the stable id of the user or service account. */
  userId: string;
  email?: string;
}

/** Options of {@link IdTokenVerifier}. */
export interface IdTokenVerifierOptions {
  /** Where keys are kept; default a new {@link PublicKeyCache} for this verifier. */
  keyCache?: PublicKeyCache;
  /**
   * Source of the current time in epoch milliseconds, for the `exp`/`iat`/`nbf` checks and the
   * default key cache; for tests. A `keyCache` you pass keeps its own clock.
   */
  clock?: () => number;
}

const DEFAULT_CLOCK_TOLERANCE_SEC = 30;
const DEFAULT_MAX_LIFETIME_SEC = 86_400;
const IAP_ISSUERS: readonly string[] = Object.freeze([IAP_ISSUER]);

/**
 * Verifies Google ID tokens, IAP JWTs and any OpenID provider's ID tokens against keys it
 * caches, with node:crypto on Node and WebCrypto elsewhere. By default only RS256 and ES256 are
 * accepted (`algorithms` widens it to RS*, PS*, ES*, EdDSA and opt-in HS*), and the algorithm is
 * the one the key allows, never the one the token asks for. With keys cached, verification on Node does no I/O
 * and never awaits.
 *
 * @example
 * ```ts
 * const verifier = new IdTokenVerifier();
 * const { userId, email } = await verifier.verify(idToken, { audience: clientId });
 * ```
 */
export class IdTokenVerifier {
  readonly keyCache: PublicKeyCache;
  readonly #clock: () => number;
  readonly #parser = new CompactJwsParser();

  constructor(options: IdTokenVerifierOptions = {}) {
    this.#clock = options.clock ?? Date.now;
    this.keyCache = options.keyCache ?? new PublicKeyCache({ clock: options.clock });
  }

  /**
   * Verifies `token` and returns its claims. Throws `ERR_ID_TOKEN_INVALID` (malformed, wrong
   * issuer or audience, not yet valid, too long-lived), `ERR_ID_TOKEN_EXPIRED`,
   * `ERR_ID_TOKEN_SIGNATURE` or `ERR_ID_TOKEN_KEY_NOT_FOUND`; none of them shows the token.
   */
  async verify(token: string, options: VerifyIdTokenOptions): Promise<VerifiedIdToken> {
    const algorithms = checkOptions(options);
    const { certsUrl } = options;
    const jws = this.#parser.parse(token, options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH);
    const alg = checkHeader(jws.header, algorithms);
    let key: VerificationKey;
    if (alg.startsWith('HS')) {
      key = await importSecret(options.clientSecret!, alg as JwsAlgorithm);
    } else {
      const kid = checkKid(jws.header);
      const url = certsUrl ?? options.jwksUrl ?? GOOGLE_JWKS_URL;
      const cache = options.keyCache ?? this.keyCache;
      key =
        cache.peek(url, kid) ??
        (await cache.get(url, certsUrl === undefined ? 'jwks' : 'pem', kid));
    }
    checkAlgorithm(alg, key);
    const matches = this.#parser.signatureMatches(jws, key);
    checkSignature(key, typeof matches === 'boolean' ? matches : await matches);
    const payload = checkClaims(jws.payload, {
      audience: options.audience,
      issuers: options.issuers ?? GOOGLE_ISSUERS,
      clockToleranceSec: options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
      maxLifetimeSec: options.maxLifetimeSec ?? DEFAULT_MAX_LIFETIME_SEC,
      nowSec: this.#clock() / 1000,
      clientId: options.clientId,
      nonce: options.nonce,
    });
    if (options.accessToken !== undefined && payload.at_hash !== undefined) {
      const expected = this.#parser.halfHash(key, options.accessToken);
      checkAtHash(payload.at_hash, typeof expected === 'string' ? expected : await expected);
    }
    return {
      header: jws.header,
      payload,
      userId: payload.sub,
      email: typeof payload.email === 'string' ? payload.email : undefined,
    };
  }

  /**
   * Verifies the JWT Identity-Aware Proxy adds as `x-goog-iap-jwt-assertion`: ES256, issuer
   * `https://cloud.google.com/iap`, keys from IAP's JWKS.
   */
  verifyIapJwt(token: string, options: VerifyIapJwtOptions): Promise<VerifiedIdToken> {
    return this.verify(token, {
      ...options,
      issuers: options.issuers ?? IAP_ISSUERS,
      jwksUrl: options.jwksUrl ?? IAP_JWKS_URL,
    });
  }
}

const defaultVerifier = new IdTokenVerifier();

/**
 * Verifies a Google ID token with a shared {@link IdTokenVerifier}.
 *
 * @example
 * ```ts
 * const { payload } = await verifyIdToken(idToken, { audience: 'https://my-service.run.app' });
 * ```
 */
export function verifyIdToken(
  token: string,
  options: VerifyIdTokenOptions,
): Promise<VerifiedIdToken> {
  return defaultVerifier.verify(token, options);
}

/**
 * Verifies an IAP JWT (the `x-goog-iap-jwt-assertion` header) with a shared
 * {@link IdTokenVerifier}.
 *
 * @example
 * ```ts
 * const jwt = req.header('x-goog-iap-jwt-assertion') ?? '';
 * const { email } = await verifyIapJwt(jwt, { audience: '/projects/123/apps/my-project' });
 * ```
 */
export function verifyIapJwt(
  token: string,
  options: VerifyIapJwtOptions,
): Promise<VerifiedIdToken> {
  return defaultVerifier.verifyIapJwt(token, options);
}

/** Checks the options; returns the accepted algorithms. */
function checkOptions(options: VerifyIdTokenOptions): readonly string[] {
  const { audience, certsUrl, jwksUrl, algorithms = GOOGLE_ALGORITHMS } = options;
  if (certsUrl !== undefined && jwksUrl !== undefined) {
    throw new InvalidOptionsError('pass jwksUrl or certsUrl, not both: they name the key source');
  }
  for (const alg of algorithms) {
    if (!isJwsAlgorithm(alg)) {
      throw new InvalidOptionsError(
        `algorithms: ${JSON.stringify(String(alg)).slice(0, 24)} is not an ID-token algorithm (use RS*, PS*, ES*, EdDSA or HS*; never none)`,
      );
    }
    if (alg.startsWith('HS') && !options.clientSecret) {
      throw new InvalidOptionsError(`algorithms: ${alg} needs a clientSecret to verify with`);
    }
  }
  const valid =
    typeof audience === 'string'
      ? audience !== ''
      : Array.isArray(audience) &&
        audience.length > 0 &&
        audience.every((a) => typeof a === 'string' && a !== '');
  if (!valid) {
    throw new InvalidOptionsError(
      'audience is required: the client id or service URL the tokens must be minted for',
    );
  }
  return algorithms;
}

/**
 * The header's algorithm, once it is known to be an accepted one, nothing is critical, and the
 * token is not typed as another kind of JWT.
 */
function checkHeader(header: Readonly<JwsHeader>, algorithms: readonly string[]): string {
  const { alg } = header;
  if (
    typeof alg !== 'string' ||
    !isJwsAlgorithm(alg) ||
    !algorithms.some((a) => algorithmFits(alg, a as JwsAlgorithm))
  ) {
    throw new AuthError(
      'ERR_ID_TOKEN_INVALID',
      `ID token algorithm ${JSON.stringify(String(alg).slice(0, 16))} is not accepted: only ${algorithms.join(', ')} are`,
    );
  }
  if ('crit' in header) {
    throw new AuthError(
      'ERR_ID_TOKEN_INVALID',
      'ID token header has a crit parameter; no extensions are understood',
    );
  }
  // RFC 8725 §3.11: a JWT typed as another kind (`at+jwt`, `logout+jwt`), signed by the same
  // issuer for the same audience, must not pass for an ID token.
  if (typeof header.typ === 'string' && /\+jwt$/i.test(header.typ)) {
    throw new AuthError(
      'ERR_ID_TOKEN_INVALID',
      `ID token header typ ${JSON.stringify(header.typ.slice(0, 40))} says it is another kind of JWT, not an ID token`,
    );
  }
  return alg;
}

/** The key id an asymmetrically signed token names its key with. */
function checkKid(header: Readonly<JwsHeader>): string {
  const { kid } = header;
  if (typeof kid !== 'string' || kid === '') {
    throw new AuthError(
      'ERR_ID_TOKEN_INVALID',
      'ID token header has no kid naming its signing key',
    );
  }
  return kid;
}

function checkAlgorithm(alg: string, key: VerificationKey): void {
  if (!algorithmFits(alg, key.algorithm)) {
    throw new AuthError(
      'ERR_ID_TOKEN_SIGNATURE',
      `ID token says ${alg} but its key ${JSON.stringify(key.kid.slice(0, 64))} is an ${key.algorithm} key`,
    );
  }
}

/** OpenID Connect Core §3.2.2.9: `at_hash` binds the ID token to the access token issued with it. */
function checkAtHash(atHash: unknown, expected: string): void {
  if (atHash !== expected) {
    throw new AuthError(
      'ERR_ID_TOKEN_INVALID',
      'ID token at_hash does not match the access token issued with it (a substituted access token)',
    );
  }
}

function checkSignature(key: VerificationKey, matches: boolean): void {
  if (!matches) {
    throw new AuthError(
      'ERR_ID_TOKEN_SIGNATURE',
      `ID token signature does not verify with key ${JSON.stringify(key.kid.slice(0, 64))}: the token was altered or forged`,
    );
  }
}
