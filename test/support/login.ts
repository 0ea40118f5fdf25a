// Helpers for login tests: the test plays the user's browser against the emulator's consent
// page, and checks that nothing secret shows in an error.
import assert from 'node:assert/strict';
import type { Emulator } from '../../src/testing/index.js';
import { createClientSecrets } from '../../src/testing/routes/user-login.js';
export { assertNoSecrets, everythingShown } from './secrets.js';

export interface LandedPage {
  /** Where the browser landed (the redirect URI with its query). */
  url: string;
  status: number;
  body: string;
}

/**
 * Follows an authorization URL as a browser would: loads the consent page, submits its form
 * with Allow or Deny, follows the redirect and loads the page it lands on.
 */
export async function consentInBrowser(
  authorizationUrl: string,
  decision: 'allow' | 'deny' = 'allow',
  email?: string,
): Promise<LandedPage> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  assert.equal(page.status, 200, `consent page answered ${page.status}: ${html.slice(0, 200)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  assert.ok(action, 'the consent page has a form');
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
  )) {
    form.set(name, unescapeHtml(value));
  }
  form.set('email', email ?? 'user@example.com');
  form.set('decision', decision);
  const posted = await fetch(new URL(action, authorizationUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  return land(posted, authorizationUrl);
}

/**
 * Follows an authorization URL with the emulator's scripted consent (`approve`, `deny` or
 * `wrong-state`): the endpoint redirects at once; the browser lands on the redirect URI.
 */
export async function scriptedConsent(
  authorizationUrl: string,
  script: 'approve' | 'deny' | 'wrong-state',
): Promise<LandedPage> {
  const url = new URL(authorizationUrl);
  url.searchParams.set('emulator_consent', script);
  return land(await fetch(url, { redirect: 'manual' }), authorizationUrl);
}

/** The redirect URI the emulator would send the browser to, without loading it. */
export async function redirectFor(
  authorizationUrl: string,
  script: 'approve' | 'deny' | 'wrong-state',
): Promise<string> {
  const url = new URL(authorizationUrl);
  url.searchParams.set('emulator_consent', script);
  const response = await fetch(url, { redirect: 'manual' });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  assert.equal(response.status, 302, `authorization endpoint answered ${response.status}`);
  assert.ok(location);
  return location;
}

async function land(response: Response, base: string): Promise<LandedPage> {
  await response.arrayBuffer();
  const location = response.headers.get('location');
  assert.equal(response.status, 302, `expected a redirect, got ${response.status}`);
  assert.ok(location, 'the redirect has a location');
  const url = new URL(location, base).toString();
  const landed = await fetch(url, { redirect: 'manual' });
  return { url, status: landed.status, body: await landed.text() };
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The client secrets of a new emulator client, and its secret for leak checks. */
export function emulatorClient(emulator: Emulator, kind: 'installed' | 'web' = 'installed') {
  const secrets = createClientSecrets(emulator, kind);
  const section = (secrets.installed ?? secrets.web)!;
  return { secrets, section };
}

/** The error `work` throws; fails the test when it does not throw. */
export async function caught(
  work: Promise<unknown> | (() => unknown),
): Promise<Error & { code?: string }> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    return error as Error & { code?: string };
  }
  assert.fail('expected a failure');
}
