export * from './portable.js';
// The real Node and gaxios types behind platform/node-types.ts, for the Node entry's declarations.
export type {} from './platform/node-types-on-node.js';
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
  type DetectOptions,
} from './metadata/metadata-client.js';
export { type DetectionMode } from './metadata/detection.js';
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
} from './adc/default-credentials.js';
export { wellKnownCredentialsPath, gcloudConfigDir } from './adc/well-known-file.js';
export { findProjectId, gcloudProject, type ProjectIdSource } from './adc/project-id.js';
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
export type { ReplayGuard } from './oauth/web/replay-guard.js';
export {
  GdchCredentials,
  type GdchCredentialsOptions,
} from './service-account/gdch-credentials.js';
export {
  ApiKeyCredentials,
  type ApiKeyCredentialsOptions,
} from './credentials/api-key-credentials.js';
export {
  signStorageUrl,
  type SignedUrlOptions,
  type StorageUrlToSign,
} from './storage/signed-url.js';
export {
  ExternalAccountAuthorizedUserCredentials,
  type ExternalAccountAuthorizedUserOptions,
} from './external-account/authorized-user-credentials.js';
export {
  DownscopedCredentials,
  type AccessBoundaryRule,
  type CredentialAccessBoundary,
  type DownscopedCredentialsOptions,
} from './credentials/downscoped-credentials.js';
export type {
  BasicClient,
  TokenExchangeRequest,
  TokenExchangeResponse,
} from './oauth/token-exchange.js';
