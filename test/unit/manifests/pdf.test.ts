/**
 * The manifest PDF read back as its users' tools read it: pdf.js for the text of each page, a
 * rasterised page scanned with ZXing for the QR code and the barcode, qpdf for the structure.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatNewYorkTime } from '#shared/manifests/new-york-time.ts';
import { renderManifestPdf } from '#shared/manifests/pdf/manifest-pdf.ts';
import type { ManifestDocument } from '#shared/manifests/document.ts';
import { pageTextItems, pageTexts, qpdfCheck, qrCodesOnPage, scanPage } from '../../support/pdf-inspect.ts';
import { sampleLine, sampleManifestDocument } from '../../support/manifest-samples.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The SHA-256 of the 40-line sample. Rendering is deterministic, so this only changes when the
 * layout does: an intended layout change updates it (and says so in its commit).
 */
const GOLDEN_40_LINES = 'cef1d4603659b335deabc8c056de07321b69fed05781d37f26a988f8c64b303c';

/** What page 1 must show of a document: every field of the identity, party, crew, vehicle and timing blocks. */
function firstPageValues(d: ManifestDocument): string[] {
  const address = (a: ManifestDocument['shipper']['premisesAddress']) => [a.street, ...(a.unit ? [a.unit] : []), `${a.city}, ${a.state} ${a.zip}`];
  return [
    d.manifestNumber,
    d.transferType,
    d.invoiceNumbers.join(', '),
    d.transferId,
    ...[d.shipper, d.receiver].flatMap((p) => [p.legalName, ...(p.dba ? [p.dba] : []), p.licenseNumber, ...address(p.premisesAddress), p.phone]),
    `Integrated ${d.receiver.integrated ? 'Yes' : 'No'}`,
    ...(d.transporter ? [d.transporter.legalName, d.transporter.licenseNumber] : ['Shipper carries the goods itself']),
    ...(d.taxPayer.taxPaid ? ['Tax paid'] : [d.taxPayer.name, ...address(d.taxPayer.address)]),
    ...d.drivers.flatMap((driver) => [driver.name, driver.employeeId, `${driver.driversLicenseNumber} (${driver.driversLicenseState})`, driver.phone]),
    d.vehicle.conveyance,
    `${d.vehicle.make} ${d.vehicle.model}, ${d.vehicle.year}`,
    d.vehicle.color,
    d.vehicle.plate ? `${d.vehicle.plate} (${d.vehicle.plateState ?? ''})` : 'None (bicycle)',
    d.vehicle.vin ?? 'None',
    `GPS fitted ${d.vehicle.attestations.gpsFitted ? 'Yes' : 'No'}`,
    `Locked box / cage ${d.vehicle.attestations.lockedBox ? 'Yes' : 'No'}`,
    `Temperature control ${d.vehicle.attestations.temperatureControl ? 'Yes' : 'No'}`,
    formatNewYorkTime(d.timing.estimatedDeparture),
    formatNewYorkTime(d.timing.estimatedArrival),
    ...(d.timing.layover ? [d.timing.layover.location, formatNewYorkTime(d.timing.layover.at)] : ['Layover None']),
    'Actual departure',
    'Actual arrival',
  ];
}

const quantityText = (line: ManifestDocument['lines'][number]) => `${line.quantity} ${line.unit}`;

describe.each([1, 40, 1000])('a %i-package manifest', (count) => {
  const document = sampleManifestDocument({ lines: count });
  let bytes: Uint8Array;
  let pages: string[];

  beforeAll(async () => {
    bytes = await renderManifestPdf(document);
    pages = await pageTexts(bytes);
  }, 60_000);

  it('carries the manifest number, version, page x of y, generated-at in New York time and the short hash on every page', () => {
    expect(pages.length).toBeGreaterThan(count === 1 ? 0 : 1);
    pages.forEach((text, i) => {
      expect(text).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(text).toContain(`Manifest ${document.manifestNumber} · Version 1`);
      expect(text).toContain('Generated 2026-03-02 09:30:00 EST (UTC-05:00)');
      expect(text).toContain(`Content hash ${document.shortHash}`);
      expect(text).toContain('Verify: https://hub.example.org/verify/');
    });
  });

  it('shows every identity, party, crew, vehicle and timing field on page 1', () => {
    for (const value of firstPageValues(document)) expect(pages[0], value).toContain(value);
    expect(pages[0]).toContain('Planned route I-87 S from Kingston');
  });

  it('lists every package once, in order, on the page it falls on, under a repeated header row', () => {
    let previousPage = 0;
    for (const line of document.lines) {
      const rowStart = ` ${line.lineNumber} ${line.tag} `;
      const found = pages.flatMap((text, i) => (text.includes(rowStart) ? [i] : []));
      expect(found, `package ${line.lineNumber}`).toHaveLength(1);
      const page = found[0] ?? -1;
      expect(page).toBeGreaterThanOrEqual(previousPage);
      previousPage = page;
      const text = pages[page] ?? '';
      const row = text.slice(text.indexOf(rowStart), text.indexOf(rowStart) + 600);
      for (const value of [line.productName, `Category: ${line.category}`, quantityText(line), `$${(line.unitPrice ?? 0).toFixed(2)}`, `Batch: ${line.productionBatch}`, `COA: ${line.coaReference ?? ''}`]) {
        expect(row, `package ${line.lineNumber}: ${value}`).toContain(value);
      }
      if (line.notes) expect(row).toContain(`Notes: ${line.notes}`);
    }
    const tablePages = pages.filter((text) => document.lines.some((line) => text.includes(` ${line.lineNumber} ${line.tag} `)));
    for (const text of tablePages) expect(text).toContain('# Package tag Product Quantity Unit price Received quantity Accept / Reject');
    if (count > 40) expect(pages.filter((text) => text.includes(`PACKAGES (${count}), CONTINUED`)).length).toBe(tablePages.length - 1);
  });

  it('ends with the signature blocks and the discrepancy area', () => {
    const last = pages.at(-1) ?? '';
    for (const value of ['SIGNATURES', 'Shipper release', 'Driver', 'Receiver', 'Name Title Signature Date / time', 'DISCREPANCIES']) expect(last).toContain(value);
  });

  it('passes qpdf --check', async () => {
    const { code, output } = await qpdfCheck(bytes);
    expect(code).toBe(0);
    expect(output).toContain('No syntax or stream encoding errors found');
    expect(output).not.toMatch(/WARNING|error:/i);
  });
});

describe('the manifest PDF', () => {
  it('prints one QR code, the verification URL: no bearer receipt link travels with the driver', async () => {
    const document = sampleManifestDocument({ lines: 3 });
    // Every code a scanner finds across the top of the page (the renderer once printed the receipt link beside it).
    expect(await qrCodesOnPage(await renderManifestPdf(document))).toEqual([document.verificationUrl]);
  });

  it('has a QR code of the verification URL and the manifest number as Code 128 on page 1', async () => {
    const document = sampleManifestDocument({ lines: 3 });
    expect(await scanPage(await renderManifestPdf(document), 1)).toEqual({ qr: document.verificationUrl, code128: document.manifestNumber });
  });

  it('prints Latin-extended names exactly as written', async () => {
    const [first] = await pageTexts(await renderManifestPdf(sampleManifestDocument()));
    for (const name of ['Peña & Zoë Cannabis Co.', '200 Łódź Street', 'Ærøskøbing Logistics Inc.', 'Bartłomiej Šibenik']) expect(first).toContain(name);
  });

  it('renders what the font cannot draw as ? instead of failing', async () => {
    const bytes = await renderManifestPdf(
      sampleManifestDocument({ lines: 1, receiver: { ...sampleManifestDocument().receiver, legalName: 'Leaf 🌿 大麻 shop\u0007\uD800 Łódź' } }),
    );
    const [first] = await pageTexts(bytes);
    expect(first).toContain('Leaf ? ?? shop?? Łódź');
    expect((await qpdfCheck(bytes)).code).toBe(0);
  });

  it('cuts a detail row too long for the page with an ellipsis, but never a package tag', async () => {
    const metrc = '1A4060300003B01000012345';
    const brand = `Brand ${'very '.repeat(36)}END`;
    const [first] = await pageTexts(await renderManifestPdf(sampleManifestDocument({ lines: [{ ...sampleLine(1), brand, tag: metrc }] })));
    expect(first).toContain('Brand: Brand very very');
    expect(first).toContain('…');
    expect(first).not.toContain('END');
    expect(first).toContain(` 1 ${metrc} `);
  });

  it('prints an amendment as its version, with the version it replaces', async () => {
    const [first] = await pageTexts(await renderManifestPdf(sampleManifestDocument({ version: 2, supersedes: { version: 1, contentHash: 'ab'.repeat(32) } })));
    expect(first).toContain('Manifest OCM-DIST-24-000114-DX1-M000042 · Version 2');
    expect(first).toContain('Version 2 (replaces version 1)');
  });

  it('says so when the shipper carries the goods, the tax is paid, the vehicle is a bicycle and there is no layover', async () => {
    const base = sampleManifestDocument();
    const { layover: _layover, ...timing } = base.timing;
    const { plate: _plate, plateState: _state, vin: _vin, ...bicycle } = base.vehicle;
    const document = sampleManifestDocument({ transporter: null, taxPayer: { taxPaid: true }, vehicle: { ...bicycle, conveyance: 'bicycle' }, timing });
    const [first] = await pageTexts(await renderManifestPdf(document));
    for (const value of firstPageValues(document)) expect(first, value).toContain(value);
  });

  it('is byte-identical for identical input, and matches the golden file hash', async () => {
    const document = sampleManifestDocument({ lines: 40 });
    const [a, b] = [await renderManifestPdf(document), await renderManifestPdf(document)];
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(sha256(a)).toBe(GOLDEN_40_LINES);
  });

  it('keeps a 1000-package manifest under 400 KB', async () => {
    expect((await renderManifestPdf(sampleManifestDocument({ lines: 1000 }))).byteLength).toBeLessThan(400 * 1024);
  });
});

describe('free text at the lengths the schemas allow', () => {
  it('prints all of it, wrapped, instead of cutting it', async () => {
    const route = Array.from({ length: 180 }, (_, i) => `leg${i}`).join(' then ');
    const invoices = Array.from({ length: 20 }, (_, i) => `INV-${String(i).padStart(3, '0')}-${'X'.repeat(52)}`);
    const notes = Array.from({ length: 120 }, (_, i) => `n${i}`).join(' ');
    const product = Array.from({ length: 28 }, (_, i) => `word${i}`).join(' ');
    const base = sampleManifestDocument();
    const document = sampleManifestDocument({
      invoiceNumbers: invoices,
      timing: { ...base.timing, plannedRoute: route, layover: { location: `Depot ${'near the river '.repeat(19)}`.trim(), at: base.timing.estimatedDeparture } },
      lines: [{ ...sampleLine(1), productName: product, notes }],
    });
    const bytes = await renderManifestPdf(document);
    const text = (await pageTexts(bytes)).join(' ');
    for (const invoice of invoices) expect(text).toContain(invoice);
    expect(text).toContain('leg0 then');
    expect(text).toContain('then leg179');
    expect(text).toContain('n0 n1');
    expect(text).toContain('n118 n119');
    expect(text).toContain('word27');
    expect(text).toContain('near the river near the river');
    expect(text).not.toContain('…');
    expect((await qpdfCheck(bytes)).code).toBe(0);
  });
});

describe('what a user reads off the manifest', () => {
  const document = sampleManifestDocument({ lines: 40 });
  let pages: string[];
  beforeAll(async () => {
    pages = await pageTexts(await renderManifestPdf(document));
  });

  it('says who the tax is payable by while it is not paid yet', () => {
    expect(pages[0]).toContain('Payable by Hudson Distribution LLC');
    expect(pages[0]).not.toContain('Paid by');
  });

  it('sets every detail row of a package in 7.5 pt or more', async () => {
    const items = (await pageTextItems(await renderManifestPdf(document))).flat();
    const detailRows = items.filter((item) => /^(Category|Net weight|Notes): /.test(item.text));
    expect(detailRows.length).toBeGreaterThanOrEqual(80);
    for (const row of detailRows) expect(row.size, row.text).toBeGreaterThanOrEqual(7.5);
  });

  it('adds up packages, quantity per unit and value under the table', () => {
    const sum = (unit: string) => document.lines.filter((l) => l.unit === unit).reduce((total, l) => total + l.quantity, 0);
    const cents = document.lines.reduce((total, l) => total + Math.round(l.quantity * (l.unitPrice ?? 0) * 100), 0);
    const value = `$${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
    const expected = `TOTALS Packages 40 Quantity ${sum('each')} each · ${Number(sum('kg').toFixed(3))} kg Value ${value}`;
    expect(pages.filter((text) => text.includes(expected)), expected).toHaveLength(1);
  });

  it('prints the short hash under the verification QR code, and the date the manifest was created', () => {
    expect(pages[0]).toContain(`Scan to verify this manifest ${document.shortHash}`);
    expect(pages[0]).toContain('Date created 2026-03-02 09:30:00 EST (UTC-05:00)');
  });

  it("prints the state system's manifest id only once the document has it", async () => {
    expect(pages[0]).not.toContain('State manifest ID');
    const [first] = await pageTexts(await renderManifestPdf(sampleManifestDocument({ stateManifestId: '4409871236540021' })));
    expect(first).toContain('State manifest ID 4409871236540021');
  });

  it('says whether a THC figure is per unit or per package', async () => {
    expect(pages[0]).toContain('Total THC: 22.4% of weight, per unit and per package alike');
    const lines = [
      { ...sampleLine(1), totalThc: { value: 100, unit: 'mg', per: 'unit' } },
      { ...sampleLine(2), totalThc: { value: 1000, unit: 'mg', per: 'package' } },
    ] as const;
    const [first] = await pageTexts(await renderManifestPdf(sampleManifestDocument({ lines })));
    expect(first).toContain('Total THC: 100 mg per unit');
    expect(first).toContain('Total THC: 1000 mg per package');
  });
});
