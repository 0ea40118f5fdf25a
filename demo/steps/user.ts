import { UserCredentials } from '../../src/index.js';
import type { Step } from '../tour.js';

export const user: Step = {
  title: 'User credentials: the refresh-token grant',
  explain:
    'Refresh-token grant: a user logged in once; the saved refresh token buys new access tokens without asking again.',
  file: 'steps/user.ts',
  async run({ emulator, show, watchTokens, check }) {
    const credentials = UserCredentials.fromJson(emulator.authorizedUser);
    watchTokens(credentials, 'the user');
    await credentials.refresh();
    show('client', credentials.clientId);
    show('valid', credentials.valid);
    check(credentials.valid, 'the user credentials refreshed');
  },
};
