export {
  AbortedError,
  AuthError,
  HttpError,
  InvalidCredentialsError,
  InvalidOptionsError,
  NetworkError,
  OAuthError,
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
export { KeyObjectSigner, type Signer, type SigningAlgorithm } from './service-account/signer.js';
export {
  AuthorizedClient,
  type AuthorizedClientOptions,
  type GoogleApisAuth,
} from './transport/authorized-client.js';
export type { TokenStore } from './store/token-store.js';
export {
  Flow,
  type FlowOptions,
  type ClientConfigFlowOptions,
  type AuthorizationUrlOptions,
  type AuthorizationRequest,
  type AuthorizationResult,
  type FetchTokenOptions,
} from './flows/flow.js';
export { InstalledAppFlow, type RunLocalServerOptions } from './flows/installed-app-flow.js';
export {
  DeviceFlow,
  type DeviceFlowOptions,
  type ClientConfigDeviceFlowOptions,
} from './flows/device-flow.js';
export type { DeviceAuthorization } from './oauth/device-authorization.js';
export {
  parseClientSecrets,
  readClientSecretsFile,
  type ClientConfig,
} from './flows/client-secrets.js';
export type { AuthorizationParams } from './oauth/authorization-url.js';
export { openInBrowser, type BrowserOpener } from './flows/browser.js';
export { revoke, type RevokeOptions } from './flows/revoke.js';
export { tokenInfo, type TokenInfo, type TokenInfoOptions } from './flows/token-info.js';
export { TokenStoreError } from './store/token-store.js';
export { MemoryTokenStore } from './store/memory-token-store.js';
export { FileTokenStore, type FileTokenStoreOptions } from './store/file-token-store.js';
export {
  bindToStore,
  loadUserCredentials,
  type BindToStoreOptions,
  type StoreBinding,
} from './store/bind-to-store.js';
export {
  MetadataClient,
  defaultMetadataClient,
  type MetadataClientOptions,
  type MetadataGetOptions,
  type Detection,
} from './metadata/metadata-client.js';
export { type DetectionMode } from './metadata/detection.js';
export { type Environment } from './metadata/environment.js';
export {
  ComputeCredentials,
  type ComputeCredentialsOptions,
} from './credentials/compute-credentials.js';
export {
  credentialsFromJson,
  loadCredentialsFile,
  type LoadCredentialsOptions,
} from './adc/load-credentials.js';
export {
  defaultCredentials,
  defaultCredentialsResolver,
  DefaultCredentialsResolver,
  type DefaultCredentialsOptions,
  type DefaultCredentialsResult,
  type DefaultCredentialsResolverOptions,
  type DefaultCredentialsSource,
} from './adc/default-credentials.js';
export { wellKnownCredentialsPath, gcloudConfigDir } from './adc/well-known-file.js';
export { findProjectId, gcloudProject, type ProjectIdSource } from './adc/project-id.js';
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
export type { IdTokenClaims } from './oauth/id-token-claims.js';
export type { ClientAuthMethod, ClientPrivateKey } from './oauth/client-auth.js';
export type { DevicePollOptions, PendingDeviceLogin } from './oauth/device.js';
export type { TokenIntrospection } from './oauth/introspection.js';
export type { TokenTypeHint } from './oauth/revocation.js';
export type { UserInfo } from './oauth/userinfo.js';
export {
  callbackHandler,
  loginErrorPage,
  loginHandler,
  type CallbackHandlerOptions,
  type LoginErrorHandler,
  type LoginHandlerOptions,
  type LoginRequestHandler,
  type LoginStateOptions,
} from './oauth/web/handlers.js';
export {
  CookieLoginStateStore,
  LoginStateError,
  type LoginCookieOptions,
  type LoginStateProblem,
  type LoginStateStore,
} from './oauth/web/login-state.js';
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
export type { IdTokenAlgorithm } from './id-token/key-set.js';
export { PublicKeyCache, type PublicKeyCacheOptions } from './id-token/public-key-cache.js';
export type { DetectOptions } from './metadata/metadata-client.js';
