import { ExternalAccountAuthorizedUserCredentials } from '../external-account/authorized-user-credentials.js';
import { GdchCredentials } from '../service-account/gdch-credentials.js';
import type { CredentialsFactory } from './load-credentials.js';

/**
 * Credentials file types built only on Node: GDCH (its CA is a file) and external account
 * authorized users (not proven outside Node). Other runtimes get ./node-credential-types.web.ts,
 * where they throw NodeOnlyError.
 */
export const NODE_CREDENTIAL_TYPES: readonly (readonly [string, CredentialsFactory])[] = [
  [
    'external_account_authorized_user',
    (json, options) => ExternalAccountAuthorizedUserCredentials.fromJson(json, options),
  ],
  ['gdch_service_account', (json, options) => GdchCredentials.fromJson(json, options)],
];
