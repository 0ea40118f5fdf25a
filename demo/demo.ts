// `npm start`: warrant end to end against its own emulator of Google's auth endpoints.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drive } from '@googleapis/drive';
import {
  AuthorizedClient,
  DefaultCredentialsResolver,
  ServiceAccountCredentials,
  UserCredentials,
} from '../src/index.js';
import { configureMetadata, startEmulator } from '../src/testing/index.js';
import { federatedLogin } from './federation.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

function step(title: string, ...details: string[]): void {
  console.log(`\n▸ ${title}`);
  for (const line of details) console.log(`    ${line}`);
}

/** Shows the start and end of a token, never the whole of it. */
function preview(token: string): string {
  return `${token.slice(0, 12)}…${token.slice(-4)} (${token.length} chars)`;
}

const emulator = await startEmulator();
try {
  step(
    'Emulator listening',
    `token endpoint ${emulator.tokenUrl}`,
    `echo API      ${emulator.echoUrl}`,
  );

  const serviceAccount = ServiceAccountCredentials.fromJson(emulator.serviceAccountKey, {
    scopes: [SCOPE],
  });
  const saToken = await serviceAccount.getAccessToken();
  step(
    'Service account: JWT-bearer grant',
    `account  ${serviceAccount.clientEmail}`,
    `token    ${preview(saToken)}`,
    `expires  ${serviceAccount.expiresAt?.toISOString()}`,
  );

  step(
    '100 concurrent getRequestHeaders() on fresh credentials',
    `token requests: ${await freshSingleFlight()}`,
  );

  const user = UserCredentials.fromJson(emulator.authorizedUser);
  user.on('tokens', (t) =>
    step("User 'tokens' event", `new access token ${preview(t.accessToken)}`),
  );
  await user.refresh();
  step(
    'User credentials: refresh-token grant',
    `client   ${user.clientId}`,
    `valid    ${user.valid}`,
  );

  const client = new AuthorizedClient(serviceAccount);
  const echo = await client.request<{ principal: string; scopes: string[] }>({
    url: `${emulator.echoUrl}/hello`,
  });
  step('AuthorizedClient → echo API', `HTTP ${echo.status}, principal ${echo.data.principal}`);

  emulator.expireAccessTokens();
  const replayed = await client.fetch(`${emulator.echoUrl}/after-revocation`);
  step('Server rejects the token (401): refresh once and replay', `HTTP ${replayed.status}`);

  const files = await drive({
    version: 'v3',
    auth: client.forGoogleApis(),
    rootUrl: `${emulator.url}/`,
  }).files.list();
  step(
    '@googleapis/drive with warrant as auth',
    `drive.files.list() → HTTP ${files.status}, kind ${files.data.kind}`,
  );

  const adc = await applicationDefaultCredentials();
  const federated = await federatedLogin(emulator, step);

  if (
    echo.status !== 200 ||
    replayed.status !== 200 ||
    files.status !== 200 ||
    !adc ||
    !federated
  ) {
    throw new Error('an authorized call was refused');
  }
  console.log('\ndemo OK');
} finally {
  await emulator.stop();
}

/**
 * Application Default Credentials on a machine with an empty home: first "on Google Cloud" (the
 * emulator plays the metadata server at GCE_METADATA_HOST), then with a key file named by
 * GOOGLE_APPLICATION_CREDENTIALS. The environment is passed in, so the demo's own is untouched.
 */
async function applicationDefaultCredentials(): Promise<boolean> {
  const home = await mkdtemp(join(tmpdir(), 'warrant-demo-'));
  try {
    configureMetadata(emulator, { projectId: 'demo-vm-project' });
    const onCloud = new DefaultCredentialsResolver({
      env: { HOME: home, GCE_METADATA_HOST: emulator.host },
      homedir: home,
    });
    const vm = await onCloud.resolve({ scopes: [SCOPE] });
    const vmEcho = await new AuthorizedClient(vm.credentials).fetch(emulator.echoUrl);
    step(
      'defaultCredentials() on a "cloud VM" (GCE_METADATA_HOST → emulator)',
      `found    ${vm.source} (${vm.credentials.type})`,
      `project  ${vm.projectId}`,
      `echo API HTTP ${vmEcho.status}`,
    );

    const keyFile = join(home, 'key.json');
    await writeFile(keyFile, JSON.stringify(emulator.serviceAccountKey), { mode: 0o600 });
    const laptop = new DefaultCredentialsResolver({
      env: { HOME: home, GOOGLE_APPLICATION_CREDENTIALS: keyFile },
      homedir: home,
    });
    const withKey = await laptop.resolve({ scopes: [SCOPE] });
    const keyEcho = await new AuthorizedClient(withKey.credentials).fetch(emulator.echoUrl);
    step(
      'defaultCredentials() with GOOGLE_APPLICATION_CREDENTIALS',
      `found    ${withKey.source} (${withKey.credentials.type})`,
      `project  ${withKey.projectId}`,
      `echo API HTTP ${keyEcho.status}`,
    );
    return vmEcho.status === 200 && keyEcho.status === 200;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Counts token-endpoint hits for 100 concurrent callers on a credentials object with no token. */
async function freshSingleFlight(): Promise<number> {
  const before = emulator.hits.token;
  const fresh = ServiceAccountCredentials.fromJson(emulator.serviceAccountKey, { scopes: [SCOPE] });
  await Promise.all(Array.from({ length: 100 }, () => fresh.getRequestHeaders()));
  return emulator.hits.token - before;
}
