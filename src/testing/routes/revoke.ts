/**
 * `POST /revoke` (RFC 7009, as Google serves it): revokes an access or refresh token, taking
 * the rest of its grant with it. An unknown token gets Google's `invalid_token`.
 */
import type { EmulatorModule } from '../context.js';
import { OAuthError } from '../google-errors.js';
import { json, type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState } from '../state.js';

export const REVOKE_PATH = '/revoke';

export const revocationEndpoint: EmulatorModule = ({ router }) => {
  router.add({
    name: 'revoke',
    methods: ['POST'],
    paths: [REVOKE_PATH],
    errorShape: 'oauth',
    handle: revokeToken,
  });
};

function revokeToken(request: EmulatorRequest, state: EmulatorState): RouteResponse {
  const token = new URLSearchParams(request.body).get('token') ?? request.query.get('token');
  if (!token) throw new OAuthError('invalid_request', 'Missing required parameter: token');
  if (!state.revokeToken(token)) throw new OAuthError('invalid_token', 'Token expired or revoked');
  return json(200, {});
}
