/**
 * The endpoints of a user's login, installed together: authorization and consent, device
 * authorization, revocation, token info and OpenID Connect discovery. Also the client secrets file a test hands to a
 * flow so that it logs in against the emulator.
 */
import type { EmulatorModule } from '../context.js';
import type { EmulatorState } from '../state.js';
import { AUTHORIZE_PATHS, authorizationEndpoint } from './authorize.js';
import { DEVICE_CODE_PATH, deviceAuthorization } from './device.js';
import { oidcDiscovery } from './oidc-discovery.js';
import { REVOKE_PATH, revocationEndpoint } from './revoke.js';
import { TOKEN_INFO_PATH, tokenInfoEndpoint } from './tokeninfo.js';

export const userLoginRoutes: EmulatorModule = (context) => {
  authorizationEndpoint(context);
  deviceAuthorization(context);
  revocationEndpoint(context);
  tokenInfoEndpoint(context);
  oidcDiscovery(context);
};

/** A Google client secrets file (`installed` or `web`) whose endpoints are the emulator's. */
export interface EmulatorClientSecrets {
  installed?: EmulatorClientSection;
  web?: EmulatorClientSection;
}

export interface EmulatorClientSection {
  client_id: string;
  client_secret: string;
  project_id: string;
  auth_uri: string;
  token_uri: string;
  redirect_uris: string[];
  /** Extensions Google's files lack, so every flow and command finds the emulator. */
  revoke_uri: string;
  token_info_uri: string;
  device_authorization_uri: string;
}

/**
 * Registers a new OAuth client and returns its client secrets JSON, as the Cloud console
 * downloads it (`installed` by default), pointing at the emulator.
 *
 * @example
 * ```ts
 * const secrets = createClientSecrets(emulator);
 * const flow = InstalledAppFlow.fromClientConfig(secrets, { scopes: ['openid', 'email'] });
 * ```
 */
export function createClientSecrets(
  emulator: { state: EmulatorState },
  kind: 'installed' | 'web' = 'installed',
): EmulatorClientSecrets {
  const { state } = emulator;
  const client = state.createClient();
  const section: EmulatorClientSection = {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    project_id: state.projectId,
    auth_uri: `${state.url}${AUTHORIZE_PATHS[0]}`,
    token_uri: state.tokenUrl,
    redirect_uris: kind === 'installed' ? ['http://localhost'] : [`${state.url}/oauth2callback`],
    revoke_uri: `${state.url}${REVOKE_PATH}`,
    token_info_uri: `${state.url}${TOKEN_INFO_PATH}`,
    device_authorization_uri: `${state.url}${DEVICE_CODE_PATH}`,
  };
  return kind === 'installed' ? { installed: section } : { web: section };
}
