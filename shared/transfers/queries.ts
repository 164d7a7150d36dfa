/** What a party may read of its transfers: one transfer, its history, its submissions, its receipt PDF, and pages of them. */
import type { TransferEvent } from '../domain/transfer/index.ts';
import { NotFoundError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import { receiptPdfUrl } from '../receipts/files.ts';
import type { ListOptions } from './transfer-lists.ts';
import { withStateSystem } from './state-system.ts';
import { load } from './access.ts';
import type { TransferDeps } from './deps.ts';
import type { StoredTransfer } from './stored-transfer.ts';

export async function getTransfer(deps: TransferDeps, caller: Caller, id: string): Promise<StoredTransfer> {
  return (await load(deps, caller, id)).transfer;
}

/** What the hub reported (or still owes) the state system for this transfer, in lifecycle order. */
export async function transferSubmissions(deps: TransferDeps, caller: Caller, id: string) {
  await load(deps, caller, id);
  return deps.outbox.submissions.list(id);
}

export async function transferEvents(deps: TransferDeps, caller: Caller, id: string): Promise<TransferEvent[]> {
  await load(deps, caller, id);
  return deps.transfers.events(id);
}

/** A page of the caller's transfers, each row with where it stands with the state system. */
export async function listTransfers(deps: TransferDeps, caller: Caller, direction: 'outgoing' | 'incoming' | 'carrying', options: ListOptions) {
  const page =
    direction === 'carrying'
      ? await deps.transfers.listCarrying(caller.licenseeId, options)
      : direction === 'outgoing'
        ? await deps.transfers.listOutgoing(caller.licenseeId, options)
        : await deps.transfers.listIncoming(caller.licenseeId, options);
  return withStateSystem(deps, page);
}

/** The signed receipt PDF, for any party once the transfer is received. */
export async function receiptPdf(deps: TransferDeps, caller: Caller, id: string) {
  const { transfer } = await load(deps, caller, id);
  if (!transfer.receipt) throw new NotFoundError('receipt');
  return receiptPdfUrl({ pdfs: deps.manifests.store, files: deps.receiptFiles, publicBaseUrl: deps.manifests.publicBaseUrl }, transfer);
}
