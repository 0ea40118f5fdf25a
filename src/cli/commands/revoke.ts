import { AuthError, OAuthError } from '../../errors.js';
import { revoke as revokeToken } from '../../flows/revoke.js';
import { loadUserCredentials } from '../../store/bind-to-store.js';
import { FileTokenStore } from '../../store/file-token-store.js';
import type { CliIo } from '../io.js';
import { LOGIN_ENDPOINTS_KEY, loginEndpoint } from '../login-endpoints.js';
import { allowOnly, stringOption, type CommandLine } from '../options.js';
import { credentialsStorePath, LOGIN_KEY } from '../paths.js';

/**
 * `warrant revoke`: revokes the stored login's refresh token (ending the grant) and forgets it.
 * A token the server already considers invalid is forgotten too; any other failure keeps it.
 */
export async function revoke(line: CommandLine, io: CliIo): Promise<void> {
  allowOnly(line, ['revoke-uri']);
  const path = credentialsStorePath(io);
  const store = new FileTokenStore(path);
  const stored = await loadUserCredentials(store, LOGIN_KEY);
  if (!stored) {
    throw new AuthError(
      'ERR_NO_CREDENTIALS',
      `not logged in: no login stored in ${path} (run 'warrant login')`,
    );
  }
  try {
    const revokeUrl = await loginEndpoint(
      store,
      'revoke_uri',
      stringOption(line, 'revoke-uri'),
      stored.toJson().token_uri,
    );
    await revokeToken(stored.refreshToken, { revokeUrl });
    io.stderr('Revoked the login.\n');
  } catch (error) {
    if (!(error instanceof OAuthError && error.error === 'invalid_token')) throw error;
    io.stderr('The login had already been revoked or had expired.\n');
  }
  await store.delete(LOGIN_KEY);
  await store.delete(LOGIN_ENDPOINTS_KEY);
  io.stderr(`Removed it from ${path}\n`);
}
