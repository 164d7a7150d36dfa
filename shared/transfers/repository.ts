/**
 * Transfers, their append-only events, manifest numbers and package-tag reservations in the hub
 * table. Every change is one DynamoDB transaction: the transfer (conditional on the version the
 * caller read) and its event together, plus the manifest counter and tag reservations when
 * manifesting. The model itself is the domain's; this module only needs the fields it indexes.
 *
 * The parts: the stored layout (`transfer-items.ts`), transactions whose items carry their role
 * (`transactions.ts`), tag reservations (`tag-reservations.ts`), the manifest transaction
 * (`manifest-transaction.ts`), the list indexes (`transfer-lists.ts`) and the repository that
 * composes them (`transfer-repository.ts`).
 */
export type { ChangedParts, EventShape, TransferHeader, TransferShape } from './transfer-items.ts';
export type { ListedTransfer, ListOptions } from './transfer-lists.ts';
export { TagsTakenError } from './tag-reservations.ts';
export type { TagConflict } from './tag-reservations.ts';
export { ManifestRaceError, TAGS_PER_TRANSACTION } from './manifest-transaction.ts';
export type { ManifestCommit } from './manifest-transaction.ts';
export { createTransferRepository, DuplicateError } from './transfer-repository.ts';
export type { TransferRepository } from './transfer-repository.ts';
