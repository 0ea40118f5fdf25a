import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../../platform/node-builtins.js';
import { AuthError, InvalidOptionsError } from '../../errors.js';
import { exchange } from '../../http/exchange.js';
import type { HttpOptions } from '../../http/types.js';
import { parseClientPrivateKey } from '../client-auth.js';
import type { OAuth1SignatureMethod } from './signature.js';
import {
  signOAuth1Request,
  type OAuth1SignatureType,
  type OAuth1SignedRequest,
  type OAuth1RequestToSign,
} from './sign-request.js';
import { parseTokenCredentials, type OAuth1TokenCredentials } from './token-response.js';

/** Options for {@link OAuth1Client}. */
export interface OAuth1ClientOptions {
  consumerKey: string;
  consumerSecret: string;
  /** A token already held: a request token mid-flow, or an access token. */
  token?: string;
  tokenSecret?: string;
  /** Default HMAC-SHA1. */
  signatureMethod?: OAuth1SignatureMethod;
  /** PEM text or a KeyObject, for RSA-SHA1. */
  rsaPrivateKey?: string | KeyObject;
  /** Where the protocol parameters go. Default `header`. */
  signatureType?: OAuth1SignatureType;
  /** `realm` of the Authorization header. */
  realm?: string;
  /** The temporary credentials (request token) endpoint, for {@link OAuth1Client.fetchRequestToken}. */
  requestTokenUrl?: string;
  /** The token credentials (access token) endpoint, for {@link OAuth1Client.fetchAccessToken}. */
  accessTokenUrl?: string;
  /** Send `oauth_version=1.0` (optional in RFC 5849). Default true. */
  includeVersion?: boolean;
  /** Timeout and retries of the token requests. */
  http?: HttpOptions;
  /** Source of the current time in epoch milliseconds; for tests. */
  clock?: () => number;
  /** Source of `oauth_nonce` values; for tests. */
  nonce?: () => string;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * An OAuth 1.0a client (RFC 5849), in the manner of requests-oauthlib's `OAuth1Session`: signs
 * requests, and runs the three-legged flow. The flow steps replace the client's token with the
 * one they obtain.
 *
 * @example
 * ```ts
 * const client = new OAuth1Client({
 *   consumerKey: process.env.CONSUMER_KEY!,
 *   consumerSecret: process.env.CONSUMER_SECRET!,
 *   requestTokenUrl: 'https://api.example.com/oauth/request_token',
 *   accessTokenUrl: 'https://api.example.com/oauth/access_token',
 * });
 * await client.fetchRequestToken('https://app.example.com/oauth1/callback');
 * redirectTo(client.authorizationUrl('https://api.example.com/oauth/authorize'));
 * // ... on the callback:
 * const { oauthVerifier } = client.parseAuthorizationResponse(callbackUrl);
 * await client.fetchAccessToken(oauthVerifier);
 * const response = await client.fetch('https://api.example.com/1/account.json');
 * ```
 */
export class OAuth1Client {
  readonly #options: Readonly<OAuth1ClientOptions>;
  readonly #rsaKey?: KeyObject;
  #token?: string;
  #tokenSecret?: string;

  constructor(options: OAuth1ClientOptions) {
    if (!options.consumerKey || options.consumerSecret === undefined) {
      throw new InvalidOptionsError('OAuth1Client needs consumerKey and consumerSecret');
    }
    const method = options.signatureMethod ?? 'HMAC-SHA1';
    if (!['HMAC-SHA1', 'HMAC-SHA256', 'RSA-SHA1', 'PLAINTEXT'].includes(method)) {
      throw new InvalidOptionsError(`unknown OAuth 1.0a signatureMethod ${method}`);
    }
    if (method === 'RSA-SHA1') {
      if (!options.rsaPrivateKey) throw new InvalidOptionsError('RSA-SHA1 needs rsaPrivateKey');
      this.#rsaKey = parseClientPrivateKey(options.rsaPrivateKey);
      if (this.#rsaKey.asymmetricKeyType !== 'rsa') {
        throw new InvalidOptionsError('rsaPrivateKey must be an RSA private key');
      }
    }
    this.#options = Object.freeze({ ...options });
    this.#token = options.token;
    this.#tokenSecret = options.tokenSecret;
  }

  /** The token requests are signed with: a request token mid-flow, then the access token. */
  get token(): string | undefined {
    return this.#token;
  }

  /**
   * Signs a request. Pass a form body as `formBody` so it is covered by the signature.
   * Pure apart from the nonce and timestamp.
   */
  sign(request: OAuth1RequestToSign, extra?: Record<string, string>): OAuth1SignedRequest {
    const options = this.#options;
    return signOAuth1Request(request, {
      consumerKey: options.consumerKey,
      consumerSecret: options.consumerSecret,
      token: this.#token,
      tokenSecret: this.#tokenSecret,
      rsaPrivateKey: this.#rsaKey,
      signatureMethod: options.signatureMethod ?? 'HMAC-SHA1',
      signatureType: options.signatureType ?? 'header',
      realm: options.realm,
      nonce: options.nonce ? options.nonce() : nodeCrypto().randomBytes(16).toString('hex'),
      timestamp: Math.floor((options.clock ? options.clock() : Date.now()) / 1000),
      includeVersion: options.includeVersion ?? true,
      extra,
    });
  }

  /**
   * Step 1: temporary credentials (§2.1) for `callbackUri` (`oob` when there is none). The
   * client then holds the request token.
   */
  async fetchRequestToken(callbackUri = 'oob'): Promise<OAuth1TokenCredentials> {
    this.#token = undefined;
    this.#tokenSecret = undefined;
    return this.#tokenRequest('request token', { oauth_callback: callbackUri });
  }

  /** Step 2: where to send the user to authorize the request token (§2.2). */
  authorizationUrl(baseUrl: string, params: Record<string, string> = {}): string {
    if (!this.#token) {
      throw new InvalidOptionsError(
        'authorizationUrl needs a request token: call fetchRequestToken first',
      );
    }
    const url = new URL(baseUrl);
    url.searchParams.set('oauth_token', this.#token);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  /**
   * Reads the redirect back from the server (§2.2). When the client holds a request token, the
   * redirect must be for that token; a redirect repeating `oauth_token` or `oauth_verifier` is
   * refused, as two readers of it could take different copies.
   */
  parseAuthorizationResponse(url: string | URL): { oauthToken: string; oauthVerifier: string } {
    const params = new URL(url).searchParams;
    const repeated = ['oauth_token', 'oauth_verifier'].find((n) => params.getAll(n).length > 1);
    if (repeated !== undefined) {
      throw new AuthError(
        'ERR_OAUTH1',
        `the OAuth 1.0a authorization redirect carries ${repeated} more than once (a forged or tampered redirect); start again`,
      );
    }
    const oauthToken = params.get('oauth_token');
    const oauthVerifier = params.get('oauth_verifier');
    if (!oauthToken || !oauthVerifier) {
      throw new AuthError(
        'ERR_OAUTH1',
        'the OAuth 1.0a authorization redirect has no oauth_token or oauth_verifier (the user may have declined)',
      );
    }
    if (this.#token !== undefined && oauthToken !== this.#token) {
      throw new AuthError(
        'ERR_STATE_MISMATCH',
        'the OAuth 1.0a authorization redirect is for another request token; start again',
      );
    }
    return { oauthToken, oauthVerifier };
  }

  /** Step 3: token credentials (§2.3) for the verifier. The client then holds the access token. */
  async fetchAccessToken(verifier: string): Promise<OAuth1TokenCredentials> {
    if (!this.#token) {
      throw new InvalidOptionsError(
        'fetchAccessToken needs the request token: fetch it first or pass token/tokenSecret',
      );
    }
    return this.#tokenRequest('access token', { oauth_verifier: verifier });
  }

  /**
   * `fetch`, signed. A `URLSearchParams` body, or a string body sent as
   * `application/x-www-form-urlencoded`, is covered by the signature.
   */
  fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    let formBody: string | undefined;
    if (init.body instanceof URLSearchParams) {
      formBody = init.body.toString();
      if (!headers.has('content-type')) headers.set('content-type', FORM);
    } else if (typeof init.body === 'string' && headers.get('content-type')?.startsWith(FORM)) {
      formBody = init.body;
    } else if (init.body != null && this.#options.signatureType === 'body') {
      throw new InvalidOptionsError('signatureType body needs a form body (URLSearchParams)');
    }
    const signed = this.sign({ method: init.method ?? 'GET', url: input.toString(), formBody });
    for (const [name, value] of Object.entries(signed.headers)) headers.set(name, value);
    return fetch(signed.url, {
      ...init,
      headers,
      body: formBody === undefined ? init.body : signed.body,
    });
  }

  async #tokenRequest(
    what: 'request token' | 'access token',
    extra: Record<string, string>,
  ): Promise<OAuth1TokenCredentials> {
    const url =
      what === 'request token' ? this.#options.requestTokenUrl : this.#options.accessTokenUrl;
    if (!url) {
      const option = what === 'request token' ? 'requestTokenUrl' : 'accessTokenUrl';
      throw new InvalidOptionsError(`OAuth1Client needs the ${option} option to fetch a ${what}`);
    }
    const signed = this.sign({ method: 'POST', url }, extra);
    // PLAINTEXT signatures are the secrets themselves: none of them may reach an error.
    const signature = /oauth_signature="([^"]*)"/.exec(signed.headers.authorization ?? '')?.[1];
    const secrets = [this.#options.consumerSecret, this.#tokenSecret, extra.oauth_verifier];
    if (signature) secrets.push(signature, decodeURIComponent(signature));
    const credentials = await exchange(
      {
        url: signed.url,
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
        secrets: secrets.filter((value): value is string => !!value),
      },
      (response) => parseTokenCredentials(response, url, what),
      this.#options.http,
    );
    this.#token = credentials.oauthToken;
    this.#tokenSecret = credentials.oauthTokenSecret;
    return credentials;
  }
}
