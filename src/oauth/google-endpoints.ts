/** Google's OAuth 2.0 endpoints for users: every flow takes each of them as an option. */

/** Where the user is sent to consent. */
export const GOOGLE_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';
/** Where codes, device codes and refresh tokens are exchanged for tokens. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** Where access and refresh tokens are revoked. */
export const GOOGLE_REVOKE_URL = 'https://oauth2.googleapis.com/revoke';
/** Where an access token is described (scopes, lifetime, user). */
export const GOOGLE_TOKEN_INFO_URL = 'https://oauth2.googleapis.com/tokeninfo';
/** The scope of most Google Cloud APIs: the default where a token needs a scope and none was given. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Where a device (input-limited) login starts, RFC 8628. */
export const GOOGLE_DEVICE_AUTHORIZATION_URL = 'https://oauth2.googleapis.com/device/code';
