/**
 * `warrant/protocol`: the protocol halves behind the credential types and flows. Each exchange is
 * a pure "build the request" and a pure "parse the response", for programs that bring their own
 * HTTP client, servers that answer these requests, and tests.
 */
export {
  buildTokenRequest,
  parseTokenResponse,
  type ExpectedToken,
  type TokenResponse,
} from './oauth/token-endpoint.js';
export { requestToken } from './oauth/token-grant.js';
export {
  buildDeviceAuthorizationRequest,
  parseDeviceAuthorizationResponse,
  DEVICE_CODE_GRANT,
  type DeviceAuthorizationResponse,
} from './oauth/device-authorization.js';
export {
  buildAuthorizationUrl,
  parseAuthorizationResponse,
  type AuthorizationUrlInput,
} from './oauth/authorization-url.js';
export { createCodeVerifier, codeChallengeS256, createState } from './oauth/pkce.js';
export { buildRevokeRequest, parseRevokeResponse } from './oauth/revocation.js';
export { buildTokenInfoRequest, parseTokenInfoResponse } from './flows/token-info.js';
export { tokensFromJson, tokensToJson } from './store/token-record.js';
export { discoveryUrl } from './oauth/discovery.js';
export { parseAuthorizedUser } from './credentials/user-credentials.js';
export { parseServiceAccountKey } from './service-account/service-account-key.js';
export {
  buildTokenExchangeRequest,
  exchangeToken,
  parseTokenExchangeResponse,
  TOKEN_EXCHANGE_GRANT,
  TOKEN_TYPES,
} from './oauth/token-exchange.js';
export { storageUrlToSign } from './storage/signed-url.js';
