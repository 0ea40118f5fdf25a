/**
 * Client authentication at the token endpoint (RFC 6749 §2.3.1): `client_secret_post`
 * (id and secret in the form) or `client_secret_basic` (HTTP Basic), never both.
 */
import { OAuthError } from '../../google-errors.js';
import type { OAuthClientRecord, EmulatorState } from '../../state.js';
import type { TokenRequest } from './grant.js';

/** The registered client the request authenticates as, or Google's error for why not. */
export function authenticateClient(request: TokenRequest, state: EmulatorState): OAuthClientRecord {
  const basic = parseBasic(request.headers.authorization);
  const formId = request.params.get('client_id');
  const formSecret = request.params.get('client_secret');
  if (basic && (formSecret !== undefined || (formId !== undefined && formId !== basic.id))) {
    throw new OAuthError('invalid_request', 'Use one client authentication method, not two.');
  }
  const clientId = basic?.id ?? formId;
  const secret = basic?.secret ?? formSecret;
  if (!clientId) {
    throw new OAuthError('invalid_request', 'Could not determine client ID from request.');
  }
  const client = state.clients.get(clientId);
  if (!client) throw new OAuthError('invalid_client', 'The OAuth client was not found.');
  if (!secret) throw new OAuthError('invalid_request', 'client_secret is missing.');
  if (secret !== client.clientSecret) throw new OAuthError('invalid_client', 'Unauthorized');
  return client;
}

/** Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1). */
function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'Unauthorized');
  const unescape = (part: string): string => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new OAuthError('invalid_client', 'Unauthorized');
    }
  };
  return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}
