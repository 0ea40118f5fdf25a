import { tokenInfo as fetchTokenInfo } from '../../flows/token-info.js';
import { currentCredentials, settle } from '../current-credentials.js';
import type { CliIo } from '../io.js';
import {
  allowOnly,
  requiredOption,
  scopesOption,
  stringOption,
  type CommandLine,
} from '../options.js';

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

/** `warrant print-identity-token --audience AUD`: the ID token alone on stdout. */
export async function printIdentityToken(line: CommandLine, io: CliIo): Promise<void> {
  allowOnly(line, ['audience', 'token-uri']);
  const audience = requiredOption(line, 'audience');
  const current = await currentCredentials(io, { tokenUri: stringOption(line, 'token-uri') });
  const token = await current.credentials.fetchIdToken(audience);
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
  const token = await current.credentials.getAccessToken();
  await settle(current);
  const { raw: _raw, ...info } = await fetchTokenInfo(token, {
    tokenInfoUrl: stringOption(line, 'token-info-uri'),
  });
  io.stdout(`${JSON.stringify(info, null, 2)}\n`);
}
