/** Google's Security Token Service: its default endpoints and token introspection. */
import { buildTokenRequest } from './token-endpoint.js';
import { exchange } from '../http/exchange.js';
import type { HttpOptions } from '../http/types.js';
import {
  introspectionParams,
  parseIntrospectionResponse,
  type TokenIntrospection,
} from './introspection.js';
import { basicAuthorization, type BasicClient } from './token-exchange.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** STS's token endpoint in a universe. */
export function stsTokenUrl(universeDomain: string): string {
  return `https://sts.${universeDomain}/v1/token`;
}

/** Introspects an STS-issued token at `token_info_url` (RFC 7662). */
export function introspectStsToken(
  url: string,
  token: string,
  client: BasicClient | undefined,
  http?: HttpOptions,
): Promise<TokenIntrospection> {
  return exchange(
    buildTokenRequest(url, introspectionParams(token), client ? basicAuthorization(client) : {}),
    (response) => parseIntrospectionResponse(response, url),
    http,
  );
}
