/**
 * The receipt PDF read back with pdf.js (and checked by qpdf): long product names wrap instead of
 * being cut, rejected and adjusted packages stand out, and every page says when it was generated
 * and where the shipment can be verified.
 */
import { describe, expect, it } from 'vitest';
import { receive } from '#shared/domain/transfer/index.ts';
import { verificationUrl } from '#shared/manifests/document.ts';
import { renderReceiptPdf } from '#shared/receipts/receipt-pdf.ts';
import { arrived, biotrackTag, draftBody, expectOk, line, receiptFor, RECEIVED_AT, receiveContext } from '../domain/fixtures.ts';
import { pageTextItems, pageTexts, qpdfCheck } from '../../support/pdf-inspect.ts';

const longName = `Hudson Valley Farms small-batch ${Array.from({ length: 14 }, (_, i) => `word${i}`).join(' ')} END-OF-NAME`;
const [first, second, third] = [biotrackTag(1), biotrackTag(2), biotrackTag(3)];
const shipped = arrived(
  draftBody({
    lines: [
      line({ tag: first, productName: longName }),
      line({ tag: second, productName: 'Sour Diesel 3.5 g jar', quantity: 20 }),
      line({ tag: third, productName: 'Gelato pre-roll', quantity: 10 }),
    ],
  }),
);
const { transfer } = expectOk(
  receive(
    shipped,
    receiptFor(shipped, {
      [second]: { tag: second, outcome: 'accepted', acceptedQuantity: 19, confirmVariance: true },
      [third]: { tag: third, outcome: 'rejected', reason: 'damaged', note: 'Crushed box' },
    }),
    receiveContext(RECEIVED_AT),
  ),
);
const base = 'https://hub.example.org';

describe('the receipt PDF', () => {
  it('wraps a long product name instead of cutting it', async () => {
    const bytes = await renderReceiptPdf(transfer, undefined, base);
    const [text] = await pageTexts(bytes);
    for (const word of longName.split(' ')) expect(text, word).toContain(word);
    expect((await qpdfCheck(bytes)).code).toBe(0);
  });

  it('marks rejected and adjusted packages in bold words, and leaves packages accepted as shipped plain', async () => {
    const [items = []] = await pageTextItems(await renderReceiptPdf(transfer, undefined, base));
    const [text] = await pageTexts(await renderReceiptPdf(transfer, undefined, base));
    expect(text).toContain(`3 ${third} Gelato pre-roll 10 each REJECTED Damaged`);
    expect(text).toContain(`2 ${second} Sour Diesel 3.5 g jar 20 each ADJUSTED 19 each (variance confirmed)`);
    expect(text).toMatch(new RegExp(`1 ${first} Hudson Valley Farms .* 24 each Accepted 24 each`));
    expect(items.filter((item) => item.text === 'REJECTED' || item.text === 'ADJUSTED')).toHaveLength(2);
  });

  it('says when it was generated and where the shipment is verified, on every page', async () => {
    const pages = await pageTexts(await renderReceiptPdf(transfer, undefined, base));
    const manifest = transfer.manifest;
    if (!manifest) throw new Error('not manifested');
    for (const text of pages) {
      expect(text).toContain('Generated 2026-03-02 13:00:00 EST (UTC-05:00)');
      expect(text).toContain(`Verify: ${verificationUrl(base, manifest.number, manifest.contentHash)}`);
    }
  });
});
