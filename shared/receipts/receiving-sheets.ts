/**
 * `GET /v1/transfers/{id}/receiving-sheet`: the receiving sheet of a transfer the hub holds a
 * receipt of, for its shipper and its receiver, when a person must record the receipt in the
 * state system's own app. As JSON, or as a PDF kept in the documents bucket under the sheet's
 * hash (a sheet that changes, once the state's manifest number is known, is a new file) and
 * served through a short-lived link. pdf-lib and the font are loaded when a sheet is first
 * rendered, not at a cold start.
 */
import { payloadHash } from '../domain/transfer/index.ts';
import { NotFoundError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import { sha256Hex } from '../manifests/files.ts';
import { receivingPlaceOf } from '../state-system/receiving.ts';
import { load } from '../transfers/access.ts';
import type { TransferDeps } from '../transfers/deps.ts';
import { receivingSheet } from './receiving-sheet.ts';
import type { ReceivingSheet } from './receiving-sheet.ts';

export async function receivingSheetOf(deps: TransferDeps, caller: Caller, id: string): Promise<ReceivingSheet> {
  const { transfer, roles } = await load(deps, caller, id);
  // A carrier has no receipt to record.
  if (!roles.includes('shipper') && !roles.includes('receiver')) throw new NotFoundError('transfer');
  const place = receivingPlaceOf(transfer);
  if (!transfer.receipt || !place) throw new NotFoundError('receiving sheet');
  return receivingSheet(transfer, place);
}

export async function renderReceivingSheet(sheet: ReceivingSheet): Promise<Uint8Array> {
  const { renderReceivingSheetPdf } = await import('./receiving-sheet-pdf.ts');
  return renderReceivingSheetPdf(sheet);
}

/** A five-minute link to the sheet's PDF, rendered and kept first if it is not kept yet. */
export async function receivingSheetPdfUrl(deps: Pick<TransferDeps, 'manifests'>, sheet: ReceivingSheet): Promise<{ readonly url: string; readonly filename: string }> {
  const key = `receiving-sheets/${sheet.transferId}/${payloadHash(sheet).slice(0, 16)}.pdf`;
  if (!(await deps.manifests.store.exists(key))) {
    const pdf = await renderReceivingSheet(sheet);
    await deps.manifests.store.put(key, pdf, sha256Hex(pdf));
  }
  const filename = `receiving-sheet-${sheet.stateManifestNumber ?? sheet.manifestNumber}.pdf`;
  return { url: await deps.manifests.store.downloadUrl(key, filename, 300), filename };
}
