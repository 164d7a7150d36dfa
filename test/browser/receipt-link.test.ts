/**
 * The receipt link in Chromium, as the receiver at a dispensary without its own system uses it on
 * a phone: accept one package, accept another short by 5%, reject a third, sign, attach a photo,
 * submit. Then what both parties see through the API, the signed PDF, a reopened link that changes
 * nothing, axe-core's findings, screenshots, and the page's weight. And links that must not work.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '#shared/repositories/keys.ts';
import { hubTable } from '#shared/resources.ts';
import { tokenHash } from '#shared/receipt-links/tokens.ts';
import { accessibilityViolations, desktop, launchChromium, phone, recordPageBytes, saveScreenshot } from '../support/browser.ts';
import { call, draftTo, step } from '../support/lifecycle.ts';
import { freshInventory } from '../support/nyapi.ts';

let browser: Browser | undefined;
const results = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results');

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** A transfer of `count` packages of 20 (three unless told) to the non-integrated dispensary, manifested and on its way. */
async function onItsWay(count = 3): Promise<{ id: string; tags: string[]; url: string }> {
  const tags = await freshInventory('distributor', count);
  const id = await draftTo('retail dispensary', tags, 'distributor', 20);
  const manifested = await step('distributor', id, 'manifest');
  await step('distributor', id, 'depart');
  return { id, tags, url: (manifested['issuedReceiptLink'] as { url: string }).url };
}

// A 1×1 PNG: what a phone's camera would hand over, minus the megabytes.
const photo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('the receipt link in a browser', { timeout: 120_000 }, () => {
  it('records a receipt from a phone: accept, adjust within 5%, reject, sign, photo, submit', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const { id, tags, url } = await onItsWay();
    const context = await browser.newContext(phone);
    try {
      const page = await context.newPage();
      const bytes = recordPageBytes(page);
      const opened = await page.goto(url);
      expect(opened?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Confirm receipt');
      const weight = await bytes.read();
      // The budget: HTML + CSS + JS under 60 KB, uncompressed.
      expect(weight.total).toBeLessThan(60 * 1024);
      await mkdir(results, { recursive: true });
      await writeFile(join(results, 'receipt-link-page-size.json'), `${JSON.stringify(weight, null, 2)}\n`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, 'receipt-link-form-phone');

      // Nothing starts accepted: line 1 is accepted; line 2 is 19 of 20 (5%, confirmed); line 3 is rejected.
      expect(await page.locator('input[type=radio]:checked').count()).toBe(0);
      await page.getByRole('group', { name: /^1\./ }).getByLabel('Accept').check();
      await page.getByRole('group', { name: /^2\./ }).getByLabel('Other qty').check();
      await page.locator('#line-1-quantity').fill('19');
      await expect(page.locator('#line-1-quantity-hint').innerText()).resolves.toContain('5.0% short');
      await page.locator('#line-1-confirm').check();
      await page.getByRole('group', { name: /^3\./ }).getByLabel('Reject').check();
      await page.locator('#line-2-reason').selectOption('damaged');
      await page.locator('#line-2-note').fill('Crushed box, seal broken');
      await page.getByLabel('Your name').fill('Dana Reyes');
      await page.getByLabel('Your title').fill('Inventory manager');

      // The pad is below the fold on a phone: the finger draws where the receiver sees it.
      await page.locator('#pad').scrollIntoViewIfNeeded();
      const pad = await page.locator('#pad').boundingBox();
      if (!pad) throw new Error('No signature pad');
      await page.mouse.move(pad.x + 20, pad.y + pad.height * 0.7);
      await page.mouse.down();
      for (let i = 1; i <= 12; i += 1) await page.mouse.move(pad.x + 20 + i * 20, pad.y + pad.height * (i % 2 === 0 ? 0.3 : 0.7));
      await page.mouse.up();

      await page.locator('#photo-files').setInputFiles({ name: 'box.png', mimeType: 'image/png', buffer: photo });
      await page.getByText('box.png: attached').waitFor({ timeout: 15_000 });
      await saveScreenshot(page, 'receipt-link-filled-phone');

      await page.getByRole('button', { name: 'Review receipt' }).click();
      const refusal = page.locator('#form-errors');
      await page.locator('h1').filter({ hasText: /Check before you submit|Confirm receipt/ }).waitFor();
      if ((await refusal.count()) > 0) throw new Error(`The form was refused: ${await refusal.innerHTML()}`);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Check before you submit');
      await Promise.all([page.waitForURL(url), page.getByRole('button', { name: 'Submit receipt' }).click()]);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Receipt recorded');
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, 'receipt-link-recorded-phone');

      const transfer = await call('distributor', 'GET', `/v1/transfers/${id}`);
      expect(transfer.body['status']).toBe('PARTIALLY_ACCEPTED');
      const receipt = transfer.body['receipt'] as Record<string, unknown>;
      expect(receipt['lines']).toMatchObject([
        { tag: tags[0], outcome: 'accepted', acceptedQuantity: 20 },
        { tag: tags[1], outcome: 'accepted', acceptedQuantity: 19, varianceConfirmed: true },
        { tag: tags[2], outcome: 'rejected', reason: 'damaged', note: 'Crushed box, seal broken' },
      ]);
      const confirmation = receipt['confirmation'] as { signature?: { contentType: string; bytes: number }; photos: { contentType: string; bytes: number }[] };
      expect(confirmation.signature?.contentType).toBe('image/png');
      expect(confirmation.photos).toMatchObject([{ contentType: 'image/png', bytes: photo.length }]);
      // The phone the receipt was submitted from, as its browser names itself, and its address.
      const userAgent = await page.evaluate(() => navigator.userAgent);
      expect((receipt['confirmation'] as { submittedFrom?: unknown }).submittedFrom).toEqual({ userAgent, address: '127.0.0.1' });
      const history = (await call('distributor', 'GET', `/v1/transfers/${id}/events`)).body['items'] as { action: string }[];
      // The hub's manifest version that prints the state's manifest id comes when the state answers: once, after the manifest.
      const actions = history.map((e) => e.action);
      expect(actions.filter((a) => a !== 'record-state-manifest-number')).toEqual(['create', 'manifest', 'depart', 'arrive', 'receive']);
      expect(actions.filter((a) => a === 'record-state-manifest-number').length).toBeLessThanOrEqual(1);
      expect(actions.indexOf('record-state-manifest-number')).not.toBe(0);

      const pdf = await call('retail dispensary', 'GET', `/v1/transfers/${id}/receipt.pdf`);
      expect(pdf.status).toBe(200);
      const file = Buffer.from(await (await fetch(pdf.body['url'] as string)).arrayBuffer());
      expect(file.subarray(0, 5).toString()).toBe('%PDF-');
      // The drawn signature is in it: a PDF with an embedded image is larger than the text alone.
      expect(file.toString('latin1')).toContain('/Subtype /Image');

      // Reopening, even posting the review's submit again (what the back button offers to resend), changes nothing.
      const resent = await page.request.post(url, { form: { intent: 'submit', 'line-0-outcome': 'reject', 'line-0-reason': 'damaged', name: 'X', title: 'Y' }, maxRedirects: 0 });
      expect(resent.status()).toBe(303);
      await page.goto(url);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Receipt recorded');
      const after = await call('distributor', 'GET', `/v1/transfers/${id}`);
      expect(after.body['version']).toBe(transfer.body['version']);
    } finally {
      await context.close();
    }
  });

  it('shows the same form on a desktop, accessibly', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const { url } = await onItsWay();
    const context = await browser.newContext(desktop);
    try {
      const page = await context.newPage();
      expect((await page.goto(url))?.status()).toBe(200);
      expect(await accessibilityViolations(page)).toEqual([]);
      const screenshot = await saveScreenshot(page, 'receipt-link-form-desktop');
      expect((await stat(screenshot)).size).toBeGreaterThan(1000);
    } finally {
      await context.close();
    }
  });

  it('says plainly that an expired link and a wrong token do not work, and offers no form', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const { id, url } = await onItsWay();
    // Seven days pass: the link's validity ends (its lookup says until when).
    const hub = inject('hub');
    const dynamodb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: hub.env['AWS_REGION'] ?? 'us-east-1', endpoint: hub.urls.dynamodb, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
    const token = new URL(url).pathname.split('/').at(-1) ?? '';
    await dynamodb.send(
      new UpdateCommand({ TableName: hubTable.name, Key: keys.receiptLink(tokenHash(token)), UpdateExpression: 'SET validUntil = :past', ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() } }),
    );
    const context = await browser.newContext(phone);
    try {
      const page = await context.newPage();
      const expired = await page.goto(url);
      expect(expired?.status()).toBe(410);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('This link has expired');
      expect(await page.locator('form').count()).toBe(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, 'receipt-link-expired-phone');
      // A post to it records nothing.
      const posted = await page.request.post(url, { form: { 'line-0-outcome': 'accept', 'line-1-outcome': 'accept', 'line-2-outcome': 'accept', name: 'X', title: 'Y' }, maxRedirects: 0 });
      expect(posted.status()).toBe(410);
      expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('IN_TRANSIT');

      // One character off: a token that opens nothing, and says nothing about any transfer.
      const wrong = `${url.slice(0, -1)}${url.endsWith('A') ? 'B' : 'A'}`;
      const unknown = await page.goto(wrong);
      expect(unknown?.status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('This link is not valid');
      expect(await page.locator('form').count()).toBe(0);
      expect(await page.locator('body').innerText()).not.toContain('OCM-');
      await saveScreenshot(page, 'receipt-link-wrong-token-phone');
    } finally {
      await context.close();
    }
  });
});

/** The pixels drawn on the signature pad (their alpha, summed): 0 for a blank pad. */
const inked = (page: Page) =>
  page.locator('#pad').evaluate((pad) => {
    const canvas = pad as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    for (let i = 3; i < data.length; i += 4) sum += data[i] ?? 0;
    return sum;
  });

describe('the receipt form for large shipments', { timeout: 300_000 }, () => {
  it('takes 25 packages on a phone: nothing pre-accepted, tally, tag jump, one round naming every problem, the signature kept', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const { id, tags, url } = await onItsWay(25);
    const tag = (n: number) => tags[n - 1] ?? '';
    const context = await browser.newContext(phone);
    try {
      const page = await context.newPage();
      expect((await page.goto(url))?.status()).toBe(200);
      expect(await page.locator('input[type=radio]:checked').count()).toBe(0);
      const tally = page.locator('#tally');
      await expect(tally.innerText()).resolves.toBe('0 accepted · 0 other quantity · 0 rejected · 25 not yet decided');
      expect(await accessibilityViolations(page)).toEqual([]);
      // Every control a thumb needs is at least 48 px tall.
      for (const control of await page.locator('.seg label, button:visible, input[type=text], #find').all()) {
        expect((await control.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(47.5);
      }

      // A scanner types the tag and Enter; typing its last digits finds it too.
      await page.locator('#find').fill(tag(18));
      await page.locator('#find').press('Enter');
      await expect(page.locator('#line-17-outcome').getAttribute('class')).resolves.toContain('hit');
      await expect(page.locator('#find-note').innerText()).resolves.toBe('Package 18 of 25.');
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { name?: string } } }).document.activeElement.name)).toBe('line-17-outcome');
      await page.locator('#find').fill(tag(3).slice(-6));
      await page.locator('#find').press('Enter');
      await expect(page.locator('#find-note').innerText()).resolves.toBe('Package 3 of 25.');

      // Three packages with something wrong, the rest accepted by asking for it, no title, a signature.
      await page.getByRole('group', { name: /^3\./ }).getByLabel('Other qty').check();
      await page.locator('#line-2-quantity').fill('18');
      await page.locator('#line-2-confirm').check();
      await page.getByRole('group', { name: /^5\./ }).getByLabel('Other qty').check();
      await page.locator('#line-4-quantity').fill('19');
      await page.getByRole('group', { name: /^8\./ }).getByLabel('Reject').check();
      await expect(tally.innerText()).resolves.toBe('0 accepted · 2 other quantity · 1 rejected · 22 not yet decided');
      await page.getByRole('button', { name: 'Accept all not yet decided' }).click();
      await expect(tally.innerText()).resolves.toBe('22 accepted · 2 other quantity · 1 rejected · 0 not yet decided');
      await page.getByLabel('Your name').fill('Dana Reyes');
      await page.locator('#pad').scrollIntoViewIfNeeded();
      const pad = await page.locator('#pad').boundingBox();
      if (!pad) throw new Error('No signature pad');
      await page.mouse.move(pad.x + 20, pad.y + pad.height * 0.7);
      await page.mouse.down();
      for (let i = 1; i <= 12; i += 1) await page.mouse.move(pad.x + 20 + i * 20, pad.y + pad.height * (i % 2 === 0 ? 0.3 : 0.7));
      await page.mouse.up();
      expect(await inked(page)).toBeGreaterThan(0);

      await page.getByRole('button', { name: 'Review receipt' }).click();
      await page.locator('#form-errors').waitFor();
      const problems = await page.locator('#form-errors li').allInnerTexts();
      expect(problems).toEqual([
        `Package 3 (tag ${tag(3)}): You received 18 of 20 each shipped (10% off): more than 5% off cannot be accepted. Reject this package, or accept the 20 shipped and tell the shipper about the difference`,
        `Package 5 (tag ${tag(5)}): You received 19 of 20 each shipped (5% off): tick "I confirm I received a different quantity" to accept it`,
        `Package 8 (tag ${tag(8)}): Choose why you reject this package`,
        'Type your title (e.g. Inventory manager)',
      ]);
      expect(await page.locator('body').innerText()).not.toContain('confirmVariance');
      // The signature survived the refusal, answers too.
      await expect.poll(() => inked(page)).toBeGreaterThan(0);
      await expect(tally.innerText()).resolves.toBe('22 accepted · 2 other quantity · 1 rejected · 0 not yet decided');
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, 'receipt-link-25-refused-phone');

      await page.getByRole('group', { name: /^3\./ }).getByLabel('Reject').check();
      await page.locator('#line-2-reason').selectOption('damaged');
      await page.locator('#line-4-confirm').check();
      await page.locator('#line-7-reason').selectOption('expired');
      await page.getByLabel('Your title').fill('Inventory manager');
      await page.getByRole('button', { name: 'Review receipt' }).click();
      await page.getByRole('heading', { level: 1, name: 'Check before you submit' }).waitFor();
      await expect(page.locator('[role=status]').first().innerText()).resolves.toContain('22 accepted as shipped');
      expect(await page.locator('img.sig').count()).toBe(1);
      expect(await accessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, 'receipt-link-25-review-phone');
      expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('IN_TRANSIT');

      // Two taps on Submit send one receipt.
      // The review page has the link's own URL: wait for the recorded receipt itself, not for a URL already reached.
      await page.locator('#submit').dblclick();
      await page.getByRole('heading', { level: 1, name: 'Receipt recorded' }).waitFor();
      const transfer = await call('distributor', 'GET', `/v1/transfers/${id}`);
      expect(transfer.body['status']).toBe('PARTIALLY_ACCEPTED');
      expect((transfer.body['receipt'] as { confirmation: { signature?: unknown } }).confirmation.signature).toBeDefined();
    } finally {
      await context.close();
    }
  });

  it('stays light and short on a phone at 25 and 1000 packages (measured to test-results/)', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const measured: Record<string, { bytes: number; screens: number; scrollHeight: number; innerHeight: number }> = {};
    for (const count of [25, 1000]) {
      const { url } = await onItsWay(count);
      const context = await browser.newContext(phone);
      try {
        const page = await context.newPage();
        const bytes = recordPageBytes(page);
        expect((await page.goto(url))?.status()).toBe(200);
        const { total } = await bytes.read();
        const { scrollHeight, innerHeight } = await page.evaluate(() => {
          const view = globalThis as unknown as { document: { documentElement: { scrollHeight: number } }; innerHeight: number };
          return { scrollHeight: view.document.documentElement.scrollHeight, innerHeight: view.innerHeight };
        });
        measured[String(count)] = { bytes: total, screens: Math.round((scrollHeight / innerHeight) * 10) / 10, scrollHeight, innerHeight };
        if (count === 25) await saveScreenshot(page, 'receipt-link-form-25-phone');
      } finally {
        await context.close();
      }
    }
    await mkdir(results, { recursive: true });
    await writeFile(join(results, 'receipt-link-page-lines.json'), `${JSON.stringify(measured, null, 2)}\n`);
    expect(measured['25']?.bytes).toBeLessThan(100 * 1024);
  });
});
