import { NodeOnlyError } from '../errors.js';
import type * as NodeTypes from './node-credential-types.js';

const KEY_INSTEAD =
  'use a service_account or authorized_user JSON here, e.g. ServiceAccountCredentials.fromJson()';

/** Outside Node the file types that need files, processes or mutual TLS are Node-only. */
export const NODE_CREDENTIAL_TYPES: typeof NodeTypes.NODE_CREDENTIAL_TYPES = [
  'external_account',
  'external_account_authorized_user',
  'gdch_service_account',
].map((type) => [
  type,
  () => {
    throw new NodeOnlyError(`${type} credentials`, KEY_INSTEAD);
  },
]);
