import { InstalledAppFlow } from '../../src/index.js';
import { createClientSecrets } from '../../src/testing/index.js';
import type { Step } from '../tour.js';

export const loopbackLogin: Step = {
  title: 'A user logs in: browser consent, redirect to a loopback server (headless here)',
  explain:
    'Loopback login: the program listens on 127.0.0.1, the browser shows the consent page and redirects back with a code, exchanged with PKCE (a one-time secret proving the same program asked).',
  file: 'steps/loopback-login.ts',
  async run({ emulator, show, check }) {
    const flow = InstalledAppFlow.fromClientConfig(createClientSecrets(emulator), {
      scopes: ['openid', 'email'],
    });
    let browser: Promise<string> | undefined;
    const credentials = await flow.runLocalServer({
      // In place of opening a browser, a headless one: it starts once the flow has printed the
      // URL, and the flow waits for its redirect as it would for a real browser's.
      browserOpener: async (url) => {
        browser = clickAllow(url);
        return true;
      },
    });
    show('browser', await browser);
    show('logged in', `${credentials.toJson().account}, scopes ${credentials.scopes.join(' ')}`);
    check(credentials.valid, 'the loopback login returned valid credentials');
  },
};

/**
 * What the user's browser does: "Allow" on the emulator's consent page (its scripted consent
 * stands for the click), then the redirect to the loopback server, which shows a result page.
 */
async function clickAllow(authorizationUrl: string): Promise<string> {
  const consent = new URL(authorizationUrl);
  consent.searchParams.set('emulator_consent', 'approve');
  const redirect = await fetch(consent, { redirect: 'manual' });
  const loopback = redirect.headers.get('location')!;
  const landed = await fetch(loopback);
  await landed.arrayBuffer();
  return `Allow → ${new URL(loopback).origin} → page HTTP ${landed.status}`;
}
