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
let manifest: { number: string; verificationUrl: string; stateManifestId: string; driver: string; plate: string };

/** The state system's id of the manifest, once the submission worker has recorded it. */
async function stateManifestId(id: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const transfer = await call('distributor', 'GET', `/v1/transfers/${id}`);
    const found = (transfer.body['stateIds'] as { manifestId?: string } | undefined)?.manifestId;
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('The state system never got the manifest');
}

beforeAll(async () => {
  browser = await launchChromium();
  const tags = await freshInventory('distributor', 2);
  const id = await draftTo('processor', tags);
  const manifested = await step('distributor', id, 'manifest');
  const document = await call('distributor', 'GET', `/v1/transfers/${id}/manifest.json`);
  expect(document.status, JSON.stringify(document.body)).toBe(200);
  const [driver] = document.body['drivers'] as { name: string }[];
  const vehicle = document.body['vehicle'] as { plate: string; plateState: string };
  manifest = {
    number: (manifested['manifest'] as { number: string }).number,
    verificationUrl: document.body['verificationUrl'] as string,
    stateManifestId: await stateManifestId(id),
    driver: driver?.name ?? '',
    plate: `${vehicle.plate} (${vehicle.plateState})`,
  };
}, 60_000);

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
        Shipper: `${shipper.name} (${shipper.licenseNumber})`,
        Receiver: `${receiver.name} (${receiver.licenseNumber})`,
        Packages: '2',
        // What an inspector matches against the truck and the crew, and looks up at the state.
        'Vehicle plate': manifest.plate,
        Driver: manifest.driver,
        'State system manifest ID': manifest.stateManifestId,
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

  it('tells a visitor without the copy only that the manifest exists, and what to do', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const context = await browser.newContext(phone);
    try {
      const page = await context.newPage();
      const url = new URL(manifest.verificationUrl);
      url.search = '';
      const response = await page.goto(url.href);
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('status').innerText()).toBe(`Manifest ${manifest.number} exists. Scan the QR code on the copy you hold to check that copy and see its shipment.`);
      const text = await page.locator('body').innerText();
      for (const secret of [demoTenant('processor').name, manifest.driver, manifest.plate, manifest.stateManifestId]) expect(text).not.toContain(secret);
      expect(await page.locator('dl').count()).toBe(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, 'verification-page-without-code');
    } finally {
      await context.close();
    }
  });
});
