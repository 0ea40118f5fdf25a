/**
 * The public surface that works on every runtime: re-exported by both package entries, the Node
 * one (index.ts) and the edge one (edge.ts), so the two cannot drift apart.
 */
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
export {
  credentialsFromJson,
  loadCredentialsFile,
  SUPPORTED_CREDENTIALS_TYPES,
  type LoadCredentialsOptions,
} from './credentials/load-credentials.js';
export {
  AuthorizedClient,
  type AuthorizedClientOptions,
  type GoogleApisAuth,
} from './transport/authorized-client.js';
export type { TokenStore } from './store/token-store.js';
export { TokenStoreError } from './store/token-store.js';
export { MemoryTokenStore } from './store/memory-token-store.js';
export {
  IdTokenCredentials,
  type IdTokenCredentialsOptions,
} from './credentials/id-token-credentials.js';
export {
  GOOGLE_CERTS_URL,
  GOOGLE_ISSUERS,
  GOOGLE_JWKS_URL,
  IAP_ISSUER,
  IAP_JWKS_URL,
  IdTokenVerifier,
  verifyIapJwt,
  verifyIdToken,
  type IdTokenVerifierOptions,
  type VerifiedIdToken,
  type VerifyIapJwtOptions,
  type VerifyIdTokenOptions,
} from './id-token/verifier.js';
export type { IdTokenPayload } from './id-token/claims.js';
export type { JwsHeader } from './id-token/jws.js';
export type { IdTokenAlgorithm } from './id-token/key-set.js';
export { PublicKeyCache, type PublicKeyCacheOptions } from './id-token/public-key-cache.js';
export { OAuthProvider, type LoginResult } from './oauth/provider.js';
export type { OAuthProviderOptions } from './oauth/provider-options.js';
export { ProviderRegistry, type ProviderRegistration } from './oauth/registry.js';
export {
  GOOGLE_PROVIDER,
  PROVIDER_PRESETS,
  type ProviderPreset,
  type ProviderPresetName,
} from './oauth/presets.js';
export { ProviderSession, type ProviderSessionOptions } from './oauth/session.js';
export { tokensFromJson, tokensToJson, type OAuthTokens } from './oauth/tokens.js';
export { discoveryUrl } from './oauth/discovery.js';
export type { ProviderEndpoint, ProviderMetadata } from './oauth/metadata.js';
export type {
  AuthorizationRedirect,
  AuthorizationRequestOptions,
  SavedAuthorization,
} from './oauth/authorization.js';
export type { IdTokenClaims } from './oauth/id-token-claims.js';
export type { ClientAuthMethod, ClientPrivateKey } from './oauth/client-auth.js';
export type { DevicePollOptions, PendingDeviceLogin } from './oauth/device.js';
export type { TokenIntrospection } from './oauth/introspection.js';
export type { TokenTypeHint } from './oauth/revocation.js';
export type { UserInfo } from './oauth/userinfo.js';
export { createCodeVerifier, codeChallengeS256, createState } from './flows/pkce.js';
export { WebCryptoSigner } from './service-account/webcrypto-signer.js';
