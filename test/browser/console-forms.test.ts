/**
 * The console's two big forms in Chromium, on a phone and on a desktop: a shipping clerk builds a
 * 25-package transfer by pasting its tags (and scans one more by keyboard), fixes the problem the
 * page points at from its summary with the keyboard alone, and issues the manifest; a receiving
 * clerk, with the keyboard alone, scans tags to go to their packages, rejects one, accepts another
 * at a different quantity, accepts the rest and records the receipt, then reads the state
 * system's next step. axe-core finds no serious or critical problem on any page; pages of 25
 * packages stay under 100 KB; screenshots in test-results/screenshots/console/.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityViolations, desktop, launchChromium, phone, recordPageBytes } from '../support/browser.ts';
import { demoTenant, request } from '../support/hub-api.ts';
import { call, draftTo, step } from '../support/lifecycle.ts';
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

/** What a page's focused element shows, as the test reads it (the tests' types know no DOM). */
interface FocusedElement {
  readonly id: string;
  getAttribute(name: string): string | null;
  readonly value?: string;
  readonly textContent: string | null;
}

/** The focused element: its id, its name, its value, and its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const e = (globalThis as unknown as { document: { activeElement: FocusedElement | null } }).document.activeElement;
    return { id: e?.id ?? '', name: e?.getAttribute('name') ?? '', value: e?.value ?? '', text: (e?.textContent ?? '').trim() };
  });

/** Presses Tab (or Shift+Tab) until the focus is on what `is` says, as a keyboard user would. */
async function tabTo(page: Page, is: (f: Awaited<ReturnType<typeof focused>>) => boolean, backwards = false, most = 400): Promise<void> {
  for (let i = 0; i < most; i++) {
    if (is(await focused(page))) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error('The keyboard did not reach the element');
}

async function signIn(page: Page, tenant: Parameters<typeof demoTenant>[0], name: string, roles: readonly string[], label: string): Promise<void> {
  const email = uniqueEmail(label);
  expect((await request('POST', '/v1/people/invitations', { apiKey: demoTenant(tenant).apiKey, body: { email, name, roles } })).status).toBe(201);
  await page.goto(hubLink(await nextMail(email), 'invitations'));
  await page.getByRole('button').first().click();
  await page.waitForURL(/\/console/);
}

const newYorkLocal = (hours: number) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .format(new Date(Date.now() + hours * 3600_000))
    .replace(' ', 'T');

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
] as const)('the console forms in Chromium on a %s', (device: string, options: BrowserContextOptions) => {
  it('takes a shipping clerk from pasted tags through a fixed problem to the manifest', { timeout: 180_000 }, async () => {
    const tags = await freshInventory('distributor', 26);
    const partners = (await call('distributor', 'GET', '/v1/partners?limit=100')).body['items'] as Record<string, unknown>[];
    const receiverName = partners.find((p) => p['licenseNumber'] === demoTenant('processor').licenseNumber)?.['legalName'] as string;
    if (!browser) throw new Error('Chromium did not start');
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await signIn(page, 'distributor', 'Kim Nguyen', ['shipping'], `forms-shipper-${device}`);

      await page.goto(`${inject('hub').urls.api}/console/transfers/new`);
      await page.getByRole('heading', { name: 'New transfer' }).waitFor();
      await accessible(page);
      await screenshot(page, `new-transfer-${device}`);

      // Everything but the receiver, and 25 tags pasted at once, the new lines filled alike.
      await page.getByLabel('Invoice numbers (separated by commas)').fill('INV-3301');
      await page.locator('#driverIds input[type=checkbox]').first().check();
      await page.getByLabel('Vehicle').selectOption({ index: 1 });
      await page.getByLabel('Leaves (New York time)').fill(newYorkLocal(1));
      await page.getByLabel('Arrives (New York time)').fill(newYorkLocal(3));
      await page.getByLabel('Route').fill('I-90 W to exit 42, NY-14 S');
      const defaults = page.locator('details');
      await defaults.getByLabel('Product', { exact: true }).fill('Pre-roll 5-pack');
      await defaults.getByLabel('Category').fill('pre-roll');
      await defaults.getByLabel('Production batch').fill('B-2026-12');
      await defaults.getByLabel('Quantity').fill('10');
      await defaults.getByLabel('Price per unit ($)').fill('4.50');
      await page.getByLabel('Or paste tags, one a line').fill(tags.slice(0, 25).join('\n'));
      await page.getByRole('button', { name: 'Add the packages' }).click();
      await page.getByText('25 packages added.').waitFor();
      await expect(page.locator('ol.lines > li').count()).resolves.toBe(25);

      // A scanner types the 26th tag and Enter: it waits without a round trip, the field ready for the next
      // scan; Enter on the empty field adds what waits, and the page comes back ready to scan again.
      await page.getByLabel('Scan or type a tag').focus();
      await page.keyboard.type(tags[25] ?? '');
      await page.keyboard.press('Enter');
      await expect(page.locator('#scan-status').textContent()).resolves.toBe('1 tag waits: scan the next, or press Enter to add them.');
      expect((await focused(page)).id).toBe('scanned');
      await page.keyboard.press('Enter');
      await page.getByText('1 package added.').waitFor();
      expect((await focused(page)).id).toBe('scanned');
      await expect(page.locator('ol.lines > li').count()).resolves.toBe(26);
      // One too many: removed again.
      await page.locator('ol.lines > li').nth(25).getByLabel('Remove this package').check();

      const bytes = recordPageBytes(page);
      await page.getByRole('button', { name: 'Issue the manifest' }).click();
      await page.getByRole('heading', { name: /things? to fix/ }).waitFor();
      const size = await bytes.read();
      console.log(`console new-transfer page (25 packages, ${device}): ${size.total} bytes (HTML ${size.html}, CSS ${size.css}, JS ${size.js})`);
      expect(size.total).toBeLessThan(100 * 1024);
      await expect(page.locator('ol.lines > li').count()).resolves.toBe(25);
      await accessible(page);
      await screenshot(page, `new-transfer-problems-${device}`);

      // Keyboard only: the summary has the focus; its link puts the focus on the receiver, chosen by typing its name.
      expect((await focused(page)).id).toBe('problems');
      await page.keyboard.press('Tab');
      expect((await focused(page)).text).toContain('Receiver');
      await page.keyboard.press('Enter');
      expect((await focused(page)).id).toBe('receiverPartnerId');
      await page.keyboard.type(receiverName.slice(0, 8));
      expect((await focused(page)).value).not.toBe('');
      await tabTo(page, (f) => f.text === 'Issue the manifest');
      await page.keyboard.press('Enter');
      await page.getByText('The manifest is issued.').waitFor();
      const id = /\/console\/transfers\/([^/?]+)\?done=manifest/.exec(page.url())?.[1] ?? '';
      const issued = await call('distributor', 'GET', `/v1/transfers/${id}`);
      expect(issued.body['status']).toBe('MANIFESTED');
      expect((issued.body['content'] as { lines: { tag: string }[] }).lines.map((l) => l.tag)).toEqual(tags.slice(0, 25));
      await accessible(page);
      await screenshot(page, `new-transfer-manifested-${device}`);
    } finally {
      await context.close();
    }
  });

  it('takes a receiving clerk through 25 packages with a rejection and a variance, by keyboard', { timeout: 180_000 }, async () => {
    const tags = await freshInventory('distributor', 25);
    const id = await draftTo('processor', tags, 'distributor', 100);
    await step('distributor', id, 'manifest');
    await step('distributor', id, 'depart');
    await step('distributor', id, 'arrive');
    if (!browser) throw new Error('Chromium did not start');
    const context = await browser.newContext(options);
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await signIn(page, 'processor', 'Dana Cole', ['receiving'], `forms-receiver-${device}`);

      const bytes = recordPageBytes(page);
      await page.goto(`${inject('hub').urls.api}/console/transfers/${id}/receive`);
      await page.getByRole('heading', { name: /^Receive Manifest/ }).waitFor();
      const size = await bytes.read();
      console.log(`console receiving page (25 packages, ${device}): ${size.total} bytes (HTML ${size.html}, CSS ${size.css}, JS ${size.js})`);
      expect(size.total).toBeLessThan(100 * 1024);
      await accessible(page);
      await screenshot(page, `receive-${device}`);

      // The tag field has the focus: a scan goes to its package, whose choice takes the focus.
      expect((await focused(page)).id).toBe('find');
      await page.keyboard.type(tags[6] ?? '');
      await page.keyboard.press('Enter');
      expect((await focused(page)).name).toBe('line-6-outcome');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      expect(await page.locator('input[name="line-6-outcome"][value="reject"]').isChecked()).toBe(true);
      await tabTo(page, (f) => f.id === 'line-6-reason');
      await page.keyboard.type('Damaged');
      expect((await focused(page)).value).toBe('damaged');

      await tabTo(page, (f) => f.id === 'find', true);
      await page.keyboard.type((tags[19] ?? '').slice(-6));
      await page.keyboard.press('Enter');
      expect((await focused(page)).name).toBe('line-19-outcome');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Tab');
      expect((await focused(page)).id).toBe('line-19-quantity');
      await page.keyboard.type('97');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space');
      expect(await page.locator('input[name="line-19-confirm"]').isChecked()).toBe(true);
      await expect(page.locator('#totals').textContent()).resolves.toBe('0 accepted, 1 at another quantity, 1 rejected, 23 to decide');

      await tabTo(page, (f) => f.text === 'Accept all the rest as shipped', true);
      await page.keyboard.press('Enter');
      await page.getByText('23 packages accepted as shipped.').waitFor();
      await expect(page.locator('#totals').textContent()).resolves.toBe('23 accepted, 1 at another quantity, 1 rejected, 0 to decide');
      await tabTo(page, (f) => f.id === 'title');
      await page.keyboard.type('Receiving lead');
      await tabTo(page, (f) => f.text === 'Record the receipt');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: /is received$/ }).waitFor();
      await expect(page.getByText('23 accepted, 1 at another quantity, 1 rejected').isVisible()).resolves.toBe(true);
      await accessible(page);
      await screenshot(page, `received-${device}`);

      const receipt = (await call('processor', 'GET', `/v1/transfers/${id}`)).body['receipt'] as { lines: Record<string, unknown>[] };
      expect(receipt.lines[6]).toMatchObject({ outcome: 'rejected', reason: 'damaged' });
      expect(receipt.lines[19]).toMatchObject({ outcome: 'accepted', acceptedQuantity: 97 });
      expect(receipt.lines.filter((l) => l['outcome'] === 'accepted')).toHaveLength(24);
    } finally {
      await context.close();
    }
  });
});
