/**
 * The receipt link against the local hub over HTTP, as a phone without JavaScript uses it: the
 * shipper manifests to the non-integrated dispensary, the link arrives with the manifest and on
 * it, the receiver posts the form, and both parties see the same receipt.
 */
import { inject, describe, expect, it } from 'vitest';
import { call, draftTo, step, submissions } from '../../support/lifecycle.ts';
import { eventually, freshInventory } from '../../support/nyapi.ts';
import { pageTexts, qpdfCheck, qrCodesOnPage } from '../../support/pdf-inspect.ts';

const api = inject('hub').urls.api;

/** A phone's browser without JavaScript, as it names itself. */
const userAgent = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) ReceiptLinkTest/1.0';

/** What a browser without JavaScript sends and gets back: no redirects followed. */
async function browse(url: string, form?: Record<string, string>) {
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { 'user-agent': userAgent, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function manifestedToDispensary(quantity = 20) {
  const tags = await freshInventory('distributor', 3);
  const id = await draftTo('retail dispensary', tags, 'distributor', quantity);
  const manifested = await step('distributor', id, 'manifest');
  const link = manifested['issuedReceiptLink'] as { url: string; validUntil: string };
  return { id, tags, link, manifested };
}

const events = async (id: string) => ((await call('distributor', 'GET', `/v1/transfers/${id}/events`)).body['items'] as Record<string, unknown>[]);

describe('a receipt link', { timeout: 120_000 }, () => {
  it('comes with the manifest for the shipper to send, is not printed on it, and records the receipt through the same rules', async () => {
    const { id, tags, link, manifested } = await manifestedToDispensary();
    expect(link.url).toMatch(new RegExp(`^${api}/r/[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(link.validUntil) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    const transfer = manifested as { receiptLink: { linkId: string }; manifest: { receiptLinkId: string } };
    expect(transfer.manifest.receiptLinkId).toBe(transfer.receiptLink.linkId);
    // The state's manifest id comes back with the manifest report: version 2 prints it, and keeps the link of record.
    const numbered = await eventually(async () => {
      const seen = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body as { manifest: { version: number; receiptLinkId: string } };
      return seen.manifest.version === 2 ? seen : undefined;
    }, 30_000, 'version 2 of the manifest');
    expect(numbered.manifest.receiptLinkId).toBe(transfer.receiptLink.linkId);
    // The paper travels with the driver: neither it nor its JSON twin (which the carrier may read) carries the link.
    const document = await call('distributor', 'GET', `/v1/transfers/${id}/manifest.json`);
    expect(document.body['receiptLinkUrl']).toBeUndefined();
    expect(JSON.stringify(document.body)).not.toContain('/r/');
    const download = await call('distributor', 'GET', `/v1/transfers/${id}/manifest`);
    const pdf = new Uint8Array(await (await fetch(download.body['url'] as string)).arrayBuffer());
    expect(await qrCodesOnPage(pdf)).toEqual([document.body['verificationUrl']]);
    expect((await pageTexts(pdf)).join(' ')).not.toContain('confirm receipt');

    // Before departure the link says so and takes nothing.
    const early = await browse(link.url);
    expect(early.status).toBe(409);
    expect(early.text).toContain('The shipment has not left yet');
    await step('distributor', id, 'depart');

    const form = await browse(link.url);
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toBe('no-store');
    expect(form.headers.get('referrer-policy')).toBe('no-referrer');
    expect(form.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    for (const tag of tags) expect(form.text).toContain(tag);

    const answers = {
      'line-0-outcome': 'accept',
      'line-1-outcome': 'adjust',
      'line-1-quantity': '18',
      'line-1-confirm': 'yes',
      'line-2-outcome': 'reject',
      'line-2-reason': 'damaged',
      'line-2-note': 'Crushed box',
      name: 'Dana Reyes',
      title: 'Inventory manager',
    };
    // 18 of 20 is 10% off: refused, with the rule's own words, and nothing recorded.
    const refused = await browse(link.url, answers);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Nothing was recorded yet');
    expect(refused.text).toContain('more than 5% off cannot be accepted');
    expect(refused.text).toContain(`Package 2 (tag ${tags[1] ?? ''})`);
    expect(refused.text).toContain('value="Dana Reyes"');
    expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('IN_TRANSIT');
    // A different quantity without its confirmation is refused as well.
    const unconfirmed = await browse(link.url, { ...answers, 'line-1-quantity': '19', 'line-1-confirm': '' });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain('tick &quot;I confirm I received a different quantity&quot;');
    expect(unconfirmed.text).not.toContain('confirmVariance');

    // Without JavaScript: nothing starts decided, "accept all not yet decided" is a post, and a review comes before the record.
    const blank = await browse(link.url);
    expect(blank.text).not.toMatch(/<input type="radio"[^>]* checked/);
    expect(blank.text).toContain('0 accepted · 0 other quantity · 0 rejected · 3 not yet decided');
    const rest = await browse(link.url, { intent: 'accept-rest', 'line-2-outcome': 'reject' });
    expect(rest.status).toBe(200);
    expect(rest.text).toContain('2 accepted · 0 other quantity · 1 rejected · 0 not yet decided');
    const review = await browse(link.url, { ...answers, 'line-1-quantity': '19', intent: 'review' });
    expect(review.status).toBe(200);
    expect(review.text).toContain('Check before you submit');
    expect(review.text).toContain('Nothing is recorded yet.');
    expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('IN_TRANSIT');

    const recorded = await browse(link.url, { ...answers, 'line-1-quantity': '19', intent: 'submit' });
    expect(recorded.status).toBe(303);
    expect(recorded.headers.get('location')).toBe(new URL(link.url).pathname);

    const shipperView = await call('distributor', 'GET', `/v1/transfers/${id}`);
    expect(shipperView.body['status']).toBe('PARTIALLY_ACCEPTED');
    const receipt = shipperView.body['receipt'] as Record<string, unknown>;
    expect(receipt['receivedBy']).toEqual({ name: 'Dana Reyes', title: 'Inventory manager' });
    expect(receipt['lines']).toEqual([
      { tag: tags[0], outcome: 'accepted', unit: 'each', shippedQuantity: 20, acceptedQuantity: 20, varianceConfirmed: false },
      { tag: tags[1], outcome: 'accepted', unit: 'each', shippedQuantity: 20, acceptedQuantity: 19, varianceConfirmed: true },
      { tag: tags[2], outcome: 'rejected', unit: 'each', shippedQuantity: 20, reason: 'damaged', note: 'Crushed box' },
    ]);
    expect(receipt['confirmation']).toMatchObject({ method: 'receipt-link', linkId: transfer.receiptLink.linkId, photos: [], reportedToStateSystemByReceiver: false });
    // The device and address the receipt was submitted from are on it.
    expect((receipt['confirmation'] as Record<string, unknown>)['submittedFrom']).toEqual({ userAgent, address: '127.0.0.1' });
    // The arrival was the receiver's word through the link, not the driver's, and the transfer says so.
    const arrivalReport = shipperView.body['arrivalReport'] as Record<string, string>;
    expect(arrivalReport).toMatchObject({ by: 'receiver-through-receipt-link', linkId: transfer.receiptLink.linkId, at: shipperView.body['arrivedAt'], stateSystemReportedBy: 'shipper' });
    expect(arrivalReport['note']).toMatch(/^Reported by the receiver through the receipt link, at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T \(UTC-0[45]:00\)\. No driver or carrier recorded this arrival\. /);
    expect(arrivalReport['note']).toContain("reported it to the state system as the shipper's arrival");
    // The receiver sees the same.
    expect((await call('retail dispensary', 'GET', `/v1/transfers/${id}`)).body['receipt']).toEqual(receipt);

    const history = await events(id);
    // Version 2, which prints the state's manifest id, came before the departure.
    expect(history.map((e) => e['action'])).toEqual(['create', 'manifest', 'record-state-manifest-number', 'depart', 'arrive', 'receive']);
    const byLink = history.slice(4);
    for (const event of byLink) expect((event['actor'] as { apiKeyId: string }).apiKeyId).toBe(`receipt-link:${transfer.receiptLink.linkId}`);
    expect(byLink[0]?.['summary']).toBe(`Arrival reported by the receiver through the receipt link, at ${String(shipperView.body['arrivedAt'])}; no driver or carrier recorded it`);
    expect(byLink[1]?.['summary']).toBe('Received through the receipt link by Dana Reyes (Inventory manager): 2 accepted, 1 rejected');

    // The integrated shipper reports the stop arrival; the receiver, not integrated, reports nothing.
    const reported = await eventually(async () => {
      const all = await submissions('distributor', id);
      return all.every((s) => s.status === 'succeeded') && all.some((s) => s.step === 'arrive') ? all : undefined;
    }, 60_000, 'the arrival reported');
    expect(reported.map((s) => s.step)).toEqual(['manifest', 'ship', 'arrive']);

    // A second submit changes nothing and shows the receipt.
    const again = await browse(link.url, answers);
    expect(again.status).toBe(303);
    expect((await events(id)).length).toBe(history.length);
    const shown = await browse(link.url);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('Receipt recorded');
    expect(shown.text).toContain('Dana Reyes');

    // The signed receipt, from the link and from the API, is one PDF.
    const fromLink = await browse(`${link.url}/receipt.pdf`);
    expect(fromLink.status).toBe(302);
    const receiptPdf = new Uint8Array(await (await fetch(fromLink.headers.get('location') ?? '')).arrayBuffer());
    expect((await qpdfCheck(receiptPdf)).code).toBe(0);
    const text = (await pageTexts(receiptPdf)).join('\n');
    for (const expected of ['RECEIPT OF TRANSFER', 'Dana Reyes, Inventory manager', 'Through the receipt link', tags[2] ?? '', 'Damaged', '19 each (variance confirmed)', 'Note: Crushed box', 'No signature drawn']) {
      expect(text).toContain(expected);
    }
    // Rendered when the receiver submitted, it prints the manifest's verification URL too.
    expect(text).toContain('/verify/');
    const fromApi = await call('distributor', 'GET', `/v1/transfers/${id}/receipt.pdf`);
    expect(fromApi.status).toBe(200);
    const sameFile = new Uint8Array(await (await fetch(fromApi.body['url'] as string)).arrayBuffer());
    expect(Buffer.from(sameFile).equals(Buffer.from(receiptPdf))).toBe(true);
  });

  it('stops working when the shipper issues a new one or revokes it', async () => {
    const { id, link } = await manifestedToDispensary();
    const reissued = await call('distributor', 'POST', `/v1/transfers/${id}/receipt-link`);
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(200);
    const fresh = reissued.body['issuedReceiptLink'] as { url: string };
    expect(fresh.url).not.toBe(link.url);
    const old = await browse(link.url);
    expect(old.status).toBe(410);
    expect(old.text).toContain('This link no longer works');
    expect((await browse(fresh.url)).status).toBe(409);

    // Only the shipper may, and a receiver with its own system gets no link.
    expect((await call('retail dispensary', 'POST', `/v1/transfers/${id}/receipt-link`)).status).toBe(403);
    const revoked = await call('distributor', 'DELETE', `/v1/transfers/${id}/receipt-link`);
    expect(revoked.status).toBe(200);
    expect((revoked.body['receiptLink'] as { revokedAt?: string }).revokedAt).toBeDefined();
    expect((await browse(fresh.url)).status).toBe(410);
    const again = await call('distributor', 'DELETE', `/v1/transfers/${id}/receipt-link`);
    expect(again.status).toBe(422);
    expect(again.contentType).toBe('application/problem+json');

    const tags = await freshInventory('distributor', 1);
    const toProcessor = await draftTo('processor', tags);
    const manifested = await step('distributor', toProcessor, 'manifest');
    expect(manifested['issuedReceiptLink']).toBeUndefined();
    expect(manifested['receiptLink']).toBeUndefined();
    const refused = await call('distributor', 'POST', `/v1/transfers/${toProcessor}/receipt-link`);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('receiver-integrated');
  });

  it('answers a malformed post with a problem and no receipt', async () => {
    const { id, link } = await manifestedToDispensary();
    await step('distributor', id, 'depart');
    const json = await fetch(link.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toBe('application/problem+json');
    const empty = await browse(link.url, {});
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Type your name');
    expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('IN_TRANSIT');
    const photo = await fetch(`${link.url}/photos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contentType: 'application/pdf', bytes: 10, sha256: '0'.repeat(64) }) });
    expect(photo.status).toBe(422);
    expect(photo.headers.get('content-type')).toBe('application/problem+json');
  });
});
