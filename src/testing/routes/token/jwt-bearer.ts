/**
 * The JWT-bearer grant (RFC 7523 §2.1) as Google runs it for service accounts: an assertion
 * with a `scope` claim buys an access token, one with `target_audience` an ID token.
 */
import type { EmulatorModule } from '../../context.js';
import { OAuthError } from '../../google-errors.js';
import { serviceAccountIdToken } from '../../id-tokens.js';
import { scopeClaim, verifyServiceAccountJwt } from '../../sa-jwt.js';
import { accessTokenFields, type GrantHandler } from './grant.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export const jwtBearerGrant: EmulatorModule = ({ grants }) => {
  grants.set(JWT_BEARER_GRANT, exchangeAssertion);
};

const exchangeAssertion: GrantHandler = async ({ params }, state) => {
  const { account, claims } = await verifyServiceAccountJwt(
    state,
    params.require('assertion'),
    false,
  );
  if (claims.aud !== state.tokenUrl) {
    throw new OAuthError(
      'invalid_grant',
      `Invalid JWT: Failed audience check. The right audience is ${state.tokenUrl}`,
    );
  }
  const { target_audience: audience } = claims;
  if (typeof audience === 'string' && audience !== '') {
    return { id_token: await serviceAccountIdToken(state, account, audience) };
  }
  const scopes = scopeClaim(claims);
  if (scopes.length === 0) {
    throw new OAuthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
  }
  // Domain-wide delegation: the token acts as the subject the assertion names.
  const principal =
    typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : account.email;
  const token = state.issueAccessToken({ principal, scopes, clientId: account.clientId });
  return accessTokenFields(state, token);
};
