import { OAuthProvider } from '../../src/index.js';
import { createClientSecrets } from '../../src/testing/index.js';
import type { Step } from '../tour.js';

export const providerLogin: Step = {
  title: 'Any OpenID Connect provider: discovery, login, nonce-checked ID token',
  explain:
    'Discovery: the provider publishes its endpoints and keys at /.well-known/openid-configuration. Nonce: a random value the ID token must echo, so a stolen token cannot be replayed into this login.',
  file: 'steps/provider-login.ts',
  async run({ emulator, show, check }) {
    const client = createClientSecrets(emulator, 'web').web!;
    const provider = new OAuthProvider({
      issuer: emulator.url, // the emulator is the provider here; any OIDC issuer works
      clientId: client.client_id,
      clientSecret: client.client_secret,
    });
    const redirectUri = 'http://127.0.0.1:8080/callback';
    const started = await provider.authorizationRedirect({ redirectUri, scope: 'openid email' });
    show(
      'redirect',
      `${new URL(started.url).origin}${new URL(started.url).pathname} (PKCE, state, nonce)`,
    );

    const consent = new URL(started.url);
    consent.searchParams.set('emulator_consent', 'approve'); // the user clicks Allow
    const back = await fetch(consent, { redirect: 'manual' });
    const { claims } = await provider.handleCallback(back.headers.get('location')!, started);
    show(
      'ID token',
      `iss ${claims?.iss}, email ${claims?.email}, nonce matches ${claims?.nonce === started.nonce}`,
    );
    check(claims?.nonce === started.nonce, 'the ID token carries the login nonce');
  },
};
