export * from './errors.js';
export type { HttpOptions, RetryPolicy } from './http/types.js';
export {
  Credentials,
  DEFAULT_REFRESH_MARGIN_MS,
  DEFAULT_UNIVERSE_DOMAIN,
  type CredentialsOptions,
  type TokenRequest,
  type TokenResult,
  type TokensEvent,
} from './credentials/credentials.js';
export {
  UserCredentials,
  parseAuthorizedUser,
  type UserCredentialsOptions,
} from './credentials/user-credentials.js';
export {
  buildTokenRequest,
  parseTokenResponse,
  requestToken,
  type TokenResponse,
} from './credentials/token-endpoint.js';
export {
  ServiceAccountCredentials,
  GOOGLE_TOKEN_URL,
  type ServiceAccountOptions,
} from './service-account/service-account-credentials.js';
export {
  parseServiceAccountKey,
  type ServiceAccountKey,
} from './service-account/service-account-key.js';
export { KeyObjectSigner, type Signer, type SigningAlgorithm } from './service-account/signer.js';
export { AuthorizedClient, type AuthorizedClientOptions } from './transport/authorized-client.js';
export type { TokenStore } from './store/token-store.js';
