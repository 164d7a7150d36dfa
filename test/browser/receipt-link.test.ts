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
import type { Browser } from 'playwright-core';
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

/** A transfer of three packages of 20 to the non-integrated dispensary, manifested and on its way. */
async function onItsWay(): Promise<{ id: string; tags: string[]; url: string }> {
  const tags = await freshInventory('distributor', 3);
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

      // Line 1 stays "accept all"; line 2 is 19 of 20 (5%, confirmed); line 3 is rejected.
      await page.getByRole('group', { name: /^2\./ }).getByLabel('Accept a different quantity').check();
      await page.getByLabel('Quantity received (each)').nth(1).fill('19');
      await expect(page.locator('#line-1-quantity-hint').innerText()).resolves.toContain('5.0% short');
      await page.locator('#line-1-confirm').check();
      await page.getByRole('group', { name: /^3\./ }).getByLabel('Reject this package').check();
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

      await Promise.all([page.waitForURL(url), page.getByRole('button', { name: 'Submit receipt' }).click()]);
      const refusal = page.locator('#form-errors');
      if ((await refusal.count()) > 0) throw new Error(`The form was refused: ${await refusal.innerHTML()}`);
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
      expect(history.map((e) => e.action)).toEqual(['create', 'manifest', 'depart', 'arrive', 'receive']);

      const pdf = await call('retail dispensary', 'GET', `/v1/transfers/${id}/receipt.pdf`);
      expect(pdf.status).toBe(200);
      const file = Buffer.from(await (await fetch(pdf.body['url'] as string)).arrayBuffer());
      expect(file.subarray(0, 5).toString()).toBe('%PDF-');
      // The drawn signature is in it: a PDF with an embedded image is larger than the text alone.
      expect(file.toString('latin1')).toContain('/Subtype /Image');

      // Reopening, even submitting again from the back button, changes nothing.
      await page.goBack();
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
