import assert from 'node:assert/strict';
import { Storage as Storage7 } from '@google-cloud/storage';
import { Storage as Storage8 } from '@google-cloud/storage-v8';
import { google } from 'googleapis';
import { AuthorizedClient } from '../src/transport/authorized-client.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';

const SCOPE = 'https://www.googleapis.com/auth/devstorage.read_only';

interface Echo {
  principal: string;
  quotaProject: string | null;
  path: string;
}

describe('warrant credentials in Google HTTP client libraries', () => {
  const emulator = useEmulator();
  const credentials = () =>
    ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: [SCOPE],
      http: FAST_HTTP,
    }).withQuotaProject('billing');

  for (const [line, Storage] of [
    ['7', Storage7],
    ['8', Storage8],
  ] as const) {
    it(`@google-cloud/storage ${line} sends the bearer token from its authClient`, async () => {
      const storage = new Storage({
        authClient: credentials() as never,
        apiEndpoint: `${emulator.current.url}/echo`,
        useAuthWithCustomEndpoint: true,
        projectId: 'p',
      });
      const [echo] = (await storage.bucket('b').getMetadata()) as unknown as [Echo];
      assert.equal(echo.principal, emulator.current.serviceAccountKey.client_email);
      assert.equal(echo.quotaProject, 'billing');
      assert.equal(echo.path, '/echo/storage/v1/b/b');
    });
  }

  it('googleapis sends the bearer token through AuthorizedClient', async () => {
    const auth = new AuthorizedClient(credentials()).forGoogleApis();
    const drive = google.drive({ version: 'v3', auth, rootUrl: `${emulator.current.url}/` });
    const { data } = await drive.files.list({ pageSize: 5 });
    const echo = data as unknown as Echo;
    assert.equal(echo.principal, emulator.current.serviceAccountKey.client_email);
    assert.equal(echo.quotaProject, 'billing');
    assert.equal(echo.path, '/drive/v3/files');
  });
});
