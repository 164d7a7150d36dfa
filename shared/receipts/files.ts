/**
 * Where a receipt's files live in the documents bucket: the signed receipt PDF, the drawn
 * signature and the photos, under the transfer. The PDF is made when the receipt is recorded; one
 * lost to a crash is rendered again (from the stored signature) on first download.
 */
import type { Transfer } from '../domain/transfer/index.ts';
import { recorded } from '../domain/transfer/index.ts';
import { sha256Hex } from '../manifests/files.ts';
import type { ManifestStore } from '../manifests/store.ts';
import { logger } from '../observability.ts';
import type { ReceiptFiles } from '../receipt-links/uploads.ts';

export interface ReceiptDocuments {
  /** PDFs, stored as the manifests are. */
  readonly pdfs: ManifestStore;
  /** Signatures and photos. */
  readonly files: ReceiptFiles;
  /** Where the verification page lives; the receipt prints the manifest's verification URL when given. */
  readonly publicBaseUrl?: string;
}

const folder = (transfer: Pick<Transfer, 'id' | 'shipperId'>) => `receipts/${transfer.shipperId}/${transfer.id}`;
export const receiptPdfKey = (transfer: Pick<Transfer, 'id' | 'shipperId'>) => `${folder(transfer)}/receipt.pdf`;
export const signatureKey = (transfer: Pick<Transfer, 'id' | 'shipperId'>, sha256: string) => `${folder(transfer)}/signature-${sha256.slice(0, 16)}.png`;
export const photoFolder = (transfer: Pick<Transfer, 'id' | 'shipperId'>) => `${folder(transfer)}/photos/`;
// Here, not beside the renderer: a static import of it would put pdf-lib in every function that reads a transfer.
const receiptFilename = (transfer: Transfer) => `receipt-${transfer.manifest?.number ?? transfer.id}.pdf`;

async function render(documents: ReceiptDocuments, transfer: Transfer): Promise<Uint8Array> {
  const signature = recorded(transfer.receipt, transfer, 'receipt').confirmation?.signature;
  const png = signature ? await documents.files.get(signature.key) : undefined;
  if (signature && !png) throw new Error(`The signature of transfer ${transfer.id} is missing from ${signature.key}`);
  // pdf-lib and the font are loaded when a receipt is first rendered, not at every cold start.
  const { renderReceiptPdf } = await import('./receipt-pdf.ts');
  return renderReceiptPdf(transfer, png, documents.publicBaseUrl);
}

/** Renders and stores the PDF of a receipt just recorded; a failure is logged, the first download makes it. */
export async function storeReceiptPdf(documents: ReceiptDocuments, transfer: Transfer): Promise<void> {
  try {
    const pdf = await render(documents, transfer);
    await documents.pdfs.put(receiptPdfKey(transfer), pdf, sha256Hex(pdf));
  } catch (error) {
    logger.warn('Receipt PDF not stored; it will be rendered on first download', { transferId: transfer.id, error: error as Error });
  }
}

/** A five-minute link to the receipt PDF, rendering it first if it is not stored. */
export async function receiptPdfUrl(documents: ReceiptDocuments, transfer: Transfer): Promise<{ readonly url: string; readonly filename: string }> {
  const key = receiptPdfKey(transfer);
  if (!(await documents.pdfs.exists(key))) {
    const pdf = await render(documents, transfer);
    await documents.pdfs.put(key, pdf, sha256Hex(pdf));
  }
  const filename = receiptFilename(transfer);
  return { url: await documents.pdfs.downloadUrl(key, filename, 300), filename };
}
