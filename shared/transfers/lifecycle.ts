/**
 * A transfer's life from draft to receipt: load, check who is asking, let the domain decide,
 * persist the change with its event and the submissions it owes in one transaction.
 */
import { ulid } from 'ulid';
import * as domain from '../domain/transfer/index.ts';
import { packageTagFormatOf, receiptCapabilities } from '../state-system/capabilities.ts';
import type { Change, CreateTransferBody, ReceiptBody, ReturnBody, UpdateTransferBody } from '../domain/transfer/index.ts';
import { VersionRequiredError } from '../errors.ts';
import type { ExpectedVersion } from '../versions.ts';
import type { Caller } from '../http/caller.ts';
import { submissionsOwed } from '../submissions/planning.ts';
import { handOver } from '../submissions/outbox.ts';
import type { ChangedParts } from './transfer-items.ts';
import { departureCheck, stateSystemOf } from './state-system.ts';
import { contextFor, loadFor, unwrap } from './access.ts';
import type { TransferDeps } from './deps.ts';
import { profileOf, requireOwnRecords } from './parties.ts';
import { toStored } from './stored-transfer.ts';
import type { StoredTransfer } from './stored-transfer.ts';

export async function createTransfer(deps: TransferDeps, caller: Caller, body: CreateTransferBody): Promise<StoredTransfer> {
  const shipper = await profileOf(deps, caller.licenseeId);
  await requireOwnRecords(deps, caller, body);
  const change = unwrap(
    domain.createDraft({ id: ulid(), shipperId: caller.licenseeId, content: body }, { ...contextFor(deps, caller), shipperTags: packageTagFormatOf(shipper.stateSystem) }),
  );
  const stored = toStored(change.transfer);
  await deps.transfers.create(stored, change.event);
  return stored;
}

/** Commits a change with the submissions it owes the state system, then hands those to the queue. */
export async function save(
  deps: Pick<TransferDeps, 'transfers' | 'outbox' | 'now'>,
  change: Change,
  expectedVersion: number,
  changed: ChangedParts = {},
): Promise<StoredTransfer> {
  const stored = toStored(change.transfer);
  const submissions = submissionsOwed(change);
  await deps.transfers.commit(stored, expectedVersion, change.event, changed, submissions);
  await handOver({ ...deps.outbox, now: deps.now }, submissions);
  return stored;
}

export async function updateTransfer(
  deps: TransferDeps,
  caller: Caller,
  id: string,
  patch: UpdateTransferBody,
  expected: ExpectedVersion,
): Promise<StoredTransfer> {
  if (expected === undefined) throw new VersionRequiredError('If-Match is required to change a draft');
  const transfer = await loadFor(deps, caller, id, 'update', expected);
  await requireOwnRecords(deps, caller, patch);
  const shipper = await profileOf(deps, caller.licenseeId);
  const change = unwrap(domain.updateDraft(transfer, patch, { ...contextFor(deps, caller), shipperTags: packageTagFormatOf(shipper.stateSystem) }));
  return save(deps, change, transfer.version, { lines: true });
}

export async function discardTransfer(deps: TransferDeps, caller: Caller, id: string, expected: ExpectedVersion): Promise<StoredTransfer> {
  const transfer = await loadFor(deps, caller, id, 'discard', expected);
  return save(deps, unwrap(domain.discard(transfer, contextFor(deps, caller))), transfer.version);
}

/** Departs, unless the state system refuses the manifest (a rule: off, the departure only warns). */
export async function departTransfer(deps: TransferDeps, caller: Caller, id: string, body: domain.DepartBody, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'depart', expected);
  const warnings = departureCheck(await stateSystemOf(deps, transfer), deps.rules);
  const change = unwrap(domain.depart(transfer, body, contextFor(deps, caller)));
  return { transfer: await save(deps, change, transfer.version), warnings };
}

export async function arriveTransfer(deps: TransferDeps, caller: Caller, id: string, body: domain.ArriveBody, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'arrive', expected);
  return save(deps, unwrap(domain.arrive(transfer, body, contextFor(deps, caller))), transfer.version);
}

/** Tags go back to the pool once the transfer no longer carries them. */
export async function releaseTags(deps: Pick<TransferDeps, 'transfers'>, transfer: StoredTransfer): Promise<void> {
  await deps.transfers.releaseTags(transfer.id, transfer.content.lines.map((line) => line.tag), transfer.updatedAt);
}

export async function voidTransfer(deps: TransferDeps, caller: Caller, id: string, body: domain.VoidBody, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'void', expected);
  const saved = await save(deps, unwrap(domain.voidTransfer(transfer, body, contextFor(deps, caller))), transfer.version);
  await releaseTags(deps, saved);
  return saved;
}

export async function receiveTransfer(deps: TransferDeps, caller: Caller, id: string, body: ReceiptBody, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'receive', expected);
  const receiver = await profileOf(deps, caller.licenseeId);
  const change = unwrap(domain.receive(transfer, body, { ...contextFor(deps, caller), receiverStateAccessLost: receiver.stateAccessLost, stateSystem: receiptCapabilities(transfer) }));
  const saved = await save(deps, change, transfer.version, { receipt: true });
  await releaseTags(deps, saved);
  return saved;
}

/** Turns the rejected lines into a return draft from the caller back to the original shipper. */
export async function returnTransfer(deps: TransferDeps, caller: Caller, id: string, body: ReturnBody, expected: ExpectedVersion) {
  const original = await loadFor(deps, caller, id, 'return', expected);
  await requireOwnRecords(deps, caller, body);
  const { original: updated, draft } = unwrap(domain.returnDraftFrom(original, body, { ...contextFor(deps, caller), returnId: ulid() }));
  const created = toStored(draft.transfer);
  await deps.transfers.commitWithNew(toStored(updated.transfer), original.version, updated.event, created, draft.event);
  return created;
}
