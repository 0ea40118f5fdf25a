import type { Credentials } from '../credentials/credentials.js';
import type { UserCredentials } from '../credentials/user-credentials.js';
import { DefaultCredentialsResolver } from '../adc/default-credentials.js';
import { CLOUD_PLATFORM_SCOPE } from '../oauth/google-endpoints.js';
import { bindToStore, loadUserCredentials, type StoreBinding } from '../store/bind-to-store.js';
import { FileTokenStore } from '../store/file-token-store.js';
import type { CliIo } from './io.js';
import { credentialsStorePath, LOGIN_KEY } from './paths.js';

/** The credentials a command uses, and the binding that saves what they refresh. */
export interface CurrentCredentials {
  credentials: Credentials;
  /** Set for the stored login: flush it before exiting so a refreshed token is kept. */
  binding?: StoreBinding;
  /** The stored login, when the credentials are it (or a one-off copy of it). */
  login?: UserCredentials;
  /** The store of `warrant login`. */
  store: FileTokenStore;
}

/**
 * The stored `warrant login` when there is one, else Application Default Credentials. With
 * `scopes` or `tokenUri`, a one-off copy of the login that is never saved back: it would narrow
 * the login, or send its refresh token and client secret to that server on every later call.
 */
export async function currentCredentials(
  io: CliIo,
  options: { scopes?: string[]; tokenUri?: string } = {},
): Promise<CurrentCredentials> {
  const store = new FileTokenStore(credentialsStorePath(io));
  const stored = await loadUserCredentials(store, LOGIN_KEY, {
    tokenUri: options.tokenUri,
    scopes: options.scopes,
  });
  if (stored) {
    if (options.scopes || options.tokenUri) return { credentials: stored, login: stored, store };
    const binding = await bindToStore(stored, store, LOGIN_KEY, {
      saveNow: false,
      onError: (error) =>
        io.stderr(
          `warrant: warning: the refreshed login could not be saved: ${error instanceof Error ? error.message : String(error)}\n`,
        ),
    });
    return { credentials: stored, binding, login: stored, store };
  }
  const resolver = new DefaultCredentialsResolver({
    env: io.env,
    homedir: io.homedir,
    platform: io.platform,
  });
  const { credentials } = await resolver.resolve({ scopes: options.scopes });
  // As gcloud does: a service account's access token is for cloud-platform unless asked otherwise.
  if (credentials.type === 'service_account' && credentials.scopes.length === 0) {
    return { credentials: credentials.withScopes([CLOUD_PLATFORM_SCOPE]), store };
  }
  return { credentials, store };
}

/** Waits for pending saves; a failure was already reported by the binding's onError. */
export async function settle(current: CurrentCredentials): Promise<void> {
  await current.binding?.flush().catch(() => undefined);
}

/** Whether `warrant login` has stored a login. */
export async function hasStoredLogin(io: CliIo): Promise<boolean> {
  return (await new FileTokenStore(credentialsStorePath(io)).get(LOGIN_KEY)) !== undefined;
}
