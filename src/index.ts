export * from './portable.js';
export { KeyObjectSigner, type Signer, type SigningAlgorithm } from './service-account/signer.js';
export {
  Flow,
  type FlowOptions,
  type ClientConfigFlowOptions,
  type AuthorizationUrlOptions,
  type AuthorizationRequest,
  type AuthorizationResult,
  type FetchTokenOptions,
} from './flows/flow.js';
export {
  InstalledAppFlow,
  DEFAULT_LOGIN_TIMEOUT_MS,
  type RunLocalServerOptions,
} from './flows/installed-app-flow.js';
export {
  DeviceFlow,
  type DeviceFlowOptions,
  type ClientConfigDeviceFlowOptions,
} from './flows/device-flow.js';
export {
  buildDeviceAuthorizationRequest,
  parseDeviceAuthorizationResponse,
  DEVICE_CODE_GRANT,
  type DeviceAuthorization,
} from './flows/device-authorization.js';
export {
  parseClientSecrets,
  readClientSecretsFile,
  type ClientConfig,
} from './flows/client-secrets.js';
export {
  buildAuthorizationUrl,
  parseAuthorizationResponse,
  type AuthorizationParams,
} from './flows/authorization.js';
export { openInBrowser, type BrowserOpener } from './flows/browser.js';
export {
  revoke,
  buildRevokeRequest,
  parseRevokeResponse,
  type RevokeOptions,
} from './flows/revoke.js';
export {
  tokenInfo,
  buildTokenInfoRequest,
  parseTokenInfoResponse,
  type TokenInfo,
  type TokenInfoOptions,
} from './flows/token-info.js';
export {
  GOOGLE_AUTH_URL,
  GOOGLE_REVOKE_URL,
  GOOGLE_TOKEN_INFO_URL,
  GOOGLE_DEVICE_AUTHORIZATION_URL,
} from './flows/endpoints.js';
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
  DEFAULT_PROBE_TIMEOUT_MS,
  DEFAULT_RESIDENT_PROBE_TIMEOUT_MS,
  DEFAULT_METADATA_HTTP,
  type MetadataClientOptions,
  type MetadataGetOptions,
  type Detection,
} from './metadata/metadata-client.js';
export { type DetectionMode } from './metadata/detection.js';
export { DEFAULT_METADATA_HOSTS } from './metadata/hosts.js';
export { type Environment } from './metadata/environment.js';
export {
  ComputeCredentials,
  type ComputeCredentialsOptions,
} from './credentials/compute-credentials.js';
export {
  defaultCredentials,
  defaultCredentialsResolver,
  DefaultCredentialsResolver,
  type DefaultCredentialsOptions,
  type DefaultCredentialsResult,
  type DefaultCredentialsResolverOptions,
  type DefaultCredentialsSource,
} from './credentials/default-credentials.js';
export { wellKnownCredentialsPath, gcloudConfigDir } from './credentials/well-known-file.js';
export { findProjectId, gcloudProject, type ProjectIdSource } from './credentials/project-id.js';
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
export { OAuth1Client, type OAuth1ClientOptions } from './oauth/oauth1/client.js';
export {
  signOAuth1Request,
  type OAuth1RequestToSign,
  type OAuth1SignatureType,
  type OAuth1SignedRequest,
  type OAuth1SigningParams,
} from './oauth/oauth1/sign-request.js';
export {
  baseStringUri,
  normalizeParameters,
  signatureBaseString,
  signBaseString,
  type OAuth1SignatureMethod,
  type OAuth1SigningKeys,
} from './oauth/oauth1/signature.js';
export type { OAuth1TokenCredentials } from './oauth/oauth1/token-response.js';
export {
  ImpersonatedCredentials,
  type ImpersonatedCredentialsOptions,
  type ImpersonatedIdTokenOptions,
} from './credentials/impersonated-credentials.js';
export { canSign, type SignResult, type SigningCredentials } from './credentials/signing.js';
export { GdchCredentials, type GdchCredentialsOptions } from './credentials/gdch-credentials.js';
export {
  ApiKeyCredentials,
  type ApiKeyCredentialsOptions,
} from './credentials/api-key-credentials.js';
export {
  MAX_SIGNED_URL_SECONDS,
  signStorageUrl,
  storageUrlToSign,
  type SignedUrlOptions,
  type StorageUrlToSign,
} from './storage/signed-url.js';
export type { DetectOptions } from './metadata/metadata-client.js';
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
  ExternalAccountAuthorizedUserCredentials,
  type ExternalAccountAuthorizedUserOptions,
} from './external-account/authorized-user-credentials.js';
export {
  DownscopedCredentials,
  MAX_ACCESS_BOUNDARY_RULES,
  type AccessBoundaryRule,
  type CredentialAccessBoundary,
  type DownscopedCredentialsOptions,
} from './credentials/downscoped-credentials.js';
export {
  buildTokenExchangeRequest,
  exchangeToken,
  parseTokenExchangeResponse,
  TOKEN_EXCHANGE_GRANT,
  TOKEN_TYPES,
  type BasicClient,
  type TokenExchangeRequest,
  type TokenExchangeResponse,
} from './oauth/token-exchange.js';
