import {
  AuthorizedClient,
  IdTokenCredentials,
  ServiceAccountCredentials,
  verifyIapJwt,
  verifyIdToken,
} from '../../src/index.js';
import { preview, type Step } from '../tour.js';

export const idTokens: Step = {
  title: 'ID tokens: call a private Cloud Run service, verify Google and IAP tokens',
  explain:
    "ID token: a signed JWT saying who the caller is, for one audience (a service URL); the receiver checks it against the issuer's public keys.",
  file: 'steps/id-tokens.ts',
  async run({ emulator, show, check }) {
    const audience = `${emulator.url}/run`; // the emulator plays a private Cloud Run service
    const sourceCredentials = ServiceAccountCredentials.fromJson(emulator.serviceAccountKey);
    const client = new AuthorizedClient(new IdTokenCredentials({ sourceCredentials, audience }));
    const run = await client.fetch(`${audience}/greet`);
    show('Cloud Run', `HTTP ${run.status} with an ID token for ${audience}`);

    const idToken = await sourceCredentials.fetchIdToken(audience);
    const verified = await verifyIdToken(idToken, { audience, jwksUrl: emulator.jwksUrl });
    show('ID token', preview(idToken));
    show('verified', `iss ${verified.payload.iss}, sub ${verified.userId}, ${verified.header.alg}`);

    // IAP signs each request it lets through with an ES256 JWT in x-goog-iap-jwt-assertion.
    const iapAudience = '/projects/123456789/apps/demo-project';
    const jwt = await emulator.state.iap.issueJwt({
      audience: iapAudience,
      email: 'ada@example.com',
    });
    const iap = await verifyIapJwt(jwt, {
      audience: iapAudience,
      jwksUrl: `${emulator.url}/iap/verify/public_key-jwk`,
    });
    show('IAP', `${iap.email} via ${iap.payload.iss}, ${iap.header.alg}`);
    check(run.status === 200 && iap.email === 'ada@example.com', 'ID tokens were accepted');
  },
};
