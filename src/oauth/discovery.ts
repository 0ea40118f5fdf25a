import { checkHttpUrl } from '../http/send.js';
import { AuthError, excerpt } from '../errors.js';
import { exchange } from '../http/exchange.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpOptions, HttpRequest, HttpResponse } from '../http/types.js';
import { withoutTrailingSlashes } from '../options.js';
import { metadataFromDiscovery, type ProviderMetadata } from './metadata.js';

const OPENID_CONFIGURATION = '/.well-known/openid-configuration';
const OAUTH_AUTHORIZATION_SERVER = '/.well-known/oauth-authorization-server';

/** Where an issuer publishes its OpenID configuration: `{issuer}/.well-known/openid-configuration`. */
export function discoveryUrl(issuer: string): string {
  checkHttpUrl(issuer, 'issuer');
  return `${withoutTrailingSlashes(issuer)}${OPENID_CONFIGURATION}`;
}

/**
 * The issuer a metadata URL stands for, when its shape says so (OpenID Discovery appends the
 * well-known path; RFC 8414 inserts it after the host). Undefined for any other URL.
 */
export function issuerFromMetadataUrl(url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.search || parsed.hash) return undefined;
  if (parsed.pathname.endsWith(OPENID_CONFIGURATION)) {
    return `${parsed.origin}${parsed.pathname.slice(0, -OPENID_CONFIGURATION.length)}`;
  }
  if (parsed.pathname.startsWith(OAUTH_AUTHORIZATION_SERVER)) {
    return `${parsed.origin}${parsed.pathname.slice(OAUTH_AUTHORIZATION_SERVER.length)}`;
  }
  return undefined;
}

/** The GET request for a discovery document. */
export function buildDiscoveryRequest(url: string): HttpRequest {
  return { url, method: 'GET', headers: { accept: 'application/json' } };
}

/**
 * Reads a discovery document. Its `issuer` must equal `expectedIssuer` exactly (OpenID Connect
 * Discovery §4.3), so a document served for one issuer can never configure another.
 */
export function parseDiscoveryResponse(
  response: HttpResponse,
  url: string,
  expectedIssuer: string | undefined,
): ProviderMetadata {
  const where = describeUrl(url);
  if (response.status !== 200) throw responseError(response, url, 'OpenID discovery');
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw discoveryError(`${where} did not answer with JSON (check the issuer URL)`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw discoveryError(`${where} did not answer with a JSON object`);
  }
  const metadata = metadataFromDiscovery(json as Record<string, unknown>);
  if (!metadata.issuer) throw discoveryError(`${where} has no issuer`);
  if (expectedIssuer !== undefined && metadata.issuer !== expectedIssuer) {
    throw discoveryError(
      `${where} names issuer ${excerpt(metadata.issuer)}, not the configured ${expectedIssuer}; the issuer must match exactly (check the issuer option, including any trailing slash)`,
    );
  }
  return metadata;
}

/** Fetches and checks a discovery document. */
export function discover(
  url: string,
  expectedIssuer: string | undefined,
  http?: HttpOptions,
): Promise<ProviderMetadata> {
  return exchange(
    buildDiscoveryRequest(url),
    (response) => parseDiscoveryResponse(response, url, expectedIssuer),
    http,
  );
}

function discoveryError(message: string): AuthError {
  return new AuthError('ERR_DISCOVERY', `OpenID discovery failed: ${message}`);
}
