import {
  GOOGLE_AUTH_URL,
  GOOGLE_DEVICE_AUTHORIZATION_URL,
  GOOGLE_REVOKE_URL,
  GOOGLE_TOKEN_URL,
} from './google-endpoints.js';
import { GOOGLE_ISSUERS, GOOGLE_JWKS_URL } from '../id-token/verifier.js';
import type { OAuthProviderOptions } from './provider-options.js';

/** A provider's settings without the client's own (id, secret, keys). */
export type ProviderPreset = Omit<OAuthProviderOptions, 'clientId' | 'clientSecret' | 'privateKey'>;

/**
 * Google as an OpenID provider. The endpoints are given, so no discovery round trip is needed;
 * Google's ID tokens name their issuer with or without the scheme.
 */
export const GOOGLE_PROVIDER: Readonly<ProviderPreset> = Object.freeze({
  name: 'google',
  issuer: 'https://accounts.google.com',
  serverMetadataUrl: 'https://accounts.google.com/.well-known/openid-configuration',
  authorizationUrl: GOOGLE_AUTH_URL,
  tokenUrl: GOOGLE_TOKEN_URL,
  userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
  jwksUri: GOOGLE_JWKS_URL,
  revocationUrl: GOOGLE_REVOKE_URL,
  deviceAuthorizationUrl: GOOGLE_DEVICE_AUTHORIZATION_URL,
  idTokenAlgorithms: ['RS256'],
  idTokenIssuers: GOOGLE_ISSUERS,
});

/** Presets by the name `ProviderRegistry.register` accepts in its `preset` option. */
export const PROVIDER_PRESETS = Object.freeze({ google: GOOGLE_PROVIDER });

export type ProviderPresetName = keyof typeof PROVIDER_PRESETS;
