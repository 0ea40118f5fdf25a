// `npm start`: warrant end to end against its own emulator of Google's auth endpoints.
import { drive } from '@googleapis/drive';
import { AuthorizedClient, ServiceAccountCredentials, UserCredentials } from '../src/index.js';
import { startEmulator } from '../src/testing/index.js';

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

  const concurrent = await Promise.all(
    Array.from({ length: 100 }, () => serviceAccount.getRequestHeaders()),
  );
  step(
    '100 concurrent getRequestHeaders() on a fresh clone',
    `token requests: ${await freshSingleFlight()}`,
  );
  void concurrent;

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

  if (echo.status !== 200 || replayed.status !== 200 || files.status !== 200) {
    throw new Error('an authorized call was refused');
  }
  console.log('\ndemo OK');
} finally {
  await emulator.stop();
}

/** Counts token-endpoint hits for 100 concurrent callers on a credentials object with no token. */
async function freshSingleFlight(): Promise<number> {
  const before = emulator.hits.token;
  const fresh = ServiceAccountCredentials.fromJson(emulator.serviceAccountKey, { scopes: [SCOPE] });
  await Promise.all(Array.from({ length: 100 }, () => fresh.getRequestHeaders()));
  return emulator.hits.token - before;
}
