/** The client-credentials grant (RFC 6749 §4.4): the client itself is the principal. */
import type { EmulatorModule } from '../../context.js';
import { authenticateClient } from './client-auth.js';
import { accessTokenFields, splitScopes, type GrantHandler } from './grant.js';

export const clientCredentialsGrant: EmulatorModule = ({ grants }) => {
  grants.set('client_credentials', issueToClient);
};

const issueToClient: GrantHandler = async (request, state) => {
  const client = authenticateClient(request, state);
  const scopes = splitScopes(request.params.get('scope'));
  const token = state.issueAccessToken({
    principal: client.clientId,
    scopes,
    clientId: client.clientId,
  });
  return {
    ...accessTokenFields(state, token),
    ...(scopes.length > 0 && { scope: scopes.join(' ') }),
  };
};
