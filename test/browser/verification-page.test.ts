/**
 * The public verification page in Chromium, opened from a manifest's own verification link (what its
 * QR code encodes) on a phone and on a desktop: what a reader sees, axe-core's serious and critical
 * findings (none allowed), and a screenshot of each for review.
 */
import { stat } from 'node:fs/promises';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, desktop, launchChromium, phone, saveScreenshot } from '../support/browser.ts';
import { demoTenant } from '../support/hub-api.ts';
import { call, draftTo, step } from '../support/lifecycle.ts';
import { freshInventory } from '../support/nyapi.ts';

let browser: Browser | undefined;
let manifest: { number: string; verificationUrl: string };

beforeAll(async () => {
  browser = await launchChromium();
  const tags = await freshInventory('distributor', 2);
  const id = await draftTo('processor', tags);
  const manifested = await step('distributor', id, 'manifest');
  const document = await call('distributor', 'GET', `/v1/transfers/${id}/manifest.json`);
  expect(document.status, JSON.stringify(document.body)).toBe(200);
  manifest = { number: (manifested['manifest'] as { number: string }).number, verificationUrl: document.body['verificationUrl'] as string };
});

afterAll(async () => {
  await browser?.close();
});

/** The page's label → value pairs, as rendered. */
async function details(page: Page): Promise<Record<string, string>> {
  const labels = await page.locator('dl > dt').allInnerTexts();
  const values = await page.locator('dl > dd').allInnerTexts();
  expect(values).toHaveLength(labels.length);
  return Object.fromEntries(labels.map((label, i) => [label, values[i] ?? '']));
}

describe('the manifest verification page in a browser', () => {
  it.for([
    ['phone', phone],
    ['desktop', desktop],
  ] as [string, BrowserContextOptions][])('vouches for a current copy on a %s, accessibly', async ([viewport, options]) => {
    if (!browser) throw new Error('Chromium did not start');
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      const response = await page.goto(manifest.verificationUrl);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');

      const shipper = demoTenant('distributor');
      const receiver = demoTenant('processor');
      await expect(page.title()).resolves.toBe(`Manifest ${manifest.number}`);
      const heading = page.getByRole('heading', { level: 1 });
      expect(await heading.isVisible()).toBe(true);
      expect(await heading.innerText()).toBe(`Manifest ${manifest.number}`);
      const verdict = page.getByRole('status');
      expect(await verdict.isVisible()).toBe(true);
      expect(await verdict.innerText()).toBe(`Genuine: this copy is the current version (1) of manifest ${manifest.number}.`);
      expect(await details(page)).toMatchObject({
        Status: 'Manifested, not yet departed',
        Shipper: `${shipper.name} (${shipper.licenceNumber})`,
        Receiver: `${receiver.name} (${receiver.licenceNumber})`,
        Packages: '2',
      });
      // The lines carry a unit price of 4.5; the page shows no prices.
      expect(await page.locator('body').innerText()).not.toMatch(/4\.5|\$/);

      // Nothing runs off the side of the screen: no sideways scrolling at the roadside.
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);

      expect(await accessibilityViolations(page)).toEqual([]);

      const screenshot = await saveScreenshot(page, `verification-page-${viewport}`);
      expect((await stat(screenshot)).size).toBeGreaterThan(1000);
    } finally {
      await context.close();
    }
  });
});
