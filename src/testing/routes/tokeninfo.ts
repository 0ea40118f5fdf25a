/**
 * `GET|POST /tokeninfo?access_token=`: describes an access token the way Google's token-info
 * endpoint does, numbers as strings included.
 */
import type { EmulatorModule } from '../context.js';
import { OAuthError } from '../google-errors.js';
import { json, type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState } from '../state.js';

export const TOKEN_INFO_PATH = '/tokeninfo';

const EMAIL_SCOPES = ['email', 'https://www.googleapis.com/auth/userinfo.email'];

export const tokenInfoEndpoint: EmulatorModule = ({ router }) => {
  router.add({
    name: 'tokeninfo',
    methods: ['GET', 'POST'],
    paths: [TOKEN_INFO_PATH],
    errorShape: 'oauth',
    handle: describeToken,
  });
};

function describeToken(request: EmulatorRequest, state: EmulatorState): RouteResponse {
  const form = request.method === 'POST' ? new URLSearchParams(request.body) : request.query;
  const accessToken = form.get('access_token');
  if (!accessToken)
    throw new OAuthError('invalid_request', 'Missing required parameter: access_token');
  const record = state.activeAccessToken(accessToken);
  if (!record) throw new OAuthError('invalid_token', 'Invalid Value');

  const account = state.serviceAccounts.get(record.principal);
  const user = state.users.get(record.principal);
  const audience = record.clientId ?? account?.clientId ?? record.principal;
  const subject = user?.id ?? account?.clientId;
  const withEmail = record.scopes.some((scope) => EMAIL_SCOPES.includes(scope));
  return json(200, {
    azp: audience,
    aud: audience,
    ...(subject !== undefined && { sub: subject }),
    scope: record.scopes.join(' '),
    exp: String(Math.floor(record.expiresAt / 1000)),
    expires_in: String(Math.max(0, Math.floor((record.expiresAt - Date.now()) / 1000))),
    ...(withEmail && { email: record.principal, email_verified: 'true' }),
    ...(record.refreshToken !== undefined && { access_type: 'offline' }),
  });
}
