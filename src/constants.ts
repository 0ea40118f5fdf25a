/**
 * `warrant/constants`: Google's endpoints and warrant's tuning defaults. Every one of them is
 * also an option with this value as its default, so most programs never import them.
 */
export { DEFAULT_UNIVERSE_DOMAIN } from './options.js';
export { DEFAULT_REFRESH_MARGIN_MS } from './credentials/credentials.js';
export {
  GOOGLE_AUTH_URL,
  GOOGLE_DEVICE_AUTHORIZATION_URL,
  GOOGLE_REVOKE_URL,
  GOOGLE_TOKEN_INFO_URL,
  GOOGLE_TOKEN_URL,
} from './oauth/google-endpoints.js';
export { DEFAULT_LOGIN_TIMEOUT_MS } from './flows/installed-app-flow.js';
export {
  DEFAULT_METADATA_HTTP,
  DEFAULT_PROBE_TIMEOUT_MS,
  DEFAULT_RESIDENT_PROBE_TIMEOUT_MS,
} from './metadata/metadata-client.js';
export { DEFAULT_METADATA_HOSTS } from './metadata/hosts.js';
export {
  GOOGLE_CERTS_URL,
  GOOGLE_ISSUERS,
  GOOGLE_JWKS_URL,
  IAP_ISSUER,
  IAP_JWKS_URL,
} from './id-token/verifier.js';
export { SUPPORTED_CREDENTIALS_TYPES } from './adc/load-credentials.js';
export { MAX_SIGNED_URL_SECONDS } from './storage/signed-url.js';
export { MAX_ACCESS_BOUNDARY_RULES } from './credentials/downscoped-credentials.js';
