import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuthError, TimeoutError } from '../../errors.js';
import type { UserCredentials } from '../../credentials/user-credentials.js';
import { wellKnownCredentialsPath } from '../../adc/well-known-file.js';
import { readClientSecretsFile } from '../../flows/client-secrets.js';
import { DeviceFlow } from '../../flows/device-flow.js';
import { InstalledAppFlow } from '../../flows/installed-app-flow.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import { bindToStore } from '../../store/bind-to-store.js';
import { FileTokenStore } from '../../store/file-token-store.js';
import type { CliIo } from '../io.js';
import { saveLoginEndpoints } from '../login-endpoints.js';
import {
  allowOnly,
  integerOption,
  requiredOption,
  scopesOption,
  stringOption,
  type CommandLine,
} from '../options.js';
import { credentialsStorePath, LOGIN_KEY } from '../paths.js';
import { formatDuration, showProgress } from '../progress.js';
import { UsageError } from '../usage.js';

/** What `gcloud auth application-default login` asks for. */
export const DEFAULT_LOGIN_SCOPES = [
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/cloud-platform',
];

/**
 * `warrant login`: the loopback browser flow (or the device flow), then the credentials go to
 * the token store and, with `--save-adc`, to gcloud's well-known ADC file.
 */
export async function login(line: CommandLine, io: CliIo): Promise<void> {
  allowOnly(line, [
    'client-secrets',
    'scopes',
    'no-browser',
    'device',
    'save-adc',
    'port',
    'timeout',
    'auth-uri',
    'token-uri',
    'device-uri',
    'revoke-uri',
    'token-info-uri',
  ]);
  if (line.options.device && (line.options['no-browser'] || line.options.port !== undefined)) {
    throw new UsageError('--device does not go with --no-browser or --port');
  }
  if (line.options.device && line.options.timeout !== undefined) {
    throw new UsageError('--timeout does not apply to --device: the device code sets the time');
  }
  const secrets = requiredOption(line, 'client-secrets');
  const scopes = scopesOption(line) ?? DEFAULT_LOGIN_SCOPES;
  const port = integerOption(line, 'port', 0, 65_535) ?? 0;
  const timeoutSec = integerOption(line, 'timeout', 1, 86_400) ?? 300;
  const credentials = line.options.device
    ? await deviceLogin(line, io, secrets, scopes)
    : await browserLogin(line, io, secrets, scopes, { port, timeoutSec });

  const storePath = credentialsStorePath(io);
  const store = new FileTokenStore(storePath);
  await bindToStore(credentials, store, LOGIN_KEY);
  const client = await readClientSecretsFile(secrets);
  await saveLoginEndpoints(store, {
    revokeUri: stringOption(line, 'revoke-uri') ?? client.revokeUri,
    tokenInfoUri: stringOption(line, 'token-info-uri') ?? client.tokenInfoUri,
  });
  const who = credentials.toJson().account ?? 'the user';
  io.stderr(`\nLogged in as ${who}. Credentials saved to ${storePath}\n`);
  const missing = scopes.filter((scope) => !credentials.scopes.includes(scope));
  if (missing.length > 0) {
    io.stderr(`Note: these scopes were not granted: ${missing.join(', ')}\n`);
  }
  if (line.options['save-adc']) {
    const adcPath = await saveApplicationDefaultCredentials(credentials, io);
    io.stderr(`Application Default Credentials saved to ${adcPath}\n`);
  }
}

async function browserLogin(
  line: CommandLine,
  io: CliIo,
  secrets: string,
  scopes: string[],
  wait: { port: number; timeoutSec: number },
): Promise<UserCredentials> {
  const flow = await InstalledAppFlow.fromClientSecretsFile(secrets, {
    scopes,
    authUri: stringOption(line, 'auth-uri'),
    tokenUri: stringOption(line, 'token-uri'),
  });
  const deadline = Date.now() + wait.timeoutSec * 1000;
  let stopProgress = () => {};
  try {
    return await flow.runLocalServer({
      port: wait.port,
      openBrowser: !line.options['no-browser'],
      browserOpener: io.openBrowser,
      print: (message) => {
        io.stderr(`${message}\n`);
        stopProgress();
        stopProgress = showProgress(io, 'the login in the browser', deadline);
      },
      timeoutMs: wait.timeoutSec * 1000,
      signal: io.signal,
    });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const unit = wait.timeoutSec === 1 ? 'second' : 'seconds';
    throw new TimeoutError(
      `nobody completed the login in the browser within ${wait.timeoutSec} ${unit} (--timeout ${wait.timeoutSec}); run 'warrant login' again, open the URL shown, and allow more time with --timeout if needed`,
      error.timeoutMs,
    );
  } finally {
    stopProgress();
  }
}

async function deviceLogin(
  line: CommandLine,
  io: CliIo,
  secrets: string,
  scopes: string[],
): Promise<UserCredentials> {
  const flow = await DeviceFlow.fromClientSecretsFile(secrets, {
    scopes,
    tokenUri: stringOption(line, 'token-uri'),
    deviceAuthorizationUri: stringOption(line, 'device-uri'),
  });
  const shown = await flow.start({ signal: io.signal });
  io.stderr(
    `To sign in, visit ${shown.verificationUri} on any device and enter the code:\n\n    ${shown.userCode}\n\n` +
      (shown.verificationUriComplete ? `(or open ${shown.verificationUriComplete})\n` : '') +
      `The code expires in ${formatDuration(shown.expiresIn * 1000)}.\n`,
  );
  const stopProgress = showProgress(
    io,
    'approval on the other device',
    Date.now() + shown.expiresIn * 1000,
  );
  try {
    return await flow.poll({ signal: io.signal });
  } finally {
    stopProgress();
  }
}

/** Writes the `authorized_user` file where Application Default Credentials look for it. */
async function saveApplicationDefaultCredentials(
  credentials: UserCredentials,
  io: CliIo,
): Promise<string> {
  const path = wellKnownCredentialsPath(io.env, io.platform, io.homedir);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, `${JSON.stringify(credentials.toJson(), null, 2)}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new AuthError(
      'ERR_TOKEN_STORE',
      `cannot write application default credentials to ${path} (${code}); the login itself was saved`,
    );
  }
  return path;
}
