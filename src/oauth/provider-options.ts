import { InvalidOptionsError } from '../errors.js';
import type { HttpOptions } from '../http/types.js';
import {
  clientAuthConfig,
  type ClientAuthConfig,
  type ClientAuthMethod,
  type ClientPrivateKey,
} from './client-auth.js';
import { ASYMMETRIC_ALGORITHMS } from '../id-token/algorithms.js';
import { checkEndpointUrl } from '../http/endpoint-url.js';
import { ENDPOINT_FIELDS, type ProviderEndpoint } from './metadata.js';

/**
 * How to reach one provider and who the client is. Give `issuer` (discovery at
 * `{issuer}/.well-known/openid-configuration`) or `serverMetadataUrl`, or the endpoints
 * themselves; endpoints given here win over discovered ones.
 */
export interface OAuthProviderOptions extends Partial<Record<ProviderEndpoint, string>> {
  /** Names the provider in errors and cookies. Default: the issuer's host. */
  name?: string;
  clientId: string;
  /** For `client_secret_basic`, `client_secret_post` and `client_secret_jwt`. */
  clientSecret?: string;
  /** The issuer identifier; discovered metadata must name exactly this issuer. */
  issuer?: string;
  /** Where the discovery document is, when it is not at the issuer's well-known path. */
  serverMetadataUrl?: string;
  /**
   * Default: `private_key_jwt` with a `privateKey`, `client_secret_basic` with a `clientSecret`,
   * else `none` (a public client).
   */
  clientAuthMethod?: ClientAuthMethod;
  /** The key `private_key_jwt` signs client assertions with. */
  privateKey?: ClientPrivateKey;
  /** `kid` of `privateKey`, as registered with the provider. */
  privateKeyId?: string;
  /** JWS algorithm of client assertions. Default: RS256, ES256 or EdDSA by key; HS256 for secrets. */
  clientAssertionAlg?: string;
  /** `aud` of client assertions: the token endpoint URL (default) or the issuer. */
  clientAssertionAudience?: 'token_endpoint' | 'issuer';
  /**
   * ID-token algorithms to accept. Default: the asymmetric ones among the provider's
   * `id_token_signing_alg_values_supported`, else RS256. `none` is never accepted; HS256/384/512
   * (keyed with the client secret) only when listed here.
   */
  idTokenAlgorithms?: readonly string[];
  /** Issuers accepted in ID tokens besides `issuer` (Google also uses `accounts.google.com`). */
  idTokenIssuers?: readonly string[];
  /** Seconds of clock skew allowed when checking ID-token times. Default 30. */
  clockToleranceSec?: number;
  /** Scopes requested when a call names none. */
  scope?: string | readonly string[];
  /** Timeout and retries of every request to the provider. */
  http?: HttpOptions;
  /**
   * Allows plain-http endpoints on hosts other than loopback, for test setups only (a container
   * network, say). Without it, every endpoint must be https or http on 127.0.0.1/localhost/[::1].
   */
  allowInsecureHttp?: boolean;
  /** Source of the current time in epoch milliseconds; for tests. */
  clock?: () => number;
}

/** Checks the options once and derives client authentication from them. */
export function clientAuthFromOptions(options: OAuthProviderOptions): ClientAuthConfig {
  const where = `provider ${options.name ?? options.issuer ?? ''}`.trim();
  if (!options.clientId) throw new InvalidOptionsError(`${where}: clientId is required`);
  if (
    !options.issuer &&
    !options.serverMetadataUrl &&
    !options.authorizationUrl &&
    !options.tokenUrl
  ) {
    throw new InvalidOptionsError(
      `${where}: give issuer or serverMetadataUrl (for discovery), or the endpoint URLs`,
    );
  }
  const urls: Array<[string, string | undefined]> = [
    ['issuer', options.issuer],
    ['serverMetadataUrl', options.serverMetadataUrl],
    ...(Object.keys(ENDPOINT_FIELDS) as ProviderEndpoint[]).map(
      (endpoint): [string, string | undefined] => [endpoint, options[endpoint]],
    ),
  ];
  for (const [name, url] of urls) {
    if (url !== undefined) checkEndpointUrl(url, `${where}: ${name}`, options.allowInsecureHttp);
  }
  return clientAuthConfig(options, where);
}

/**
 * The ID-token algorithms to accept: those configured, else the provider's advertised
 * asymmetric ones, else RS256. HMAC needs explicit configuration and a client secret.
 */
export function idTokenAlgorithms(
  options: OAuthProviderOptions,
  advertised: readonly string[] | undefined,
): string[] {
  if (options.idTokenAlgorithms) {
    for (const alg of options.idTokenAlgorithms) {
      if (alg === 'none') {
        throw new InvalidOptionsError('idTokenAlgorithms must not include none');
      }
      if (alg.startsWith('HS') && !options.clientSecret) {
        throw new InvalidOptionsError(
          `idTokenAlgorithms ${alg} needs a clientSecret to verify with`,
        );
      }
    }
    return [...options.idTokenAlgorithms];
  }
  const allowed: readonly string[] = [...ASYMMETRIC_ALGORITHMS, 'Ed25519'];
  const usable = (advertised ?? []).filter((alg) => allowed.includes(alg));
  return usable.length > 0 ? usable : ['RS256'];
}

/** A name for messages and cookies: the option, else the issuer's host. */
export function providerName(options: OAuthProviderOptions): string {
  if (options.name) return options.name;
  const source = options.issuer ?? options.serverMetadataUrl ?? options.tokenUrl;
  try {
    return source ? new URL(source).host : 'oauth';
  } catch {
    return 'oauth';
  }
}
