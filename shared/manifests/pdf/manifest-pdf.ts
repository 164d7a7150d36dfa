/**
 * The OCM transportation manifest as a PDF: every field of the domain doc §2 in labelled blocks,
 * the package table across as many pages as it takes (header row repeated), signature blocks and a
 * discrepancy area for the paper fallback. Letter size, black on white. Data in, bytes out: the
 * same document always gives the same bytes (its own issue time is the only date in the file).
 */
import { PDFDocument } from 'pdf-lib';
import type { PDFFont } from 'pdf-lib';
import { manifestTotals } from '../document.ts';
import type { ManifestDocument, ManifestLine, ManifestParty } from '../document.ts';
import { formatNewYorkTime } from '../new-york-time.ts';
import { GlyphCodes, PageCanvas } from './canvas.ts';
import type { TextRun, TextStyle } from './canvas.ts';
import { withNativeDeflate } from './compression.ts';
import { code128, qrCode } from './symbols.ts';
import { drawable, fitted, fontBytes, sharedFontkit, widthOf, wrapped } from './typeface.ts';
import type { Weight } from './typeface.ts';

const PAGE = { width: 612, height: 792 } as const;
const MARGIN = 36;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const BODY_TOP = 728;
const BODY_BOTTOM = 60;
const LABEL = { weight: 'bold', size: 7 } as const satisfies TextStyle;
const VALUE_SIZE = 8;
const ROW = 10.5;

export const PRODUCER = 'NY transfer hub (pdf-lib)';

/** The verification QR code's side, quiet zone included, in points. */
export const VERIFICATION_QR_SIZE = 96;

/** The package table: x offset from the margin and width of each column of a package's first row. */
interface Column {
  readonly x: number;
  readonly width: number;
  /** One or two header lines. */
  readonly title: readonly [string, string?];
  readonly align?: 'left' | 'right';
}
type ColumnName = 'line' | 'tag' | 'product' | 'quantity' | 'price' | 'received' | 'decision';

const columns: Readonly<Record<ColumnName, Column>> = {
  line: { x: 0, width: 18, title: ['#'], align: 'right' },
  tag: { x: 24, width: 106, title: ['Package tag'] },
  product: { x: 134, width: 204, title: ['Product'] },
  quantity: { x: 340, width: 58, title: ['Quantity'], align: 'right' },
  price: { x: 402, width: 46, title: ['Unit price'], align: 'right' },
  received: { x: 456, width: 40, title: ['Received', 'quantity'] },
  decision: { x: 500, width: 40, title: ['Accept /', 'Reject'] },
};
/** A package's detail rows: no smaller than 7.5 pt, so they stay legible on a copy of a copy. */
const DETAIL_SIZE = 7.5;
const DETAIL_ROW = 9;
const DETAIL_WIDTH = CONTENT_WIDTH - 24;
const PACKAGE_GAP = 3.5;

interface Cursor {
  canvas: PageCanvas;
  y: number;
}

class ManifestLayout {
  readonly #doc: PDFDocument;
  readonly #glyphs: GlyphCodes;
  readonly #onText: RenderOptions['onText'];
  readonly pages: PageCanvas[] = [];

  constructor(doc: PDFDocument, fonts: Record<Weight, PDFFont>, onText: RenderOptions['onText']) {
    this.#doc = doc;
    this.#glyphs = new GlyphCodes(fonts);
    this.#onText = onText;
  }

  newPage(): Cursor {
    const page = this.pages.length;
    const onText = this.#onText;
    const canvas = new PageCanvas(this.#doc.addPage([PAGE.width, PAGE.height]), this.#glyphs, onText && ((run) => onText(page, run)));
    this.pages.push(canvas);
    return { canvas, y: BODY_TOP };
  }

  /** The cursor itself when `height` still fits above the footer, else the top of a new page. */
  ensure(cursor: Cursor, height: number): Cursor {
    return cursor.y - height >= BODY_BOTTOM ? cursor : this.newPage();
  }
}

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');
const amount = (value: number) => String(Number(value.toFixed(3)));
const money = (value: number) => `$${value.toFixed(2)}`;
const addressLines = (a: ManifestParty['premisesAddress']) => [a.street, ...(a.unit ? [a.unit] : []), `${a.city}, ${a.state} ${a.zip}`];

function sectionTitle(cursor: Cursor, title: string, x = MARGIN, width = CONTENT_WIDTH): void {
  cursor.canvas.line(x, cursor.y + 2, x + width, cursor.y + 2, 0.8);
  cursor.canvas.text(title.toUpperCase(), x, cursor.y - 7, { weight: 'bold', size: 8, width });
  cursor.y -= 18;
}

/** A label and its value; free text (`wrap`) runs onto as many lines as it needs, nothing is cut. */
type Field = readonly [label: string, value: string, wrap?: 'wrap'];
const LABEL_WIDTH = 82;

const valueLines = ([, value, wrap]: Field, width: number) =>
  wrap ? wrapped(value, 'regular', VALUE_SIZE, width - LABEL_WIDTH) : [value];

const fieldsHeight = (rows: readonly Field[], width: number) =>
  rows.reduce((height, row) => height + Math.max(1, valueLines(row, width).length) * ROW, 0);

/** Label/value rows in a column. Returns the height used. */
function fields(canvas: PageCanvas, rows: readonly Field[], x: number, top: number, width: number): number {
  let y = top;
  for (const row of rows) {
    canvas.text(row[0], x, y, { ...LABEL, width: LABEL_WIDTH - 4 });
    const lines = valueLines(row, width);
    for (const line of lines) {
      canvas.text(line, x + LABEL_WIDTH, y, { size: VALUE_SIZE, width: width - LABEL_WIDTH });
      y -= ROW;
    }
    if (lines.length === 0) y -= ROW;
  }
  return top - y;
}

const HALF = (CONTENT_WIDTH - 14) / 2;

/** Two blocks side by side, each with its own title, on a new page if they no longer fit; the cursor moves below the taller. */
function twoBlocks(layout: ManifestLayout, start: Cursor, left: Block, right: Block): Cursor {
  const cursor = layout.ensure(start, 24 + Math.max(fieldsHeight(left.rows, HALF), fieldsHeight(right.rows, HALF)));
  const top = cursor.y;
  const heights = [left, right].map((block, i) => {
    const x = MARGIN + i * (HALF + 14);
    const at: Cursor = { canvas: cursor.canvas, y: top };
    sectionTitle(at, block.title, x, HALF);
    return top - at.y + fields(cursor.canvas, block.rows, x, at.y, HALF);
  });
  cursor.y = top - Math.max(...heights) - 6;
  return cursor;
}

interface Block {
  readonly title: string;
  readonly rows: readonly Field[];
}

function partyRows(party: ManifestParty, extra: readonly Field[] = []): Field[] {
  const [street, ...rest] = addressLines(party.premisesAddress);
  return [
    ['Legal name', party.legalName, 'wrap'],
    ...(party.dba ? [['DBA', party.dba, 'wrap'] as const] : []),
    ['License number', party.licenseNumber],
    ['Licensed premises', street ?? '', 'wrap'],
    ...rest.map((line): Field => ['', line, 'wrap']),
    ['Phone', party.phone],
    ...extra,
  ];
}

function firstPage(layout: ManifestLayout, document: ManifestDocument): Cursor {
  const { canvas } = layout.newPage();

  const qrSize = VERIFICATION_QR_SIZE;
  const qrX = PAGE.width - MARGIN - qrSize;
  canvas.fillRects(qrCode(document.verificationUrl, qrX, BODY_TOP - qrSize + 4, qrSize));
  canvas.text('Scan to verify this manifest', qrX, BODY_TOP - qrSize - 4, { size: 6.5, width: qrSize, align: 'center' });
  // The code the verification page asks for when the QR code cannot be scanned.
  canvas.text(document.shortHash, qrX, BODY_TOP - qrSize - 12, { weight: 'bold', size: 7, width: qrSize, align: 'center' });
  // No receipt link is printed: the paper rides with the driver, and a link records the receipt for whoever holds it.

  const barcode = code128(document.manifestNumber, MARGIN, BODY_TOP - 30, 0.8, 28);
  canvas.fillRects(barcode.bars);
  canvas.text(document.manifestNumber, MARGIN, BODY_TOP - 40, { size: 8, width: Math.max(barcode.width, 160), align: barcode.width > 160 ? 'center' : 'left' });

  const identity: Cursor = { canvas, y: BODY_TOP - 56 };
  sectionTitle(identity, 'Identity', MARGIN, CONTENT_WIDTH - qrSize - 14);
  const used = fields(
    canvas,
    [
      ['Manifest number', document.manifestNumber],
      ['Version', document.supersedes ? `${document.version} (replaces version ${document.supersedes.version})` : String(document.version)],
      ['Date created', formatNewYorkTime(document.createdAt)],
      ...(document.stateManifestId ? [['State manifest ID', document.stateManifestId] as const] : []),
      ['Transfer type', document.transferType],
      ['Invoice number(s)', document.invoiceNumbers.length > 0 ? document.invoiceNumbers.join(', ') : 'None', 'wrap'],
      ['Transfer ID', document.transferId],
      ...(document.returnOf ? [['Return of manifest', document.returnOf.manifestNumber] as const] : []),
    ],
    MARGIN,
    identity.y,
    CONTENT_WIDTH - qrSize - 14,
  );
  const identityEnd: Cursor = { canvas, y: Math.min(identity.y - used, BODY_TOP - qrSize - 20) - 4 };

  let cursor = twoBlocks(layout, identityEnd, { title: 'Shipper', rows: partyRows(document.shipper) }, {
    title: 'Receiver (deliver to licensed premises only)',
    rows: partyRows(document.receiver, [['Integrated', yesNo(document.receiver.integrated)]]),
  });
  const tax = document.taxPayer;
  cursor = twoBlocks(
    layout,
    cursor,
    {
      title: 'Transporter',
      rows: document.transporter
        ? [['Name', document.transporter.legalName, 'wrap'], ['License number', document.transporter.licenseNumber], ['Phone', document.transporter.phone]]
        : [['Carrier', 'Shipper carries the goods itself']],
    },
    {
      title: 'Cannabis tax',
      rows: tax.taxPaid ? [['Tax status', 'Tax paid']] : [['Payable by', tax.name, 'wrap'], ...addressLines(tax.address).map((line, i): Field => [i === 0 ? 'Address' : '', line, 'wrap'])],
    },
  );
  cursor = drivers(layout, cursor, document);
  const { vehicle, timing } = document;
  return twoBlocks(
    layout,
    cursor,
    {
      title: 'Vehicle',
      rows: [
        ['Conveyance', vehicle.conveyance],
        ['Make / model / year', `${vehicle.make} ${vehicle.model}, ${vehicle.year}`],
        ['Color', vehicle.color],
        ['Plate', vehicle.plate ? `${vehicle.plate}${vehicle.plateState ? ` (${vehicle.plateState})` : ''}` : 'None (bicycle)'],
        ['VIN', vehicle.vin ?? 'None'],
        ['GPS fitted', yesNo(vehicle.attestations.gpsFitted)],
        ['Locked box / cage', yesNo(vehicle.attestations.lockedBox)],
        ['Temperature control', yesNo(vehicle.attestations.temperatureControl)],
      ],
    },
    {
      title: 'Timing and route (New York time)',
      rows: [
        ['Estimated departure', formatNewYorkTime(timing.estimatedDeparture)],
        ['Estimated arrival', formatNewYorkTime(timing.estimatedArrival)],
        ['Planned route', timing.plannedRoute, 'wrap'],
        ...(timing.layover
          ? ([['Layover', timing.layover.location, 'wrap'], ['Layover time', formatNewYorkTime(timing.layover.at)]] as const)
          : ([['Layover', 'None']] as const)),
        ['Actual departure', '______________________'],
        ['Actual arrival', '______________________'],
      ],
    },
  );
}

function drivers(layout: ManifestLayout, start: Cursor, document: ManifestDocument): Cursor {
  const cursor = layout.ensure(start, 30 + document.drivers.length * ROW);
  sectionTitle(cursor, `Driver${document.drivers.length === 1 ? '' : 's'}`);
  const cols = [
    { title: 'Name', x: 0, width: 170 },
    { title: 'Employee ID', x: 174, width: 90 },
    { title: "Driver's license", x: 268, width: 150 },
    { title: 'Phone', x: 422, width: 118 },
  ];
  for (const col of cols) cursor.canvas.text(col.title, MARGIN + col.x, cursor.y, { ...LABEL, width: col.width });
  cursor.y -= ROW;
  for (const driver of document.drivers) {
    const values = [driver.name, driver.employeeId, `${driver.driversLicenseNumber} (${driver.driversLicenseState})`, driver.phone];
    cols.forEach((col, i) => cursor.canvas.text(values[i] ?? '', MARGIN + col.x, cursor.y, { size: VALUE_SIZE, width: col.width }));
    cursor.y -= ROW;
  }
  cursor.y -= 6;
  return cursor;
}

function tableHeader(cursor: Cursor, document: ManifestDocument, continued: boolean): void {
  sectionTitle(cursor, `Packages (${document.lines.length})${continued ? ', continued' : ''}`);
  for (const col of Object.values(columns)) {
    col.title.forEach((title, i) => {
      if (title) cursor.canvas.text(title, MARGIN + col.x, cursor.y - i * 7.5, { ...LABEL, size: 6.5, width: col.width, align: col.align ?? 'left' });
    });
  }
  cursor.canvas.line(MARGIN, cursor.y - 10, MARGIN + CONTENT_WIDTH, cursor.y - 10, 0.5);
  cursor.y -= ROW + 9;
}

/** The rest of a package, in two small rows under its main one (and its notes in a third). */
function details(line: ManifestLine): string[] {
  const origin = [
    `Category: ${line.category}`,
    ...(line.brand ? [`Brand: ${line.brand}`] : []),
    ...(line.strain ? [`Strain: ${line.strain}`] : []),
    `Batch: ${line.productionBatch}`,
    `Lab test: ${line.labTestStatus}`,
    ...(line.coaReference ? [`COA: ${line.coaReference}`] : []),
  ];
  const measures = [
    ...(line.netWeight ? [`Net weight: ${amount(line.netWeight.value)} ${line.netWeight.unit}`] : []),
    ...(line.grossWeight ? [`Gross weight: ${amount(line.grossWeight.value)} ${line.grossWeight.unit}`] : []),
    ...(line.totalThc ? [`Total THC: ${thc(line.totalThc)}`] : []),
    `Finished goods: ${yesNo(line.finishedGoods)}`,
    `Sample: ${yesNo(line.sample)}`,
  ];
  return [
    ...[origin.join(' · '), measures.join(' · ')].map((row) => fitted(drawable(row, 'regular'), 'regular', DETAIL_SIZE, DETAIL_WIDTH)),
    ...(line.notes ? wrapped(`Notes: ${drawable(line.notes, 'regular')}`, 'regular', DETAIL_SIZE, DETAIL_WIDTH) : []),
  ];
}

/** An amount in mg is for one unit or the whole package; a concentration is the same for both. */
function thc({ value, unit, per }: NonNullable<ManifestLine['totalThc']>): string {
  if (unit === 'mg') return `${amount(value)} mg ${per === 'unit' ? 'per unit' : per === 'package' ? 'per package' : '(per unit or package not given)'}`;
  return `${amount(value)}${unit === '%' ? '%' : ` ${unit}`} of weight, per unit and per package alike`;
}

const productLines = (line: ManifestLine) => wrapped(line.productName, 'regular', VALUE_SIZE, columns.product.width);

/** A package's wrapped product name and detail rows, laid out once for its height and its drawing. */
interface PackageText {
  readonly product: readonly string[];
  readonly details: readonly string[];
}

const packageText = (line: ManifestLine): PackageText => ({ product: productLines(line), details: details(line) });

const packageHeight = (text: PackageText) => ROW * text.product.length + DETAIL_ROW * text.details.length + PACKAGE_GAP;

function packageRow(cursor: Cursor, line: ManifestLine, text: PackageText): void {
  const { canvas } = cursor;
  const at = (col: ColumnName) => MARGIN + columns[col].x;
  const cell = (col: ColumnName, value: string, weight: Weight = 'regular') =>
    canvas.text(value, at(col), cursor.y, { size: VALUE_SIZE, weight, width: columns[col].width, align: columns[col].align ?? 'left' });
  canvas.text(String(line.lineNumber), at('line'), cursor.y, { size: 7, width: columns.line.width, align: 'right' });
  // A tag is never cut: a long (Metrc) one is set smaller instead.
  const tagSize = Math.min(VALUE_SIZE, (VALUE_SIZE * (columns.tag.width - 2)) / widthOf(line.tag, 'bold', VALUE_SIZE));
  canvas.text(line.tag, at('tag'), cursor.y, { size: tagSize, weight: 'bold' });
  cell('quantity', `${amount(line.quantity)} ${line.unit}`, 'bold');
  cell('price', line.unitPrice === undefined ? '—' : money(line.unitPrice));
  // Paper fallback: the receiver writes the quantity and ticks A or R.
  canvas.box(at('received'), cursor.y - 3, columns.received.width - 4, 11);
  canvas.box(at('decision'), cursor.y - 2, 8, 8);
  canvas.text('A', at('decision') + 10, cursor.y, { size: 7 });
  canvas.box(at('decision') + 20, cursor.y - 2, 8, 8);
  canvas.text('R', at('decision') + 30, cursor.y, { size: 7 });
  text.product.forEach((product, i) => {
    if (i > 0) cursor.y -= ROW - 1;
    canvas.text(product, at('product'), cursor.y, { size: VALUE_SIZE, width: columns.product.width });
  });
  // Clear of the received-quantity box above; the package's height stays what packageHeight says.
  cursor.y -= 1.5;
  for (const row of text.details) {
    cursor.y -= DETAIL_ROW;
    canvas.text(row, at('tag'), cursor.y, { size: DETAIL_SIZE, width: DETAIL_WIDTH });
  }
  cursor.y -= ROW - 2 + PACKAGE_GAP - 1.5;
  canvas.line(MARGIN, cursor.y + ROW - 3, MARGIN + CONTENT_WIDTH, cursor.y + ROW - 3, 0.2);
}

function packageTable(layout: ManifestLayout, start: Cursor, document: ManifestDocument): Cursor {
  let cursor = layout.ensure(start, 60);
  tableHeader(cursor, document, false);
  for (const line of document.lines) {
    const text = packageText(line);
    if (cursor.y - packageHeight(text) < BODY_BOTTOM) {
      cursor = layout.newPage();
      tableHeader(cursor, document, true);
    }
    packageRow(cursor, line, text);
  }
  return totals(layout, cursor, document);
}

/** Under the table: what it adds up to, for the receiver's count at the dock. */
function totals(layout: ManifestLayout, start: Cursor, document: ManifestDocument): Cursor {
  const sum = manifestTotals(document.lines);
  const cursor = layout.ensure(start, 3 * ROW + 4);
  cursor.y -= 2;
  const rows: Field[] = [
    ['Packages', String(sum.packages)],
    ['Quantity', sum.quantities.map((q) => `${amount(q.quantity)} ${q.unit}`).join(' · '), 'wrap'],
    ['Value', `${sum.value.toLocaleString('en-US', { style: 'currency', currency: 'USD' })}${sum.unpricedPackages > 0 ? ` (${sum.unpricedPackages} package${sum.unpricedPackages === 1 ? '' : 's'} without a unit price)` : ''}`],
  ];
  cursor.canvas.text('TOTALS', MARGIN, cursor.y, { weight: 'bold', size: 8, width: 60 });
  cursor.y -= fields(cursor.canvas, rows, MARGIN + 60, cursor.y, CONTENT_WIDTH - 60) + 4;
  return cursor;
}

const SIGNATURE_HEIGHT = 96;
const DISCREPANCY_HEIGHT = 92;

function signatures(layout: ManifestLayout, start: Cursor): Cursor {
  const cursor = layout.ensure(start, SIGNATURE_HEIGHT + DISCREPANCY_HEIGHT + 40);
  cursor.y -= 6;
  sectionTitle(cursor, 'Signatures');
  const width = (CONTENT_WIDTH - 2 * 10) / 3;
  const blocks = [
    ['Shipper release', 'Released to the driver named above'],
    ['Driver', 'Received from the shipper for transport'],
    ['Receiver', 'Received; quantities and decisions as marked'],
  ] as const;
  blocks.forEach(([title, note], i) => {
    const x = MARGIN + i * (width + 10);
    const top = cursor.y + 6;
    cursor.canvas.box(x, top - SIGNATURE_HEIGHT + 14, width, SIGNATURE_HEIGHT - 14);
    cursor.canvas.text(title, x + 4, top - 9, { weight: 'bold', size: 8, width: width - 8 });
    cursor.canvas.text(note, x + 4, top - 18, { size: 6.5, width: width - 8 });
    ['Name', 'Title', 'Signature', 'Date / time'].forEach((label, row) => {
      const y = top - 32 - row * 13;
      cursor.canvas.text(label, x + 4, y, { ...LABEL, size: 6.5 });
      cursor.canvas.line(x + 44, y - 1, x + width - 6, y - 1, 0.4);
    });
  });
  cursor.y -= SIGNATURE_HEIGHT - 4;
  sectionTitle(cursor, 'Discrepancies');
  cursor.canvas.text(
    'Record every package received in another quantity, rejected, damaged or missing: package tag, what was found, and why.',
    MARGIN,
    cursor.y,
    { size: 7, width: CONTENT_WIDTH },
  );
  const boxTop = cursor.y - 5;
  cursor.canvas.box(MARGIN, boxTop - DISCREPANCY_HEIGHT + 20, CONTENT_WIDTH, DISCREPANCY_HEIGHT - 20);
  for (let i = 1; i < 5; i += 1) cursor.canvas.line(MARGIN + 4, boxTop - i * 14, MARGIN + CONTENT_WIDTH - 4, boxTop - i * 14, 0.3);
  cursor.y = boxTop - DISCREPANCY_HEIGHT;
  return cursor;
}

/** Header and footer of every page, once the page count is known. */
function frame(pages: readonly PageCanvas[], document: ManifestDocument): void {
  const generated = `Generated ${formatNewYorkTime(document.issuedAt)}`;
  pages.forEach((canvas, index) => {
    const top = PAGE.height - MARGIN - 8;
    canvas.text('OCM TRANSPORTATION MANIFEST', MARGIN, top, { weight: 'bold', size: 11, width: 240 });
    canvas.text(`Manifest ${document.manifestNumber} · Version ${document.version}`, MARGIN + 240, top, {
      weight: 'bold',
      size: 9,
      width: CONTENT_WIDTH - 240,
      align: 'right',
    });
    canvas.line(MARGIN, top - 6, MARGIN + CONTENT_WIDTH, top - 6, 1);

    const bottom = MARGIN + 2;
    canvas.line(MARGIN, bottom + 18, MARGIN + CONTENT_WIDTH, bottom + 18, 0.5);
    canvas.text(`${generated} · Content hash ${document.shortHash}`, MARGIN, bottom + 8, { size: 7, width: CONTENT_WIDTH - 70 });
    canvas.text(`Verify: ${document.verificationUrl}`, MARGIN, bottom, { size: 6.5, width: CONTENT_WIDTH - 70 });
    canvas.text(`Page ${index + 1} of ${pages.length}`, MARGIN + CONTENT_WIDTH - 70, bottom + 8, { weight: 'bold', size: 8, width: 70, align: 'right' });
    canvas.finish();
  });
}

export interface RenderOptions {
  /** Told of every string drawn and its page (from 0): the render benchmark replays them through pdf-lib's own drawText. */
  readonly onText?: (page: number, run: TextRun) => void;
}

export async function renderManifestPdf(document: ManifestDocument, options: RenderOptions = {}): Promise<Uint8Array> {
  const pdf = withNativeDeflate(await PDFDocument.create({ updateMetadata: false }));
  pdf.registerFontkit(sharedFontkit);
  const fonts = {
    regular: await pdf.embedFont(fontBytes.regular, { subset: true }),
    bold: await pdf.embedFont(fontBytes.bold, { subset: true }),
  };
  const issuedAt = new Date(document.issuedAt);
  pdf.setTitle(`Transportation manifest ${document.manifestNumber} v${document.version}`);
  pdf.setSubject(`OCM transportation manifest: ${document.shipper.licenseNumber} to ${document.receiver.licenseNumber}`);
  pdf.setAuthor(document.shipper.legalName);
  pdf.setCreator('NY transfer hub');
  pdf.setProducer(PRODUCER);
  pdf.setCreationDate(issuedAt);
  pdf.setModificationDate(issuedAt);
  pdf.setLanguage('en-US');

  const layout = new ManifestLayout(pdf, fonts, options.onText);
  signatures(layout, packageTable(layout, firstPage(layout, document), document));
  frame(layout.pages, document);
  return pdf.save({ useObjectStreams: true });
}
