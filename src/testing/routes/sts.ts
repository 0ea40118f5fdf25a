/**
 * Google's Security Token Service, emulated: `POST /v1/token` exchanges a subject token (RFC 8693)
 * that it verifies for real, or downscopes an access token with a credential access boundary.
 * The fake identity provider's JWKS is served at `/idp/jwks`.
 */
import type { EmulatorModule } from '../context.js';
import type { PoolProvider } from '../federation.js';
import { OAuthError } from '../google-errors.js';
import { json, type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState } from '../state.js';
import { verifyAwsSubject, verifyCertificateSubject, verifyOidcSubject } from '../sts-subjects.js';
import { authenticateClient } from './token/client-auth.js';
import { NO_STORE, parseForm } from './token/endpoint.js';
import { splitScopes } from './token/grant.js';

export const STS_TOKEN_PATH = '/v1/token';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const MAX_OPTIONS_LENGTH = 16 * 1024;
const MAX_BOUNDARY_RULES = 10;

export const securityTokenService: EmulatorModule = ({ router }) => {
  router.add({
    name: 'sts',
    methods: ['POST'],
    paths: [STS_TOKEN_PATH],
    errorShape: 'oauth',
    handle: exchange,
  });
  router.add({
    name: 'idp-jwks',
    methods: ['GET'],
    paths: ['/idp/jwks'],
    handle: (_request, state) => json(200, state.federation.idp.jwks()),
  });
};

async function exchange(request: EmulatorRequest, state: EmulatorState): Promise<RouteResponse> {
  const params = parseForm(request);
  const grantType = params.get('grant_type');
  if (grantType !== TOKEN_EXCHANGE) {
    throw new OAuthError('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }
  if ((params.get('requested_token_type') ?? '') !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError('invalid_request', 'requested_token_type must be the access token type.');
  }
  const subjectToken = params.require('subject_token');
  const subjectTokenType = params.require('subject_token_type');
  const options = parseOptions(params.get('options'));
  if (subjectTokenType === ACCESS_TOKEN_TYPE) return downscope(subjectToken, options, state);

  const audience = params.require('audience');
  const provider = state.federation.providers.get(audience);
  if (!provider)
    throw new OAuthError('invalid_target', `Invalid value for "audience": ${audience}`);
  const scopes = splitScopes(params.require('scope'));
  const client = request.headers.authorization
    ? authenticateClient({ params, headers: request.headers }, state)
    : undefined;
  if (provider.workforce && !client && typeof options?.userProject !== 'string') {
    throw new OAuthError(
      'invalid_request',
      'Workforce pools need options.userProject or client authentication.',
    );
  }
  const subject = await verifySubject(subjectToken, subjectTokenType, provider, request, state);
  const token = state.issueAccessToken({
    principal: `principal:${provider.audience.replace(/\/providers\/[^/]+$/, '')}/subject/${subject}`,
    scopes,
    ...(client && { clientId: client.clientId }),
  });
  return json(200, issued(token.token, state.tokenLifetimeSec), NO_STORE);
}

function verifySubject(
  token: string,
  type: string,
  provider: PoolProvider,
  request: EmulatorRequest,
  state: EmulatorState,
): Promise<string> | string {
  const kind = type.split(':').pop();
  if (provider.kind === 'oidc' && (kind === 'jwt' || kind === 'id_token')) {
    return verifyOidcSubject(token, provider, state.federation);
  }
  if (provider.kind === 'aws' && kind === 'aws4_request') {
    return verifyAwsSubject(token, provider, state.federation);
  }
  if (provider.kind === 'x509' && kind === 'mtls') {
    return verifyCertificateSubject(token, request.peerCertificate);
  }
  throw new OAuthError(
    'invalid_request',
    `subject_token_type ${type} does not match the ${provider.kind} provider.`,
  );
}

function parseOptions(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  if (text.length > MAX_OPTIONS_LENGTH)
    throw new OAuthError('invalid_request', 'options is too long.');
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // answered below
  }
  throw new OAuthError('invalid_request', 'options must be a JSON object.');
}

function downscope(
  subjectToken: string,
  options: Record<string, unknown> | undefined,
  state: EmulatorState,
): RouteResponse {
  const source = state.activeAccessToken(subjectToken);
  if (!source) throw new OAuthError('invalid_grant', 'The subject token is invalid or expired.');
  const boundary = (options?.accessBoundary as { accessBoundaryRules?: unknown } | undefined)
    ?.accessBoundaryRules;
  if (!Array.isArray(boundary) || boundary.length === 0 || boundary.length > MAX_BOUNDARY_RULES) {
    throw new OAuthError(
      'invalid_request',
      `options.accessBoundary.accessBoundaryRules must hold 1 to ${MAX_BOUNDARY_RULES} rules.`,
    );
  }
  for (const rule of boundary as Record<string, unknown>[]) {
    const permissions = rule?.availablePermissions;
    if (
      typeof rule?.availableResource !== 'string' ||
      !Array.isArray(permissions) ||
      permissions.length === 0 ||
      !permissions.every((p) => typeof p === 'string' && p.startsWith('inRole:'))
    ) {
      throw new OAuthError(
        'invalid_request',
        'Each access boundary rule needs availableResource and inRole: permissions.',
      );
    }
  }
  const token = state.issueAccessToken({ principal: source.principal, scopes: source.scopes });
  token.expiresAt = source.expiresAt;
  state.federation.accessBoundaries.set(token.token, options?.accessBoundary);
  return json(
    200,
    issued(token.token, Math.floor((source.expiresAt - Date.now()) / 1000)),
    NO_STORE,
  );
}

function issued(accessToken: string, expiresIn: number): Record<string, unknown> {
  return {
    access_token: accessToken,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: 'Bearer',
    expires_in: expiresIn,
  };
}
