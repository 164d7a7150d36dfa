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
import { eventually, freshInventory } from '../support/nyapi.ts';

let browser: Browser | undefined;
let manifest: { number: string; verificationUrl: string; firstVerificationUrl: string; stateManifestId: string; driver: string; plate: string };

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
  // The state's manifest id comes back with the manifest report: version 2 prints it, and is the current one.
  const document = await eventually(async () => {
    const current = await call('distributor', 'GET', `/v1/transfers/${id}/manifest.json`);
    expect(current.status, JSON.stringify(current.body)).toBe(200);
    return current.body['version'] === 2 ? current : undefined;
  }, 30_000, 'version 2 of the manifest');
  const first = await call('distributor', 'GET', `/v1/transfers/${id}/manifest.json?version=1`);
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const [driver] = document.body['drivers'] as { name: string }[];
  const vehicle = document.body['vehicle'] as { plate: string; plateState: string };
  manifest = {
    number: (manifested['manifest'] as { number: string }).number,
    verificationUrl: document.body['verificationUrl'] as string,
    firstVerificationUrl: first.body['verificationUrl'] as string,
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
      expect(await verdict.innerText()).toBe(`Genuine: this copy is the current version (2) of manifest ${manifest.number}.`);
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

  it('vouches for a copy printed before the state’s manifest id came in, and says what the newer print adds', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const context = await browser.newContext(phone);
    try {
      const page = await context.newPage();
      const response = await page.goto(manifest.firstVerificationUrl);
      expect(response?.status()).toBe(200);
      const verdict = page.getByRole('status');
      expect(await verdict.innerText()).toBe(
        `Genuine: this copy (version 1) of manifest ${manifest.number} is current. A newer print, version 2, only adds the state system's manifest ID (${manifest.stateManifestId}); nothing else on it changed.`,
      );
      // The good tone of a genuine copy, not the dashed one of an outdated copy.
      expect(await verdict.getAttribute('class')).toBe('verdict good');
      expect(await details(page)).toMatchObject({ 'Vehicle plate': manifest.plate, Driver: manifest.driver, 'State system manifest ID': manifest.stateManifestId });
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, 'verification-page-before-state-number');
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
