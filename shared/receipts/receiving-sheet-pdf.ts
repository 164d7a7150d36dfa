/**
 * The receiving sheet as a PDF: what the person at the state system's app enters, package by
 * package, with a box to tick per line. Same typeface and drawing as the manifest and the receipt;
 * the same sheet always gives the same bytes.
 */
import { formatNewYorkTime } from '../manifests/new-york-time.ts';
import { BOTTOM, framedPdf, letterDocument, MARGIN, ROW, WIDTH } from '../manifests/pdf/letter-document.ts';
import { wrapped } from '../manifests/pdf/typeface.ts';
import type { ReceivingSheet, ReceivingSheetPackage } from './receiving-sheet.ts';

const columns = { check: 0, tag: 16, product: 140, shipped: 286, decision: 344, enter: 390 } as const;

const whatToEnter = (pkg: ReceivingSheetPackage) =>
  pkg.decision === 'reject'
    ? `Reason: ${pkg.reason ?? ''}`
    : `Received: ${pkg.receivedQuantity ?? pkg.shipped.quantity} ${pkg.shipped.unit}${pkg.confirmVariance ? '; confirm the variance' : ''}`;

export async function renderReceivingSheetPdf(sheet: ReceivingSheet): Promise<Uint8Array> {
  const document = await letterDocument({
    title: `Receiving sheet for manifest ${sheet.stateManifestNumber ?? sheet.manifestNumber}`,
    subject: `What to enter in ${sheet.stateSystem} to receive transfer ${sheet.transferId}`,
    at: new Date(sheet.receivedAt),
  });
  const newPage = () => document.newPage();
  let cursor = newPage();
  const paragraph = (text: string, size = 9, weight: 'regular' | 'bold' = 'regular') => {
    for (const line of wrapped(text, weight, size, WIDTH)) {
      cursor.canvas.text(line, MARGIN, cursor.y, { size, weight, width: WIDTH });
      cursor.y -= ROW + 1;
    }
  };
  paragraph(sheet.instruction, 10, 'bold');
  paragraph(`Hub manifest ${sheet.manifestNumber}${sheet.stateManifestNumber ? ` · ${sheet.stateSystem} manifest ${sheet.stateManifestNumber}` : ''} · received ${formatNewYorkTime(sheet.receivedAt)} by ${sheet.receivedBy.name}, ${sheet.receivedBy.title}`);
  cursor.y -= 8;

  const header = () => {
    for (const [name, label] of [['tag', 'Package tag'], ['product', 'Product'], ['shipped', 'Shipped'], ['decision', 'Do'], ['enter', 'Enter']] as const) {
      cursor.canvas.text(label, MARGIN + columns[name], cursor.y, { weight: 'bold', size: 7.5, width: 120 });
    }
    cursor.canvas.line(MARGIN, cursor.y - 3, MARGIN + WIDTH, cursor.y - 3, 0.5);
    cursor.y -= ROW + 2;
  };
  header();
  for (const pkg of sheet.packages) {
    const product = wrapped(pkg.productName, 'regular', 8, columns.shipped - columns.product - 6);
    const enter = wrapped(whatToEnter(pkg), 'bold', 8, WIDTH - columns.enter);
    const rows = Math.max(1, product.length, enter.length);
    if (cursor.y - rows * ROW < BOTTOM) {
      cursor = newPage();
      header();
    }
    const text = (value: string, x: number, width: number, y = cursor.y, weight: 'regular' | 'bold' = 'regular') => cursor.canvas.text(value, MARGIN + x, y, { size: 8, width, weight });
    // A box to tick once the line is entered.
    cursor.canvas.box(MARGIN + columns.check, cursor.y - 1, 8, 8, 0.6);
    text(pkg.tag, columns.tag, 122);
    product.forEach((part, i) => text(part, columns.product, columns.shipped - columns.product - 6, cursor.y - i * ROW));
    text(`${pkg.shipped.quantity} ${pkg.shipped.unit}`, columns.shipped, 56);
    text(pkg.decision === 'accept' ? 'Accept' : 'REJECT', columns.decision, 44, cursor.y, pkg.decision === 'accept' ? 'regular' : 'bold');
    enter.forEach((part, i) => text(part, columns.enter, WIDTH - columns.enter, cursor.y - i * ROW, 'bold'));
    cursor.y -= rows * ROW + 3;
  }

  return framedPdf(document, {
    heading: `RECEIVING SHEET FOR ${sheet.stateSystem.toUpperCase()}`,
    headingWidth: 300,
    reference: `Manifest ${sheet.stateManifestNumber ?? sheet.manifestNumber}`,
    footer: `Transfer ${sheet.transferId} · the hub's receipt, as ${sheet.stateSystem} asks for it`,
  });
}
