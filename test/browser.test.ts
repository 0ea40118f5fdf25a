// A real headless Chromium clicks Allow on the emulator's consent page and lands on the
// loopback server of InstalledAppFlow.runLocalServer. Needs Debian's `chromium` package.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { InstalledAppFlow } from '../src/flows/installed-app-flow.js';
import { useEmulator } from './support/emulator.js';
import { emulatorClient } from './support/login.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

describe('login in a real browser', function () {
  this.timeout(60_000);
  const emulator = useEmulator();
  let browser: Browser | undefined;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      const reason = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`;
      if (process.env.CI === 'true') throw new Error(reason);
      this.skip();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
  });

  it('clicks Allow on the consent page and lands on the success page with working credentials', async () => {
    const { secrets } = emulatorClient(emulator.current);
    const flow = InstalledAppFlow.fromClientConfig(secrets, {
      scopes: ['openid', 'https://www.googleapis.com/auth/userinfo.email'],
    });
    const page = await browser!.newPage();
    // A failure in the page ends the login at once instead of waiting for its timeout.
    const pageFailed = new AbortController();
    let landed: Promise<{ title: string; heading: string; url: string }> | undefined;
    const login = flow.runLocalServer({
      timeoutMs: 30_000,
      signal: pageFailed.signal,
      print: () => undefined,
      browserOpener: async (url) => {
        landed = (async () => {
          await page.goto(url);
          await page.fill('input[name=email]', 'chromium-user@example.com');
          await Promise.all([
            page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/\?/),
            page.click('button#allow'),
          ]);
          return {
            title: await page.title(),
            heading: await page.innerText('h1'),
            url: page.url(),
          };
        })();
        landed.catch(() => pageFailed.abort());
        return true;
      },
    });
    const credentials = await login.catch(async (error: unknown) => {
      await landed;
      throw error;
    });
    const final = await landed!;
    assert.equal(final.title, 'Signed in');
    assert.equal(final.heading, 'You are signed in');
    assert.match(final.url, /[?&]code=/);
    const echo = await fetch(emulator.current.echoUrl, {
      headers: await credentials.getRequestHeaders(),
    });
    assert.equal(
      ((await echo.json()) as { principal: string }).principal,
      'chromium-user@example.com',
    );
    await page.close();
  });
});
