/**
 * The transfer lifecycle as the API offers it: load, check who is asking, let the domain decide,
 * persist the change with its event in one transaction. A licensee sees a transfer only as its
 * shipper, receiver or transporter; to anyone else it does not exist.
 *
 * The parts: who may see and do what (`access.ts`), the parties a manifest names (`parties.ts`),
 * issuing and amending the manifest (`manifest-commit.ts`), receipt links (`receipt-link-issue.ts`),
 * the other lifecycle actions (`lifecycle.ts`), what parties read (`queries.ts`), and what all of
 * them are given and store (`deps.ts`, `stored-transfer.ts`).
 */
export type { LicenseeDirectory, LicenseeProfile, TransferDeps } from './deps.ts';
export { toStored } from './stored-transfer.ts';
export type { StoredTransfer, TransferSummary } from './stored-transfer.ts';
export { asSeenBy } from './access.ts';
export { partyFromProfile } from './parties.ts';
export { amendTransfer, formatManifestNumber, manifestTransfer } from './manifest-commit.ts';
export { issuedLink, issueReceiptLink, revokeReceiptLink } from './receipt-link-issue.ts';
export type { IssuedLink } from './receipt-link-issue.ts';
export {
  arriveTransfer,
  createTransfer,
  departTransfer,
  discardTransfer,
  receiveTransfer,
  releaseTags,
  returnTransfer,
  save,
  updateTransfer,
  voidTransfer,
} from './lifecycle.ts';
export { getTransfer, listTransfers, receiptPdf, transferEvents, transferSubmissions } from './queries.ts';
