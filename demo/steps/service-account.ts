import { ServiceAccountCredentials } from '../../src/index.js';
import { CLOUD_PLATFORM, preview, type Step } from '../tour.js';

export const serviceAccount: Step = {
  title: 'Service account: the JWT-bearer grant, one request for 100 callers',
  explain:
    'JWT-bearer grant: the service account signs a JWT with its private key and trades it for an access token.',
  file: 'steps/service-account.ts',
  async run({ emulator, show, watchTokens, check }) {
    const credentials = ServiceAccountCredentials.fromJson(emulator.serviceAccountKey, {
      scopes: [CLOUD_PLATFORM],
    });
    watchTokens(credentials, 'the service account');
    const before = emulator.hits.token;
    // 100 concurrent callers on credentials with no token yet: single flight.
    const all = await Promise.all(
      Array.from({ length: 100 }, () => credentials.getRequestHeaders()),
    );
    const requests = emulator.hits.token - before;
    show('account', credentials.clientEmail);
    show('token', preview(await credentials.getAccessToken()));
    show('expires', credentials.expiresAt?.toISOString());
    show('requests', `${requests} token request for ${all.length} concurrent callers`);
    show(
      'shared',
      `every caller got the same read-only Headers: ${all.every((h) => h === all[0])}`,
    );
    check(requests === 1, 'one token request for concurrent callers');
  },
};
