/**
 * The console's admin pages in Chromium, on a phone and on a desktop, against the local hub: an
 * admin makes an API key and sees it once, revokes it (the API then refuses it, 403), enters the Metrc
 * user key of a licensee on Metrc, adds a partner after fixing the one problem the form names, and
 * downloads the inventory-movements report; the key form is used from the keyboard alone. axe-core
 * finds no serious or critical problem on any page; screenshots in
 * test-results/screenshots/console/admin-*.png. Without a browser: a shipping clerk is not allowed
 * in, a post without the form token is refused, and another licensee's partner is not found.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityViolations, desktop, launchChromium, phone, recordPageBytes } from '../support/browser.ts';
import { demoTenant, request } from '../support/hub-api.ts';
import { hubLink, nextMail, uniqueEmail, Visitor } from '../support/people.ts';
import { metrcHubWorld } from '../integration/metrc/hub-world.ts';

const screenshots = fileURLToPath(new URL('../../test-results/screenshots/console/', import.meta.url));

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}admin-${name}.png`, fullPage: true });
}

async function accessible(page: Page): Promise<void> {
  expect(await accessibilityViolations(page), page.url()).toEqual([]);
}

/** A person of the licensee whose key this is, signed in as they take up their invitation. */
async function invite(apiKey: string, label: string, roles: readonly string[]): Promise<string> {
  const email = uniqueEmail(label);
  const invited = await request('POST', '/v1/people/invitations', { apiKey, body: { email, name: 'Sam Okafor', roles } });
  expect(invited.status).toBe(201);
  return email;
}

async function signedInVisitor(apiKey: string, label: string, roles: readonly string[]): Promise<Visitor> {
  const email = await invite(apiKey, label, roles);
  const visitor = new Visitor();
  await visitor.submit(await visitor.open(hubLink(await nextMail(email), 'invitations')), { name: 'Sam Okafor' });
  return visitor;
}

const base = () => inject('hub').urls.api;

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function signedInPage(options: BrowserContextOptions, apiKey: string, label: string) {
  if (!browser) throw new Error('Chromium did not start');
  const email = await invite(apiKey, label, ['admin']);
  const context = await browser.newContext({ ...options, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(hubLink(await nextMail(email), 'invitations'));
  await page.getByRole('button').first().click();
  await page.waitForURL(/\/console/);
  return { context, page };
}

const sizes: string[] = [];
async function measured(page: Page, path: string, name: string): Promise<void> {
  const bytes = recordPageBytes(page);
  await page.goto(`${base()}${path}`);
  const size = await bytes.read();
  sizes.push(`${name}: ${size.html} bytes of HTML`);
  expect(size.total).toBeLessThan(100 * 1024);
  expect(size.js).toBe(0);
}
afterAll(() => {
  console.log(`console admin pages: ${sizes.join('; ')}`);
});

describe.each([
  ['phone', phone],
  ['desktop', desktop],
] as const)('the admin pages in Chromium on a %s', (device: string, options: BrowserContextOptions) => {
  it('makes an API key shown once and revokes it, adds a partner after a fix, and downloads the report', { timeout: 120_000 }, async () => {
    const { context, page } = await signedInPage(options, demoTenant('distributor').apiKey, `admin-${device}`);
    try {
      await measured(page, '/console/admin/api-keys', `API keys (${device})`);
      await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
      await accessible(page);
      await screenshot(page, `api-keys-${device}`);

      // From the keyboard alone: the field focused, typed into, sent with Enter.
      await page.getByLabel('What the key is for').focus();
      await page.keyboard.type(`Warehouse scanner ${device}`);
      await page.keyboard.press('Enter');
      await page.getByText('Copy it now: it will not be shown again.').waitFor();
      const apiKey = await page.getByLabel('The key', { exact: true }).inputValue();
      expect(apiKey).toMatch(/^nyth_/);
      expect((await request('GET', '/v1/me', { apiKey })).status).toBe(200);
      await accessible(page);
      await screenshot(page, `api-key-created-${device}`);
      await page.goto(`${base()}/console/admin/api-keys`);
      expect(await page.content()).not.toContain(apiKey);

      await page.getByRole('button', { name: `Revoke the key Warehouse scanner ${device}…` }).click();
      await page.getByRole('heading', { name: `Revoke the key “Warehouse scanner ${device}”?` }).waitFor();
      await accessible(page);
      await screenshot(page, `api-key-revoke-${device}`);
      await page.getByRole('button', { name: `Revoke “Warehouse scanner ${device}”` }).click();
      await page.getByText('The key is revoked').waitFor();
      // Refused as the API refuses any revoked key (the authorizer's deny: 403, as in test/integration/authorizer.test.ts).
      expect((await request('GET', '/v1/me', { apiKey })).status).toBe(403);

      await measured(page, '/console/admin/connections', `connections (${device})`);
      await page.getByRole('heading', { name: 'State-system connections' }).waitFor();
      await accessible(page);
      await screenshot(page, `connections-${device}`);

      await page.getByRole('link', { name: 'Registries' }).click();
      await page.getByRole('heading', { name: 'Partners', exact: true }).waitFor();
      await measured(page, '/console/admin/registries/vehicles/new', `new vehicle (${device})`);
      await accessible(page);
      await screenshot(page, `vehicle-form-${device}`);
      await measured(page, '/console/admin/registries/partners', `partners (${device})`);
      await page.getByRole('link', { name: 'Add a partner' }).click();
      const name = `Kingston Greens ${device} ${Date.now()}`;
      await page.getByLabel('Legal name').fill(name);
      await page.getByLabel('OCM license number').fill('OCM-RETL-24-000321');
      await page.getByLabel('Street').fill('5 Wall St');
      await page.getByLabel('City').fill('Kingston');
      await page.getByLabel('ZIP code').fill('124');
      await page.getByLabel('Phone').fill('(845) 555-0123');
      await page.getByRole('button', { name: 'Add the partner' }).click();
      await page.getByText('One thing to fix').waitFor();
      await expect(page.getByLabel('ZIP code').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.getByLabel('Legal name').inputValue()).resolves.toBe(name);
      await accessible(page);
      await screenshot(page, `partner-problem-${device}`);
      await page.getByLabel('ZIP code').fill('12401');
      await page.getByRole('button', { name: 'Add the partner' }).click();
      await page.getByText('Added.').waitFor();
      await page.getByText(name).waitFor();
      await accessible(page);
      await screenshot(page, `partners-${device}`);

      await measured(page, '/console/admin/reports', `reports (${device})`);
      await accessible(page);
      await screenshot(page, `reports-${device}`);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download the report' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/^inventory-movements-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
      const path = await file.path();
      expect(path).toBeTruthy();
    } finally {
      await context.close();
    }
  });

  it("enters a licensee's Metrc user key", { timeout: 120_000 }, async () => {
    const world = await metrcHubWorld([]);
    const n = world.shipperLicense.split('-').at(-1) ?? '';
    const { context, page } = await signedInPage(options, world.apiKey, `admin-metrc-${device}`);
    try {
      await page.goto(`${base()}/console/admin/connections`);
      await page.getByRole('heading', { name: 'Metrc' }).waitFor();
      await page.getByLabel('Replace the Metrc user key').or(page.getByLabel('Metrc user key')).fill('not the key');
      await page.getByRole('button', { name: 'Check and keep the key' }).click();
      await page.getByText('One thing to fix').waitFor();
      await page.getByLabel(/Metrc user key/).fill(`user-key-${n}`);
      await page.getByRole('button', { name: 'Check and keep the key' }).click();
      await page.getByText('Metrc accepts the key').waitFor();
      await expect(page.getByText('Connected', { exact: true }).first().isVisible()).resolves.toBe(true);
      await accessible(page);
      await screenshot(page, `metrc-key-${device}`);
    } finally {
      await context.close();
    }
  });
});

describe('the admin pages refuse', () => {
  it('a person without the admin role, a post without the form token, and another licensee’s entry', { timeout: 60_000 }, async () => {
    const clerk = await signedInVisitor(demoTenant('distributor').apiKey, 'admin-shipping', ['shipping']);
    for (const path of ['/console/admin/api-keys', '/console/admin/connections', '/console/admin/registries/partners', '/console/admin/reports']) {
      const refused = await clerk.open(path);
      expect(refused.status, path).toBe(403);
      expect(refused.html).toContain('Not allowed');
    }

    const admin = await signedInVisitor(demoTenant('distributor').apiKey, 'admin-csrf', ['admin']);
    const before = await request('GET', '/v1/api-keys?limit=100', { apiKey: demoTenant('distributor').apiKey });
    const forged = await admin.open('/console/admin/api-keys', { label: 'Forged' });
    expect(forged.status).toBe(403);
    expect(forged.html).not.toContain('nyth_');
    const after = await request('GET', '/v1/api-keys?limit=100', { apiKey: demoTenant('distributor').apiKey });
    expect((after.body['items'] as unknown[]).length).toBe((before.body['items'] as unknown[]).length);

    const theirs = await request('POST', '/v1/partners', {
      apiKey: demoTenant('processor').apiKey,
      body: { legalName: 'Not yours LLC', licenseNumber: 'OCM-RETL-24-000999', premisesAddress: { street: '1 A St', city: 'Troy', state: 'NY', zip: '12180' }, phone: '(518) 555-0199', integrated: false },
    });
    expect(theirs.status).toBe(201);
    const id = theirs.body['id'] as string;
    const open = await admin.open(`/console/admin/registries/partners/${id}`);
    expect(open.status).toBe(404);
    expect(open.html).not.toContain('Not yours LLC');
    const edit = await admin.submit(await admin.open('/console/admin/registries/partners'), { version: '1', confirm: 'yes' }, `/console/admin/registries/partners/${id}/remove`);
    expect(edit.status).toBe(404);
    expect((await request('GET', `/v1/partners/${id}`, { apiKey: demoTenant('processor').apiKey })).body['active']).toBe(true);
  });
});
