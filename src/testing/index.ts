/**
 * `warrant/testing`: a local emulator of Google's auth endpoints for tests and demos.
 * Nothing in the library imports it.
 */
// A Node-only entry: its declarations see the real Node types behind platform/node-types.ts.
export type {} from '../platform/node-types-on-node.js';
export { startEmulator } from './emulator.js';
export type {
  AuthorizedUserJson,
  Emulator,
  EmulatorOptions,
  Fault,
  ServiceAccountKeyJson,
} from './types.js';
export type {
  AccessTokenRecord,
  AuthorizationCodeRecord,
  AuthorizationCodeRequest,
  EmulatorState,
  OAuthClientRecord,
  RefreshTokenRecord,
  ServiceAccountRecord,
  UserRecord,
} from './state.js';
export {
  createClientSecrets,
  type EmulatorClientSecrets,
  type EmulatorClientSection,
} from './routes/user-login.js';
export { deviceLogins, DeviceLogins, type DevicePollAnswer } from './routes/device.js';
export type { ScriptedConsent } from './routes/authorize.js';
export { configureMetadata, type MetadataMode, type MetadataSettings } from './routes/metadata.js';
export {
  FakeIdentityProvider,
  FederationState,
  type AwsIdentity,
  type AwsInstance,
  type PoolProvider,
  type ProviderKind,
} from './federation.js';
export { createWorkforceUser, type WorkforceUserJson } from './routes/sts-users.js';
export { createGdchServiceAccount, type GdchServiceAccountJson } from './routes/gdch.js';
