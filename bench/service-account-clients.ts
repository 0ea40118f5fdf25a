// The emulator's service account as each library's client, built the same way for every metric.
import { JWT } from 'google-auth-library';
import { ServiceAccountCredentials } from '../src/index.js';
import { CLOUD_PLATFORM, galJwtOptions } from './gal.js';
import type { RemoteEmulator } from './remote-emulator.js';

type Emulator = Pick<RemoteEmulator, 'serviceAccountKey' | 'tokenUrl'>;

export function warrantServiceAccount(emulator: Emulator): ServiceAccountCredentials {
  return ServiceAccountCredentials.fromJson(emulator.serviceAccountKey, {
    scopes: [CLOUD_PLATFORM],
  });
}

export function galServiceAccount(emulator: Emulator): JWT {
  const key = emulator.serviceAccountKey;
  return new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [CLOUD_PLATFORM],
    ...galJwtOptions(emulator.tokenUrl),
  });
}
