/**
 * The console in Chromium, on a phone and on a desktop, without a line of script: a driver takes up
 * the invitation, opens Today, the outgoing list (searched by manifest number), the transfer's page
 * and its manifest, and records the departure and the arrival with its buttons, then sees the trip
 * gone from today's trips. axe-core finds no serious or critical problem on any page; the transfer
 * page of 25 packages stays under 100 KB (HTML, CSS and JS as loaded); screenshots for review in
 * test-results/screenshots/console/.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityViolations, desktop, launchChromium, phone, recordPageBytes } from '../support/browser.ts';
import { demoTenant, request } from '../support/hub-api.ts';
import { call, draftTo } from '../support/lifecycle.ts';
import { freshInventory } from '../support/nyapi.ts';
import { hubLink, nextMail, uniqueEmail } from '../support/people.ts';

const screenshots = fileURLToPath(new URL('../../test-results/screenshots/console/', import.meta.url));

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true });
}

async function accessible(page: Page): Promise<void> {
  expect(await accessibilityViolations(page), page.url()).toEqual([]);
}

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
] as const)('the console in Chromium on a %s', (device: string, options: BrowserContextOptions) => {
  it('takes a driver from Today through the list to the transfer, and records departure and arrival', { timeout: 120_000 }, async () => {
    const tags = await freshInventory('distributor', 25);
    const id = await draftTo('processor', tags);
    const manifested = await call('distributor', 'POST', `/v1/transfers/${id}/manifest`);
    expect(manifested.status).toBe(200);
    const number = (manifested.body['manifest'] as { number: string }).number;
    const email = uniqueEmail(`console-driver-${device}`);
    expect((await request('POST', '/v1/people/invitations', { apiKey: demoTenant('distributor').apiKey, body: { email, name: 'Alex Moreno', roles: ['driver'] } })).status).toBe(201);

    if (!browser) throw new Error('Chromium did not start');
    // The pages carry no script (counted below): what the browser does here it does with plain links and forms.
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(hubLink(await nextMail(email), 'invitations'));
      await page.getByRole('button').first().click();
      await page.waitForURL(/\/console/);

      await page.goto(`${inject('hub').urls.api}/console/today`);
      await page.getByRole('heading', { name: 'Today', exact: true }).waitFor();
      await expect(page.getByText('Alex Moreno').first().isVisible()).resolves.toBe(true);
      await accessible(page);
      await screenshot(page, `today-${device}`);

      await page.getByRole('link', { name: 'Outgoing' }).click();
      await page.getByRole('heading', { name: 'Outgoing transfers' }).waitFor();
      await page.getByLabel('Manifest number, package tag or company').fill(number);
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByRole('link', { name: `Manifest ${number}` }).waitFor();
      await accessible(page);
      await screenshot(page, `outgoing-${device}`);

      const bytes = recordPageBytes(page);
      await page.getByRole('link', { name: `Manifest ${number}` }).click();
      await page.getByRole('heading', { name: `Manifest ${number}` }).waitFor();
      const size = await bytes.read();
      console.log(`console transfer page (25 packages, ${device}): ${size.total} bytes (HTML ${size.html}, CSS ${size.css}, JS ${size.js})`);
      expect(size.total).toBeLessThan(100 * 1024);
      expect(size.js).toBe(0);
      await accessible(page);
      await screenshot(page, `transfer-${device}`);
      // The manifest opens as its PDF.
      const pdf = await context.request.get(`${inject('hub').urls.api}/console/transfers/${id}/manifest.pdf`);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toContain('application/pdf');

      await page.getByRole('button', { name: 'It left now' }).click();
      await page.getByText('Departure recorded.').waitFor();
      await expect(page.getByText('On the road').first().isVisible()).resolves.toBe(true);
      await accessible(page);
      await screenshot(page, `departed-${device}`);

      await page.getByRole('link', { name: 'My trips' }).click();
      await page.getByRole('heading', { name: 'My trips today' }).waitFor();
      await accessible(page);
      await screenshot(page, `trips-${device}`);
      await page.locator('li', { hasText: `Manifest ${number}` }).getByRole('button', { name: 'It arrived now' }).click();
      await page.getByRole('heading', { name: 'My trips today' }).waitFor();
      expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('ARRIVED');
      await expect(page.getByRole('link', { name: `Manifest ${number}` }).count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });
});
