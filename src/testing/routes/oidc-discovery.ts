/**
 * OpenID Connect discovery (`GET /.well-known/openid-configuration`), so an OIDC client given
 * the emulator's URL as its issuer finds every endpoint. Its authorization endpoint is the one
 * whose ID tokens name the emulator as `iss` and echo the request's `nonce`.
 */
import type { EmulatorModule } from '../context.js';
import { json } from '../router.js';
import type { EmulatorState } from '../state.js';
import { OIDC_AUTHORIZE_PATH } from './authorize.js';
import { DEVICE_CODE_PATH } from './device.js';
import { REVOKE_PATH } from './revoke.js';

export const OIDC_CONFIGURATION_PATH = '/.well-known/openid-configuration';

export const oidcDiscovery: EmulatorModule = ({ router }) => {
  router.add({
    name: 'oidc-configuration',
    methods: ['GET'],
    paths: [OIDC_CONFIGURATION_PATH],
    handle: (_request, state) => json(200, openIdConfiguration(state)),
  });
};

/** The emulator's OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3). */
export function openIdConfiguration(state: EmulatorState): Record<string, unknown> {
  return {
    issuer: state.url,
    authorization_endpoint: `${state.url}${OIDC_AUTHORIZE_PATH}`,
    token_endpoint: state.tokenUrl,
    jwks_uri: state.jwksUrl,
    revocation_endpoint: `${state.url}${REVOKE_PATH}`,
    device_authorization_endpoint: `${state.url}${DEVICE_CODE_PATH}`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    code_challenge_methods_supported: ['plain', 'S256'],
    claims_supported: ['aud', 'email', 'email_verified', 'exp', 'iat', 'iss', 'nonce', 'sub'],
  };
}
