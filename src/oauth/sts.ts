/** Google's Security Token Service: its default endpoints and token introspection. */
import type { HttpOptions } from '../http/types.js';
import { basicAuthentication } from './client-auth.js';
import {
  introspectionParams,
  parseIntrospectionResponse,
  type TokenIntrospection,
} from './introspection.js';
import type { BasicClient } from './token-exchange.js';
import { sendGrant } from './token-grant.js';

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
  const auth = client && basicAuthentication(client.clientId, client.clientSecret);
  return sendGrant(
    { url, params: introspectionParams(token), auth },
    parseIntrospectionResponse,
    http,
  );
}
