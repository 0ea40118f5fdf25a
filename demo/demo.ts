// `npm start`: a guided tour of warrant, every step against its own emulator of Google's auth
// endpoints on 127.0.0.1 (no network, no Google account). Each step's code is in demo/steps/.
import { startEmulator } from '../src/testing/index.js';
import { applicationDefaultCredentials } from './steps/adc.js';
import { authorizedClient } from './steps/authorized-client.js';
import { cli } from './steps/cli.js';
import { deviceLogin } from './steps/device-login.js';
import { edgeBundle } from './steps/edge.js';
import { federation } from './steps/federation.js';
import { fleet } from './steps/fleet.js';
import { googleApis } from './steps/googleapis.js';
import { idTokens } from './steps/id-tokens.js';
import { impersonation } from './steps/impersonation.js';
import { loopbackLogin } from './steps/loopback-login.js';
import { oauth1 } from './steps/oauth1.js';
import { providerLogin } from './steps/provider-login.js';
import { serviceAccount } from './steps/service-account.js';
import { user } from './steps/user.js';
import { runTour } from './tour.js';

const STEPS = [
  serviceAccount,
  user,
  applicationDefaultCredentials,
  authorizedClient,
  googleApis,
  idTokens,
  loopbackLogin,
  deviceLogin,
  providerLogin,
  oauth1,
  cli,
  impersonation,
  federation,
  fleet,
  edgeBundle,
];

const emulator = await startEmulator();
try {
  console.log(`Emulator of Google's auth endpoints listening at ${emulator.url}`);
  await runTour(emulator, STEPS);
  console.log('\ndemo OK');
} finally {
  await emulator.stop();
}
