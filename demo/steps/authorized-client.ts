import { AuthorizedClient, ServiceAccountCredentials } from '../../src/index.js';
import { CLOUD_PLATFORM, type Step } from '../tour.js';

export const authorizedClient: Step = {
  title: 'AuthorizedClient: fresh headers on every request, refresh and replay on a 401',
  explain:
    'The server revokes every token it issued; the client refreshes once and replays the request, and the caller never sees the 401.',
  file: 'steps/authorized-client.ts',
  async run({ emulator, show, check }) {
    const credentials = ServiceAccountCredentials.fromJson(emulator.serviceAccountKey, {
      scopes: [CLOUD_PLATFORM],
    });
    const client = new AuthorizedClient(credentials);
    const echo = await client.request<{ principal: string }>({ url: `${emulator.echoUrl}/hello` });
    show('request', `HTTP ${echo.status} as ${echo.data.principal}`);

    emulator.expireAccessTokens();
    const before = emulator.hits.token;
    const replayed = await client.fetch(`${emulator.echoUrl}/after-revocation`);
    show('replayed', `HTTP ${replayed.status} after ${emulator.hits.token - before} refresh`);
    check(echo.status === 200 && replayed.status === 200, 'the 401 was replayed');
  },
};
