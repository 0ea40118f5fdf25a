import { DeviceFlow } from '../../src/index.js';
import { createClientSecrets, deviceLogins } from '../../src/testing/index.js';
import type { Step } from '../tour.js';

export const deviceLogin: Step = {
  title: 'A user logs in on another device: the device flow',
  explain:
    'Device flow: a machine without a browser shows a short code; the user enters it on a phone, while the machine polls until approved.',
  file: 'steps/device-login.ts',
  async run({ emulator, show, check }) {
    const flow = DeviceFlow.fromClientConfig(createClientSecrets(emulator), {
      scopes: ['email'],
      // The server asks for 5 s between polls; the demo does not wait them out.
      sleep: async () => {},
    });
    const shown = await flow.start();
    show('shown', `visit ${shown.verificationUri} and enter ${shown.userCode}`);
    deviceLogins(emulator).script('authorization_pending', 'approve'); // the user, on the phone
    const credentials = await flow.poll();
    const echo = await fetch(emulator.echoUrl, { headers: await credentials.getRequestHeaders() });
    const { principal } = (await echo.json()) as { principal: string };
    show('logged in', `${principal}, after one "authorization_pending" poll`);
    check(echo.status === 200, 'the device login returned working credentials');
  },
};
