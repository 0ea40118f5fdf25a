import type { KeyObject } from '../platform/node-types.js';
import {
  optionalString,
  requireString,
  requireType,
  type CredentialsJson,
} from '../credentials/credentials-file.js';

/** The parts of a Google service-account JSON key warrant uses, in camelCase. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string | KeyObject;
  privateKeyId?: string;
  clientId?: string;
  projectId?: string;
  tokenUri?: string;
  universeDomain?: string;
  quotaProjectId?: string;
}

const FIX = 'download a new JSON key from the Google Cloud console';

/** Reads a `service_account` JSON key: the one place its snake_case fields are parsed. */
export function parseServiceAccountKey(json: CredentialsJson, source: string): ServiceAccountKey {
  requireType(json, 'service_account', source);
  return {
    clientEmail: requireString(json, 'client_email', source, FIX),
    privateKey: requireString(json, 'private_key', source, FIX),
    privateKeyId: optionalString(json, 'private_key_id', source),
    clientId: optionalString(json, 'client_id', source),
    projectId: optionalString(json, 'project_id', source),
    tokenUri: optionalString(json, 'token_uri', source),
    universeDomain: optionalString(json, 'universe_domain', source),
    quotaProjectId: optionalString(json, 'quota_project_id', source),
  };
}
