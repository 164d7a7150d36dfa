/**
 * Signing in in Chromium, on a phone and on a desktop: the sign-in page asks for the address, the
 * link arrives in the local mailbox, its page signs the person in with one button (keyboard only),
 * the account page shows them, and signing out lands on the sign-in page. axe-core finds no serious
 * or critical problem on any of these pages; screenshots for review.
 */
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { accessibilityViolations, desktop, launchChromium, phone, saveScreenshot } from '../support/browser.ts';
import { demoTenant, request } from '../support/hub-api.ts';
import { hubLink, nextMail, uniqueEmail, Visitor } from '../support/people.ts';

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each([
  ['phone', phone],
  ['desktop', desktop],
] as const)('sign-in in Chromium on a %s', (device: string, options: BrowserContextOptions) => {
  it('asks for the address, signs in from the e-mailed link by keyboard, shows the person and signs out', { timeout: 60_000 }, async () => {
    const email = uniqueEmail(`browser-${device}`);
    const invited = await request('POST', '/v1/people/invitations', { apiKey: demoTenant('distributor').apiKey, body: { email, name: 'Jordan Lee', roles: ['receiving'] } });
    expect(invited.status).toBe(201);
    const setup = new Visitor();
    await setup.submit(await setup.open(hubLink(await nextMail(email), 'invitations')), { name: 'Jordan Lee' });

    if (!browser) throw new Error('Chromium did not start');
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      await page.goto(`${inject('hub').urls.api}/sign-in`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, `sign-in-${device}`);
      await page.getByLabel('E-mail address').fill(email);
      await page.keyboard.press('Enter');
      await page.getByText('Check your e-mail').waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);

      await page.goto(hubLink(await nextMail(email, 2), 'sign-in'));
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, `sign-in-link-${device}`);
      // The button has the focus: Enter signs in.
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Hello, Jordan Lee' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/console');
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, `account-${device}`);
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'hub-session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.goto(`${inject('hub').urls.api}/console`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
    } finally {
      await context.close();
    }
  });
});
