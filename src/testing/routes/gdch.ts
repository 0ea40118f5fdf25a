/**
 * A Google Distributed Cloud Hosted service-identity token endpoint (route `gdch-token`, `POST
 * /authenticate`): it takes an RFC 8693 token exchange whose subject token is an ES256 JWT signed
 * by a registered service identity (`createGdchServiceAccount`) and answers with an access token
 * for the requested audience. Start the emulator with `tls` to serve it over HTTPS with a private
 * CA, as GDCH does.
 */
import type { KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';
import type { EmulatorModule } from '../context.js';
import { OAuthError } from '../google-errors.js';
import { randomKeyId } from '../ids.js';
import { generateKeys, privateKeyPem } from '../keys.js';
import { json, jsonObjectBody, type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState } from '../state.js';

export const GDCH_TOKEN_PATH = '/authenticate';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const SERVICE_ACCOUNT_TOKEN_TYPE = 'urn:k8s:params:oauth:token-type:serviceaccount';
const MAX_JWT_LIFETIME_SEC = 3600;

/** A `gdch_service_account` JSON file. */
export interface GdchServiceAccountJson {
  type: 'gdch_service_account';
  format_version: '1';
  project: string;
  private_key_id: string;
  private_key: string;
  name: string;
  ca_cert_path?: string;
  token_uri: string;
}

interface Identity {
  privateKeyId: string;
  publicKey: KeyObject;
}

/** Registered identities per emulator, by `system:serviceaccount:<project>:<name>`. */
const identitiesByState = new WeakMap<EmulatorState, Map<string, Identity>>();

function identitiesOf(state: EmulatorState): Map<string, Identity> {
  let identities = identitiesByState.get(state);
  if (!identities) {
    identities = new Map();
    identitiesByState.set(state, identities);
  }
  return identities;
}

/**
 * Registers a GDCH service identity with an EC P-256 key and returns its JSON file, whose
 * `token_uri` is this emulator.
 *
 * @example
 * ```ts
 * const key = createGdchServiceAccount(emulator, { name: 'robot', caCertPath: '/tmp/ca.pem' });
 * ```
 */
export function createGdchServiceAccount(
  emulator: { readonly state: EmulatorState },
  options: { project?: string; name?: string; caCertPath?: string } = {},
): GdchServiceAccountJson {
  const state = emulator.state;
  const project = options.project ?? state.projectId;
  const name = options.name ?? `identity-${randomKeyId().slice(0, 8)}`;
  const keys = generateKeys('ES256');
  const privateKeyId = randomKeyId();
  identitiesOf(state).set(`system:serviceaccount:${project}:${name}`, {
    privateKeyId,
    publicKey: keys.publicKey,
  });
  return {
    type: 'gdch_service_account',
    format_version: '1',
    project,
    private_key_id: privateKeyId,
    private_key: privateKeyPem(keys.privateKey),
    name,
    ...(options.caCertPath !== undefined && { ca_cert_path: options.caCertPath }),
    token_uri: `${state.url}${GDCH_TOKEN_PATH}`,
  };
}

export const gdchTokenEndpoint: EmulatorModule = ({ router }) => {
  router.add({
    name: 'gdch-token',
    methods: ['POST'],
    paths: [GDCH_TOKEN_PATH],
    errorShape: 'oauth',
    handle: exchangeToken,
  });
};

async function exchangeToken(
  request: EmulatorRequest,
  state: EmulatorState,
): Promise<RouteResponse> {
  const body = parseBody(request.body);
  if (body.grant_type !== TOKEN_EXCHANGE) {
    throw new OAuthError('unsupported_grant_type', `grant_type must be ${TOKEN_EXCHANGE}`);
  }
  if (body.requested_token_type !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  if (body.subject_token_type !== SERVICE_ACCOUNT_TOKEN_TYPE) {
    throw new OAuthError(
      'invalid_request',
      `subject_token_type must be ${SERVICE_ACCOUNT_TOKEN_TYPE}`,
    );
  }
  if (typeof body.audience !== 'string' || body.audience === '') {
    throw new OAuthError('invalid_request', 'audience is required');
  }
  if (typeof body.subject_token !== 'string') {
    throw new OAuthError('invalid_request', 'subject_token is required');
  }
  const identity = await verifySubjectToken(body.subject_token, state);
  const token = state.issueAccessToken({ principal: identity, scopes: [] });
  return json(
    200,
    {
      access_token: token.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: Math.floor((token.expiresAt - Date.now()) / 1000),
    },
    { 'cache-control': 'no-store' },
  );
}

/** Checks the JWT's signature, issuer = subject, audience and timeframe; returns the identity. */
async function verifySubjectToken(jwt: string, state: EmulatorState): Promise<string> {
  const [headerPart, claimsPart] = jwt.split('.', 2);
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString());
    claims = JSON.parse(Buffer.from(claimsPart ?? '', 'base64url').toString());
  } catch {
    throw new OAuthError('invalid_grant', 'subject_token is not a JWT');
  }
  const issuer = typeof claims.iss === 'string' ? claims.iss : '';
  const identity = identitiesOf(state).get(issuer);
  if (!identity || claims.sub !== issuer) {
    throw new OAuthError('invalid_grant', 'unknown service identity');
  }
  if (header.alg !== 'ES256' || header.kid !== identity.privateKeyId) {
    throw new OAuthError('invalid_grant', 'subject_token is not signed with the identity key');
  }
  try {
    await compactVerify(jwt, identity.publicKey, { algorithms: ['ES256'] });
  } catch {
    throw new OAuthError('invalid_grant', 'subject_token signature is invalid');
  }
  const now = Math.floor(Date.now() / 1000);
  const { iat, exp } = claims;
  if (
    claims.aud !== `${state.url}${GDCH_TOKEN_PATH}` ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    exp <= now ||
    iat > now + 60 ||
    exp - iat > MAX_JWT_LIFETIME_SEC
  ) {
    throw new OAuthError('invalid_grant', 'subject_token has a wrong audience or timeframe');
  }
  return issuer;
}

function parseBody(text: string): Record<string, unknown> {
  const body = jsonObjectBody(text);
  if (!body) throw new OAuthError('invalid_request', 'the body must be a JSON object');
  return body;
}
