/**
 * The signed receipt as a PDF: who received what, when, through which channel, line by line, with
 * the receiver's drawn signature. Both parties download it; the receiver through its link. Same
 * typeface and drawing as the manifest; the same receipt always gives the same bytes.
 */
import type { ReceiptLine, Transfer } from '../domain/transfer/index.ts';
import { NOT_REPORTED, payloadHash, recorded } from '../domain/transfer/index.ts';
import { verificationUrl } from '../manifests/document.ts';
import { formatNewYorkTime } from '../manifests/new-york-time.ts';
import { BOTTOM, framedPdf, letterDocument, MARGIN, ROW, WIDTH } from '../manifests/pdf/letter-document.ts';
import { wrapped } from '../manifests/pdf/typeface.ts';
import { receivingPlaceOf } from '../state-system/receiving.ts';
import { reasonText, receivingSheet, recordInStateSystem } from './receiving-sheet.ts';



/** The receipt's fingerprint, printed in the footer: the same receipt, the same hash. */
export const receiptHash = (transfer: Transfer) => payloadHash(recorded(transfer.receipt, transfer, 'receipt')).slice(0, 16);

/** What a receipt line says in its outcome column; rejected and adjusted lines are marked to stand out. */
function outcomeOf(line: ReceiptLine): { readonly label: string; readonly detail: string; readonly flagged: boolean } {
  if (line.outcome === 'rejected') return { label: 'REJECTED', detail: reasonText[line.reason] ?? line.reason, flagged: true };
  if (line.acceptedQuantity !== line.shippedQuantity) {
    return { label: 'ADJUSTED', detail: `${line.acceptedQuantity} ${line.unit}${line.varianceConfirmed ? ' (variance confirmed)' : ''}`, flagged: true };
  }
  return { label: 'Accepted', detail: `${line.acceptedQuantity} ${line.unit}`, flagged: false };
}

/**
 * `publicBaseUrl`: where the hub's verification page lives; the receipt then prints the manifest's
 * verification URL, whose page shows how the shipment was received.
 */
export async function renderReceiptPdf(transfer: Transfer, signaturePng?: Uint8Array, publicBaseUrl?: string): Promise<Uint8Array> {
  const receipt = recorded(transfer.receipt, transfer, 'receipt');
  const manifest = recorded(transfer.manifest, transfer, 'manifest');
  const { shipper, receiver } = manifest.parties;
  const document = await letterDocument({
    title: `Receipt of manifest ${manifest.number}`,
    subject: `Receipt by ${receiver.licenseNumber} of a transfer from ${shipper.licenseNumber}`,
    author: receiver.legalName,
    at: new Date(receipt.at),
  });
  const { pdf } = document;
  const newPage = () => document.newPage();
  let cursor = newPage();
  const ensure = (height: number) => {
    if (cursor.y - height < BOTTOM) cursor = newPage();
  };
  const field = (label: string, value: string) => {
    const lines = wrapped(value, 'regular', 9, WIDTH - 120);
    ensure(lines.length * ROW);
    cursor.canvas.text(label, MARGIN, cursor.y, { weight: 'bold', size: 8, width: 116 });
    for (const line of lines.length > 0 ? lines : ['']) {
      cursor.canvas.text(line, MARGIN + 120, cursor.y, { size: 9, width: WIDTH - 120 });
      cursor.y -= ROW;
    }
  };
  const title = (text: string) => {
    ensure(30);
    cursor.y -= 6;
    cursor.canvas.line(MARGIN, cursor.y + 2, MARGIN + WIDTH, cursor.y + 2, 0.8);
    cursor.canvas.text(text.toUpperCase(), MARGIN, cursor.y - 8, { weight: 'bold', size: 8, width: WIDTH });
    cursor.y -= 20;
  };

  const accepted = receipt.lines.filter((line) => line.outcome === 'accepted').length;
  const confirmation = receipt.confirmation;
  title('Receipt');
  field('Manifest number', manifest.number);
  field('Outcome', `${transfer.status.replace('_', ' ')}: ${accepted} accepted, ${receipt.lines.length - accepted} rejected`);
  field('Received at', formatNewYorkTime(receipt.at));
  if (transfer.arrivedAt) field('Arrived at', `${formatNewYorkTime(transfer.arrivedAt)}${transfer.arrivalReport ? ', as reported by the receiver through the receipt link (no driver recorded it)' : ''}`);
  field('Received by', `${receipt.receivedBy.name}, ${receipt.receivedBy.title}`);
  field(
    'Confirmed',
    confirmation
      ? 'Through the receipt link the shipper sent. The receiver is not integrated: it did not report this receipt to the state system.'
      : "Through the receiver's own system (hub API).",
  );
  if (confirmation) field('Photos', confirmation.photos.length === 0 ? 'None attached' : `${confirmation.photos.length} attached, kept with the receipt`);
  if (confirmation?.submittedFrom) field('Submitted from', `${confirmation.submittedFrom.address}, ${confirmation.submittedFrom.userAgent || 'browser not named'}`);
  title('Parties');
  field('Shipper', `${shipper.legalName} (${shipper.licenseNumber})`);
  field('Receiver', `${receiver.legalName} (${receiver.licenseNumber})`);

  title('Packages');
  const columns = { line: 0, tag: 22, product: 146, shipped: 298, outcome: 354, detail: 404 } as const;
  const header = () => {
    for (const [name, label] of [['line', '#'], ['tag', 'Package tag'], ['product', 'Product'], ['shipped', 'Shipped'], ['outcome', 'Outcome'], ['detail', 'Accepted / reason']] as const) {
      cursor.canvas.text(label, MARGIN + columns[name], cursor.y, { weight: 'bold', size: 7.5, width: 120 });
    }
    cursor.y -= ROW;
  };
  header();
  const products = new Map(transfer.content.lines.map((line) => [line.tag, line.productName]));
  receipt.lines.forEach((line, index) => {
    const note = line.note === undefined ? [] : wrapped(`Note: ${line.note}`, 'regular', 7.5, WIDTH - columns.tag);
    // A long product name runs onto more lines instead of being cut.
    const product = wrapped(products.get(line.tag) ?? NOT_REPORTED, 'regular', 8, columns.shipped - columns.product - 6);
    const detailLines = wrapped(outcomeOf(line).detail, 'bold', 8, WIDTH - columns.detail);
    const rows = Math.max(1, product.length, detailLines.length);
    if (cursor.y - (rows + note.length) * ROW < BOTTOM) {
      cursor = newPage();
      header();
    }
    const { label, flagged } = outcomeOf(line);
    // A rejected or adjusted package is set in bold with a bar in the margin: the eye finds it at once.
    if (flagged) cursor.canvas.fillRects([{ x: MARGIN - 8, y: cursor.y - (rows + note.length - 1) * ROW - 3, width: 3, height: (rows + note.length) * ROW }]);
    const weight = flagged ? 'bold' : 'regular';
    const text = (value: string, x: number, width: number, y = cursor.y) => cursor.canvas.text(value, MARGIN + x, y, { size: 8, width, weight });
    text(String(index + 1), columns.line, 18);
    text(line.tag, columns.tag, 120);
    product.forEach((part, i) => text(part, columns.product, columns.shipped - columns.product - 6, cursor.y - i * ROW));
    text(`${line.shippedQuantity} ${line.unit}`, columns.shipped, 52);
    text(label, columns.outcome, 48);
    detailLines.forEach((part, i) => text(part, columns.detail, WIDTH - columns.detail, cursor.y - i * ROW));
    cursor.y -= rows * ROW;
    for (const noteLine of note) {
      cursor.canvas.text(noteLine, MARGIN + columns.tag, cursor.y, { size: 7.5, width: WIDTH - columns.tag });
      cursor.y -= ROW;
    }
  });

  title('Signature of the receiver');
  ensure(90);
  if (signaturePng) {
    const image = await pdf.embedPng(signaturePng);
    const scale = Math.min(240 / image.width, 72 / image.height, 1);
    cursor.canvas.page.drawImage(image, { x: MARGIN, y: cursor.y - image.height * scale, width: image.width * scale, height: image.height * scale });
    cursor.y -= image.height * scale + 6;
  } else {
    cursor.canvas.text(confirmation ? 'No signature drawn' : 'Recorded through the API: no drawn signature', MARGIN, cursor.y, { size: 8, width: WIDTH });
    cursor.y -= ROW;
  }
  cursor.canvas.line(MARGIN, cursor.y, MARGIN + 240, cursor.y, 0.5);
  cursor.y -= 10;
  cursor.canvas.text(`${receipt.receivedBy.name}, ${receipt.receivedBy.title}`, MARGIN, cursor.y, { size: 8, width: 240 });
  cursor.y -= ROW;

  // The state system needs a person to record the receipt in its app too (Metrc): what to enter there.
  const place = receivingPlaceOf(transfer);
  if (place) {
    const sheet = receivingSheet(transfer, place);
    title(`Now record this in ${sheet.stateSystem}`);
    for (const text of [recordInStateSystem(sheet), ...sheet.packages.map((pkg, index) => `${index + 1}. ${pkg.enter}`)]) {
      const lines = wrapped(text, 'regular', 8.5, WIDTH);
      ensure(lines.length * ROW);
      for (const line of lines) {
        cursor.canvas.text(line, MARGIN, cursor.y, { size: 8.5, width: WIDTH });
        cursor.y -= ROW;
      }
    }
  }

  const hash = receiptHash(transfer);
  // The receipt's own time: the same receipt always gives the same bytes, whenever it is rendered.
  const generated = `Generated ${formatNewYorkTime(receipt.at)}`;
  const verify = publicBaseUrl === undefined ? undefined : verificationUrl(publicBaseUrl, manifest.number, manifest.contentHash);
  return framedPdf(document, {
    heading: 'RECEIPT OF TRANSFER',
    headingWidth: 240,
    reference: `Manifest ${manifest.number}`,
    footer: `${generated} · Transfer ${transfer.id} · Receipt hash ${hash}`,
    ...(verify ? { footnote: `Verify: ${verify}` } : {}),
  });
}
