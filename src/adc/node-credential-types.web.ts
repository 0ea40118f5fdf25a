import { NodeOnlyError } from '../errors.js';
import type * as NodeTypes from './node-credential-types.js';

const KEY_INSTEAD =
  'use a service_account or authorized_user JSON here, e.g. ServiceAccountCredentials.fromJson()';

/**
 * Outside Node these file types are Node-only. `external_account` is not among them: it works
 * here with URL sources, and its file, executable, AWS and X.509 sources say they are Node-only.
 */
export const NODE_CREDENTIAL_TYPES: typeof NodeTypes.NODE_CREDENTIAL_TYPES = [
  'external_account_authorized_user',
  'gdch_service_account',
].map((type) => [
  type,
  () => {
    throw new NodeOnlyError(`${type} credentials`, KEY_INSTEAD);
  },
]);
