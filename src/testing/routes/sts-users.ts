/**
 * STS for workforce identity users (`external_account_authorized_user`, as gcloud writes them):
 * the refresh grant at `/v1/oauthtoken`, introspection at `/v1/introspect` and revocation at
 * `/v1/revoke`, each authenticating the OAuth client with HTTP Basic.
 */
import type { EmulatorModule } from '../context.js';
import { OAuthError } from '../google-errors.js';
import { json, type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState } from '../state.js';
import { authenticateClient } from './token/client-auth.js';
import { NO_STORE, parseForm } from './token/endpoint.js';
import { accessTokenFields } from './token/grant.js';

/** The `external_account_authorized_user` JSON of a workforce user. */
export interface WorkforceUserJson {
  type: 'external_account_authorized_user';
  audience: string;
  client_id: string;
  client_secret: string;
  refresh_token: string;
  token_url: string;
  token_info_url: string;
  revoke_url: string;
}

/**
 * Registers a workforce pool user who has logged in with gcloud, and returns the JSON gcloud
 * writes for them.
 *
 * @example
 * ```ts
 * const json = createWorkforceUser(emulator.state);
 * ```
 */
export function createWorkforceUser(state: EmulatorState): WorkforceUserJson {
  const provider = state.federation.createProvider('oidc', { workforce: true });
  const client = state.createClient();
  const user = state.userFor(`workforce-user-${client.clientId.slice(0, 6)}@example.com`);
  const refresh = state.issueRefreshToken(client.clientId, user, [
    'https://www.googleapis.com/auth/cloud-platform',
  ]);
  return {
    type: 'external_account_authorized_user',
    audience: provider.audience,
    client_id: client.clientId,
    client_secret: client.clientSecret,
    refresh_token: refresh.token,
    token_url: `${state.url}/v1/oauthtoken`,
    token_info_url: `${state.url}/v1/introspect`,
    revoke_url: `${state.url}/v1/revoke`,
  };
}

export const workforceUserEndpoints: EmulatorModule = ({ router }) => {
  router.add({
    name: 'sts-oauthtoken',
    methods: ['POST'],
    paths: ['/v1/oauthtoken'],
    errorShape: 'oauth',
    handle: refresh,
  });
  router.add({
    name: 'sts-introspect',
    methods: ['POST'],
    paths: ['/v1/introspect'],
    errorShape: 'oauth',
    handle: introspect,
  });
  router.add({
    name: 'sts-revoke',
    methods: ['POST'],
    paths: ['/v1/revoke'],
    errorShape: 'oauth',
    handle: revoke,
  });
};

function refresh(request: EmulatorRequest, state: EmulatorState): RouteResponse {
  const params = parseForm(request);
  if (params.get('grant_type') !== 'refresh_token') {
    throw new OAuthError(
      'unsupported_grant_type',
      `Invalid grant_type: ${params.get('grant_type') ?? ''}`,
    );
  }
  const client = authenticateClient({ params, headers: request.headers }, state);
  const record = state.refreshTokens.get(params.require('refresh_token'));
  if (!record || record.clientId !== client.clientId) {
    throw new OAuthError('invalid_grant', 'The refresh token is invalid or has been revoked.');
  }
  const token = state.issueAccessToken({
    principal: record.user.email,
    scopes: record.scopes,
    clientId: client.clientId,
    refreshToken: record.token,
  });
  return json(200, accessTokenFields(state, token), NO_STORE);
}

function introspect(request: EmulatorRequest, state: EmulatorState): RouteResponse {
  const params = parseForm(request);
  if (request.headers.authorization)
    authenticateClient({ params, headers: request.headers }, state);
  const record = state.activeAccessToken(params.require('token'));
  if (!record) return json(200, { active: false });
  return json(200, {
    active: true,
    scope: record.scopes.join(' '),
    exp: Math.floor(record.expiresAt / 1000),
    sub: record.principal,
    ...(record.clientId && { client_id: record.clientId }),
    token_type: 'Bearer',
  });
}

function revoke(request: EmulatorRequest, state: EmulatorState): RouteResponse {
  const params = parseForm(request);
  authenticateClient({ params, headers: request.headers }, state);
  state.revokeToken(params.require('token'));
  return json(200, {});
}
