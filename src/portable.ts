/**
 * The public surface that works on every runtime: re-exported by both package entries, the Node
 * one (index.ts) and the edge one (edge.ts), so the two cannot drift apart. Protocol halves,
 * constants and OAuth 1.0a live in the subpath entries (`warrant/protocol`, `warrant/constants`,
 * `warrant/oauth1`), keeping the root to the types programs construct and call.
 */
export {
  AbortedError,
  AuthError,
  HttpError,
  InvalidCredentialsError,
  InvalidOptionsError,
  NetworkError,
  NodeOnlyError,
  OAuthError,
  SubjectTokenError,
  TimeoutError,
  TokenResponseError,
  type AuthErrorCode,
  type AuthErrorOptions,
} from './errors.js';
export type { HttpOptions, RetryPolicy } from './http/types.js';
export {
  Credentials,
  type CredentialsOptions,
  type TokenRequest,
  type TokenResult,
  type TokensEvent,
} from './credentials/credentials.js';
export { UserCredentials, type UserCredentialsOptions } from './credentials/user-credentials.js';
export {
  ServiceAccountCredentials,
  type ServiceAccountOptions,
} from './service-account/service-account-credentials.js';
export type { ServiceAccountKey } from './service-account/service-account-key.js';
export {
  ImpersonatedCredentials,
  type ImpersonatedCredentialsOptions,
  type ImpersonatedIdTokenOptions,
} from './credentials/impersonated-credentials.js';
export { canSign, type SignResult, type SigningCredentials } from './credentials/signing.js';
export { ExternalAccountCredentials } from './external-account/external-account-credentials.js';
export type { ExternalAccountOptions, CredentialSource } from './external-account/config.js';
export type {
  SubjectTokenContext,
  SubjectTokenFormat,
  SubjectTokenSupplier,
} from './external-account/subject-token.js';
export type { AwsSecurityCredentialsSupplier } from './external-account/aws-source.js';
export type { AwsSecurityCredentials } from './external-account/aws-sigv4.js';
export {
  credentialsFromJson,
  loadCredentialsFile,
  type LoadCredentialsOptions,
} from './adc/load-credentials.js';
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
export type { IdTokenAlgorithm } from './id-token/algorithms.js';
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
export { ProviderSession, type ProviderSessionOptions } from './flows/provider-session.js';
export type { OAuthTokens } from './oauth/tokens.js';
export type { ProviderEndpoint, ProviderMetadata } from './oauth/metadata.js';
export type {
  AuthorizationRedirect,
  AuthorizationRequestOptions,
  SavedAuthorization,
} from './oauth/authorization.js';
export type { IdTokenClaims } from './id-token/claims.js';
export type { ClientAuthMethod, ClientPrivateKey } from './oauth/client-auth.js';
export type { DevicePollOptions, PendingDeviceLogin } from './oauth/device.js';
export type { TokenIntrospection } from './oauth/introspection.js';
export type { TokenTypeHint } from './oauth/revocation.js';
export type { UserInfo } from './oauth/userinfo.js';
export { WebCryptoSigner } from './service-account/webcrypto-signer.js';
