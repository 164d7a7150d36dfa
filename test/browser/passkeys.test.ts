/**
 * Passkeys in Chromium, on a phone and on a desktop, with Chromium's virtual authenticator (CDP
 * `WebAuthn`): an invitation from the local mailbox sets up the account, the person signs out and
 * in again by e-mailed link, adds a passkey on the account page, signs out, and signs in with the
 * passkey alone. Then an admin revokes them on the people page (a confirmation first) and their
 * open session stops working at once; their passkey is refused. axe-core finds no serious or
 * critical problem on these pages; screenshots in test-results/screenshots/console/.
 *
 * The hub is opened at localhost, not 127.0.0.1: a browser takes no IP address as a WebAuthn RP ID,
 * so local mode's relying party is localhost (both are secure contexts).
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityViolations, desktop, launchChromium, phone } from '../support/browser.ts';
import { demoTenant, request } from '../support/hub-api.ts';
import { hubLink, nextMail, uniqueEmail } from '../support/people.ts';

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const hub = new URL(inject('hub').urls.api);
hub.hostname = 'localhost';
const base = hub.origin;
/** A link from an e-mail, opened at localhost. */
const atLocalhost = (link: string) => {
  const url = new URL(link);
  url.hostname = 'localhost';
  return url.toString();
};

const screenshotDir = fileURLToPath(new URL('../../test-results/screenshots/console/', import.meta.url));
async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: true });
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await accessibilityViolations(page), page.url()).toEqual([]);
}

/** A fresh context whose page has a virtual platform authenticator: discoverable credentials, user verification that always succeeds. */
async function withAuthenticator(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return page;
}

async function invite(email: string, name: string, roles: readonly string[]): Promise<string> {
  const invited = await request('POST', '/v1/people/invitations', { apiKey: demoTenant('distributor').apiKey, body: { email, name, roles } });
  expect(invited.status).toBe(201);
  return invited.body['id'] as string;
}

/** Sets up the account from the invitation e-mail in this page: the person lands on their account page. */
async function takeUpInvitation(page: Page, email: string, name: string): Promise<void> {
  await page.goto(atLocalhost(hubLink(await nextMail(email), 'invitations')));
  await page.getByRole('button', { name: 'Set up my account' }).click();
  await page.getByRole('heading', { name: `Hello, ${name}` }).waitFor();
}

describe.each([
  ['phone', phone],
  ['desktop', desktop],
] as const)('passkeys in Chromium on a %s', (device: string, options: BrowserContextOptions) => {
  it('invitation → e-mailed link → add a passkey → sign out → sign in with it; an admin revokes and the session stops at once', { timeout: 90_000 }, async () => {
    if (!browser) throw new Error('Chromium did not start');
    const email = uniqueEmail(`passkey-${device}`);
    const name = device === 'phone' ? 'Morgan Reyes' : 'Jamie Chen';
    await invite(email, name, ['receiving']);
    const context = await browser.newContext(options);
    const adminContext = await browser.newContext(options);
    try {
      const page = await withAuthenticator(context);
      await takeUpInvitation(page, email, name);
      // Signed out, then in again by the link the sign-in page e-mails.
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByLabel('E-mail address').fill(email);
      await page.keyboard.press('Enter');
      await page.getByText('Check your e-mail').waitFor();
      await page.goto(atLocalhost(hubLink(await nextMail(email, 2), 'sign-in')));
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { name: `Hello, ${name}` }).waitFor();
      await expectAccessible(page);
      await screenshot(page, `account-no-passkey-${device}`);

      // Adding a passkey: the virtual authenticator answers the browser's prompt.
      await page.getByLabel('Name for the new passkey (optional)').fill(`${device} passkey`);
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByText('Your passkey was added').waitFor();
      await expect.poll(() => page.getByText(`${device} passkey`).count()).toBe(1);
      await expectAccessible(page);
      await screenshot(page, `account-passkey-${device}`);

      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      const passkeyButton = page.getByRole('button', { name: 'Sign in with a passkey' });
      await passkeyButton.waitFor();
      await expectAccessible(page);
      await screenshot(page, `sign-in-passkey-${device}`);
      await passkeyButton.click();
      await page.getByRole('heading', { name: `Hello, ${name}` }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/console');
      expect(await page.getByText('last used').count()).toBe(1);

      // An admin revokes the person, who is still signed in on the first device.
      const adminEmail = uniqueEmail(`admin-${device}`);
      await invite(adminEmail, 'Avery Admin', ['admin']);
      const adminPage = await adminContext.newPage();
      await takeUpInvitation(adminPage, adminEmail, 'Avery Admin');
      await adminPage.getByRole('link', { name: 'People and invitations' }).click();
      await adminPage.getByRole('heading', { name: 'People' }).waitFor();
      await expectAccessible(adminPage);
      await screenshot(adminPage, `people-${device}`);
      await adminPage.getByRole('listitem').filter({ hasText: email }).getByRole('button', { name: `Revoke ${name}` }).click();
      await adminPage.getByRole('heading', { name: `Revoke ${name}?` }).waitFor();
      await expectAccessible(adminPage);
      await screenshot(adminPage, `people-revoke-confirm-${device}`);
      await adminPage.getByRole('button', { name: `Revoke ${name}` }).click();
      await adminPage.getByText(`${name} was revoked`).waitFor();
      await expectAccessible(adminPage);
      await screenshot(adminPage, `people-revoked-${device}`);

      // The person's next request: back at sign-in, and the passkey no longer opens the account.
      await page.reload();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.getByText('This account cannot sign in').waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await screenshot(page, `sign-in-passkey-refused-${device}`);
    } finally {
      await context.close();
      await adminContext.close();
    }
  });
});

it('without JavaScript, the sign-in page offers the e-mailed link and no passkey button', { timeout: 30_000 }, async () => {
  if (!browser) throw new Error('Chromium did not start');
  const context = await browser.newContext({ ...desktop, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByRole('button', { name: 'E-mail me a sign-in link' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0);
  } finally {
    await context.close();
  }
});
