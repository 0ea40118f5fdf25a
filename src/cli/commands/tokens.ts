import { tokenInfo as fetchTokenInfo } from '../../flows/token-info.js';
import { currentCredentials, hasStoredLogin, settle } from '../current-credentials.js';
import type { CliIo } from '../io.js';
import { loginEndpoint } from '../login-endpoints.js';
import { allowOnly, scopesOption, stringOption, type CommandLine } from '../options.js';
import { UsageError } from '../usage.js';

/** `warrant print-access-token`: the token alone on stdout. */
export async function printAccessToken(line: CommandLine, io: CliIo): Promise<void> {
  allowOnly(line, ['scopes', 'token-uri']);
  const current = await currentCredentials(io, {
    scopes: scopesOption(line),
    tokenUri: stringOption(line, 'token-uri'),
  });
  const token = await current.credentials.getAccessToken();
  await settle(current);
  io.stdout(`${token}\n`);
}

/**
 * `warrant print-identity-token [--audience AUD]`: the ID token alone on stdout. A user login's
 * ID token is always issued for its OAuth client, so `--audience` is refused for one (as gcloud
 * does) rather than silently ignored; other credentials need it.
 */
export async function printIdentityToken(line: CommandLine, io: CliIo): Promise<void> {
  allowOnly(line, ['audience', 'token-uri']);
  const audience = stringOption(line, 'audience');
  if (!audience && !(await hasStoredLogin(io))) {
    throw new UsageError(
      "'print-identity-token' needs --audience for credentials other than a user login",
    );
  }
  const current = await currentCredentials(io, { tokenUri: stringOption(line, 'token-uri') });
  if (current.login && audience !== undefined) {
    throw new UsageError(
      "--audience does not apply to a user login: Google issues a user's ID token for the OAuth client the user logged in with (its aud is the client id); leave out --audience, or use a service account for another audience",
    );
  }
  const token = await current.credentials.fetchIdToken(audience ?? current.login!.clientId);
  await settle(current);
  io.stdout(`${token}\n`);
}

/** `warrant token-info`: what the token-info endpoint says about the current token, as JSON. */
export async function tokenInfo(line: CommandLine, io: CliIo): Promise<void> {
  allowOnly(line, ['scopes', 'token-uri', 'token-info-uri']);
  const current = await currentCredentials(io, {
    scopes: scopesOption(line),
    tokenUri: stringOption(line, 'token-uri'),
  });
  const tokenInfoUrl = current.login
    ? await loginEndpoint(
        current.store,
        'token_info_uri',
        stringOption(line, 'token-info-uri'),
        current.login.toJson().token_uri,
      )
    : stringOption(line, 'token-info-uri');
  const token = await current.credentials.getAccessToken();
  await settle(current);
  const { raw: _raw, ...info } = await fetchTokenInfo(token, { tokenInfoUrl });
  io.stdout(`${JSON.stringify(info, null, 2)}\n`);
}
