/**
 * The refresh-token grant (RFC 6749 §6), with Google's downscoping through `scope` and its
 * ID token when the grant includes `openid`.
 */
import type { EmulatorModule } from '../../context.js';
import { OAuthError } from '../../google-errors.js';
import { includesOpenId, userIdToken } from '../../id-tokens.js';
import { authenticateClient } from './client-auth.js';
import { accessTokenFields, splitScopes, type GrantHandler } from './grant.js';

export const refreshTokenGrant: EmulatorModule = ({ grants }) => {
  grants.set('refresh_token', refresh);
};

const refresh: GrantHandler = async (request, state) => {
  const client = authenticateClient(request, state);
  const record = state.refreshTokens.get(request.params.require('refresh_token'));
  if (!record) throw new OAuthError('invalid_grant', 'Token has been expired or revoked.');
  if (record.clientId !== client.clientId) {
    // What Google answers when the refresh token belongs to another client.
    throw new OAuthError('unauthorized_client', 'Unauthorized', 401);
  }

  const requested = splitScopes(request.params.get('scope'));
  const invalid = requested.filter((scope) => !record.scopes.includes(scope));
  if (invalid.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `Some requested scopes were invalid. {invalid=[${invalid.join(', ')}]}`,
    );
  }
  const scopes = requested.length > 0 ? requested : record.scopes;

  let refreshToken = record.token;
  if (state.rotateRefreshTokens) {
    state.refreshTokens.delete(record.token);
    refreshToken = state.issueRefreshToken(client.clientId, record.user, record.scopes).token;
  }
  const token = state.issueAccessToken({
    principal: record.user.email,
    scopes,
    clientId: client.clientId,
    refreshToken,
  });
  return {
    ...accessTokenFields(state, token),
    scope: scopes.join(' '),
    ...(includesOpenId(scopes) && {
      id_token: await userIdToken(state, {
        user: record.user,
        clientId: client.clientId,
        scopes,
        accessToken: token.token,
      }),
    }),
    ...(refreshToken !== record.token && { refresh_token: refreshToken }),
  };
};
