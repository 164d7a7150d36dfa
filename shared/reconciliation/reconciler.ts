/**
 * The reconciler: a scheduled run per connected licensee and state system reads back what the
 * state system shows since the last checkpoint and hands each observation to the domain.
 * - Transfers addressed to the licensee that the hub does not know (another licensee's software
 *   reported them) are recorded in its incoming list; known ones follow their arrival.
 * - The licensee's own transfers that the state may still show more of (the watch list, bounded
 *   per run, longest unobserved first) are judged against what the hub recorded: a difference is
 *   a discrepancy on the transfer, never adopted, never dropped.
 * - A receipt the state shows is kept for the transfer's view; when the hub has none of its own,
 *   it is recorded from the state (the same transition as the hub's receipt), so the transfer is
 *   received and its rejected packages can go back as after any receipt.
 * Running twice records nothing twice: imports are conditional on their state object being new,
 * discrepancies on their key. The checkpoint moves on only once everything returned is handled.
 */
import { ulid } from 'ulid';
import { judge } from '../domain/reconciliation/judge.ts';
import type { JudgeOptions } from '../domain/reconciliation/judge.ts';
import type { StateObservation } from '../domain/reconciliation/observation.ts';
import { awaitedStepDone } from '../domain/reconciliation/settle.ts';
import { receiptFromState, stateReceiptOf, stateReceiptRules, stateSystemActor } from '../domain/reconciliation/state-receipt.ts';
import type { StateReceipt } from '../domain/reconciliation/state-receipt.ts';
import { isOpen, recordOutcome } from '../domain/submission/submission.ts';
import * as domain from '../domain/transfer/index.ts';
import type { TransferEvent } from '../domain/transfer/index.ts';
import { StaleVersionError } from '../errors.ts';
import { logger } from '../observability.ts';
import { capabilitiesOf, receiptCapabilities } from '../state-system/capabilities.ts';
import type { InboundCheckpoints } from '../state-system/inbound-checkpoints.ts';
import type { InboundTransfer, Observed, StateAccount, StateTrackingSystem } from '../state-system/port.ts';
import type { OnStateManifestNumber, StateAccounts } from '../submissions/deliver.ts';
import { handOver } from '../submissions/outbox.ts';
import type { SubmissionQueue } from '../submissions/outbox.ts';
import { submissionsOwed } from '../submissions/planning.ts';
import type { SubmissionRepository } from '../submissions/repository.ts';
import { stateObjectItems } from '../submissions/repository.ts';
import { refreshStateStatus } from '../submissions/state-status.ts';
import { DuplicateError } from '../transfers/repository.ts';
import type { TransferRepository } from '../transfers/repository.ts';
import type { LicenseeDirectory, StoredTransfer } from '../transfers/use-cases.ts';
import { toStored } from '../transfers/use-cases.ts';
import type { DiscrepancyStore } from './discrepancies.ts';

export interface ReconcilerDeps {
  readonly transfers: TransferRepository<StoredTransfer, TransferEvent>;
  readonly submissions: Pick<SubmissionRepository, 'transferOfStateObject' | 'followUps' | 'saveStateRefs' | 'touchFollowUp' | 'list' | 'save' | 'stateRefs' | 'saveStatus' | 'markEnqueued'>;
  /** Where the steps that waited behind a person's step go once it is seen done. */
  readonly queue: SubmissionQueue;
  readonly discrepancies: Pick<DiscrepancyStore, 'record' | 'countOpen' | 'ofTransfer' | 'recordStateReceipt' | 'recordStateTime'>;
  readonly licensees: LicenseeDirectory;
  readonly accounts: StateAccounts;
  readonly systems: Partial<Record<string, StateTrackingSystem>>;
  readonly checkpoints: InboundCheckpoints;
  readonly now: () => Date;
  /** Watched transfers looked at per run and licensee. */
  readonly watchPerRun?: number;
  /** How the domain judges what the state shows (the time tolerance). */
  readonly judging?: JudgeOptions;
  /** Puts the number the state issued at a person's registration on the hub's manifest. */
  readonly onStateManifestNumber?: OnStateManifestNumber;
}

export interface ReconcileResult {
  readonly imported: number;
  readonly arrived: number;
  /** Observations about the licensee's own transfers. */
  readonly observed: number;
  readonly discrepancies: number;
  /** Items the state system could not answer for this time; the next run tries them again. */
  readonly skipped: number;
}

const WATCH_PER_RUN = 50;
const actor = (licenseeId: string) => ({ licenseeId, apiKeyId: 'reconciler' });
const nothing: ReconcileResult = { imported: 0, arrived: 0, observed: 0, discrepancies: 0, skipped: 0 };

export async function reconcileLicensee(deps: ReconcilerDeps, licenseeId: string): Promise<ReconcileResult> {
  const account = await deps.accounts.account(licenseeId);
  const system = account ? deps.systems[account.system] : undefined;
  if (!account || !system) return nothing;
  const watched = await deps.submissions.followUps(licenseeId, account.system, deps.watchPerRun ?? WATCH_PER_RUN);
  const batch = await system.observe(account, await deps.checkpoints.get(licenseeId, account.system), watched);
  const tally = { imported: 0, arrived: 0, observed: 0, discrepancies: 0 };
  for (const item of batch.observed) {
    if (item.kind === 'inbound') {
      const outcome = await takeInbound(deps, system, account, item.transfer);
      if (outcome === 'imported') tally.imported += 1;
      if (outcome === 'arrived') tally.arrived += 1;
    } else {
      tally.observed += 1;
      tally.discrepancies += await takeObservation(deps, system, account, item);
    }
  }
  // What the state showed nothing new about goes to the back of the watch list.
  const seen = new Set(batch.observed.flatMap((item) => (item.kind === 'watched' ? [item.transferId] : [])));
  for (const { transferId } of watched) if (!seen.has(transferId)) await deps.submissions.touchFollowUp(transferId, { system: account.system, licenseeId });
  await deps.checkpoints.put(licenseeId, account.system, batch.checkpoint, deps.now().toISOString());
  const result = { ...tally, skipped: batch.skipped };
  if (Object.values(result).some((n) => n > 0)) logger.info('Reconciled with the state system', { licenseeId, ...result });
  return result;
}

/** A transfer addressed to the licensee: recorded if new, its arrival followed if known. */
async function takeInbound(deps: ReconcilerDeps, system: StateTrackingSystem, account: StateAccount, inbound: InboundTransfer): Promise<'imported' | 'arrived' | undefined> {
  const known = await deps.submissions.transferOfStateObject(account.system, inbound.stateKey);
  if (known) return inbound.arrived && (await followArrival(deps, known, account.licenseeId)) ? 'arrived' : undefined;
  const receiver = await deps.licensees.get(account.licenseeId);
  if (!receiver) return undefined;
  const at = deps.now();
  const change = domain.importInbound(
    {
      id: ulid(),
      receiver: {
        licenseeId: receiver.id,
        legalName: receiver.legalName,
        ...(receiver.dba ? { dba: receiver.dba } : {}),
        licenseNumber: receiver.licenseNumber,
        premisesAddress: receiver.premisesAddress,
        phone: receiver.phone,
        stateSystem: receiver.stateSystem,
        stateAccessLost: receiver.stateAccessLost,
      },
      shipper: {
        legalName: inbound.shipper.name,
        licenseNumber: inbound.shipper.stateLicenseNumber,
        premisesAddress: {
          street: inbound.shipper.address ?? domain.NOT_REPORTED,
          city: inbound.shipper.city ?? domain.NOT_REPORTED,
          state: 'NY',
          zip: inbound.shipper.zip ?? '00000',
        },
        phone: inbound.shipper.phone ?? domain.NOT_REPORTED,
        stateSystem: account.system,
        stateAccessLost: false,
      },
      origin: { system: account.system, stateKey: inbound.stateKey, manifestNumber: inbound.manifestNumber },
      drivers: inbound.drivers,
      ...(inbound.estimatedDeparture ? { estimatedDeparture: inbound.estimatedDeparture } : {}),
      ...(inbound.estimatedArrival ? { estimatedArrival: inbound.estimatedArrival } : {}),
      arrived: inbound.arrived,
      lines: inbound.lines,
    },
    { now: at, actor: actor(account.licenseeId) },
  );
  const stored = toStored(change.transfer);
  const owner = { system: account.system, licenseeId: account.licenseeId };
  // The receiver's own refs: the state shows it the receipt it will report, nothing to follow up.
  const facts = { ...system.factsOf(inbound.refs), followUp: false };
  try {
    await deps.transfers.create(stored, change.event, stateObjectItems(stored.id, owner, inbound.refs, facts, at.toISOString()));
    return 'imported';
  } catch (error) {
    // Another run recorded it a moment ago.
    if (!(error instanceof DuplicateError)) throw error;
    return undefined;
  }
}

/** A recorded transfer that was on the road when first seen and has arrived since. */
async function followArrival(deps: ReconcilerDeps, transferId: string, licenseeId: string): Promise<boolean> {
  const transfer = await deps.transfers.get(transferId);
  if (transfer?.status !== 'IN_TRANSIT' || !transfer.origin) return false;
  const change = domain.arrive(transfer, {}, { now: deps.now(), actor: actor(licenseeId), rules: domain.defaultTransferRules });
  if (!change.ok) return false;
  await deps.transfers.commit(toStored(change.transfer), transfer.version, change.event);
  return true;
}

/** What the state shows about one of the licensee's own transfers: refs kept, differences recorded. Returns how many are new. */
async function takeObservation(
  deps: ReconcilerDeps,
  system: StateTrackingSystem,
  account: StateAccount,
  item: Extract<Observed, { kind: 'watched' }>,
): Promise<number> {
  const transfer = await deps.transfers.get(item.transferId);
  if (!transfer) return 0;
  const owner = { system: account.system, licenseeId: account.licenseeId };
  if (item.refs) {
    const { refs } = await deps.submissions.stateRefs(transfer.id);
    await deps.submissions.saveStateRefs(transfer.id, owner, item.refs, system.factsOf({ ...refs, ...item.refs }));
  }
  if (item.observation.kind === 'registered') await numberManifest(deps, transfer.id, item.observation.manifestNumber);
  const settled = await settleAwaited(deps, transfer.id, item.observation);
  let current = transfer;
  if (item.observation.kind === 'received') {
    const receipt = stateReceiptOf(item.observation, deps.now());
    await deps.discrepancies.recordStateReceipt(transfer.id, receipt);
    current = await receiveFromState(deps, transfer, receipt, account.system);
  }
  if ((item.observation.kind === 'departed' || item.observation.kind === 'arrived') && item.observation.at) {
    await deps.discrepancies.recordStateTime(transfer.id, item.observation.kind, item.observation.at);
  }
  const judgement = judge(current, item.observation, deps.now(), deps.judging);
  let recorded = 0;
  for (const discrepancy of judgement.discrepancies) if (await deps.discrepancies.record(transfer.id, account.licenseeId, discrepancy)) recorded += 1;
  if (judgement.arrived && transfer.origin) await followArrival(deps, transfer.id, account.licenseeId);
  if (recorded > 0) logger.warn('The state system sees a transfer differently from the hub', { transferId: transfer.id, kinds: judgement.discrepancies.map((d) => d.kind) });
  if (recorded > 0 || settled || item.observation.kind === 'received') await refreshStateStatus(deps.submissions, transfer.id);
  return recorded;
}

/**
 * A person did in the state system's app what a submission waited for: it is done (its tries
 * unchanged: the hub made none), and the steps that waited behind it go to the queue.
 */
async function settleAwaited(deps: ReconcilerDeps, transferId: string, observation: StateObservation): Promise<boolean> {
  const submissions = await deps.submissions.list(transferId);
  const done = awaitedStepDone(observation, submissions);
  if (!done) return false;
  const next = { ...recordOutcome(done, { kind: 'succeeded' }, observation.at ?? deps.now().toISOString()), attempts: done.attempts };
  // Lost to another writer (a second run, a worker): that one recorded it.
  if (!(await deps.submissions.save(next))) return false;
  const behind = submissions.filter((submission) => submission.id !== done.id && isOpen(submission.status));
  if (behind.length > 0) await deps.queue.send(behind, `settled-${done.id}`);
  return true;
}

/**
 * The state's receipt of a transfer the hub holds no receipt of, recorded as the state system's:
 * what it owes nobody (the state has it), tags released as after any receipt. One the domain does
 * not take (other packages, a state the transfer cannot be received in) stays the judge's to show.
 */
async function receiveFromState(deps: ReconcilerDeps, transfer: StoredTransfer, receipt: StateReceipt, system: string): Promise<StoredTransfer> {
  if (transfer.receipt || transfer.origin) return transfer;
  const now = deps.now();
  const body = receiptFromState(transfer, receipt, capabilitiesOf(system).displayName, now);
  if (!body) return transfer;
  const change = domain.receive(transfer, body, {
    now,
    actor: stateSystemActor(transfer, system),
    rules: stateReceiptRules(domain.defaultTransferRules),
    receiverStateAccessLost: false,
    stateSystem: receiptCapabilities(transfer),
  });
  if (!change.ok) {
    logger.warn("The state system's receipt cannot be recorded on the transfer", { transferId: transfer.id, error: change.error });
    return transfer;
  }
  const stored = toStored(change.transfer);
  // The state has the receipt; what it still owes is the shipper's taking rejected packages back.
  const owed = submissionsOwed(change);
  try {
    await deps.transfers.commit(stored, transfer.version, change.event, { receipt: true }, owed);
  } catch (error) {
    if (!(error instanceof StaleVersionError)) throw error;
    // Changed meanwhile (a receipt of the hub's own, say): judged as it now is.
    const latest = await deps.transfers.get(transfer.id);
    return latest && latest.version !== transfer.version ? receiveFromState(deps, latest, receipt, system) : transfer;
  }
  await deps.transfers.releaseTags(stored.id, stored.content.lines.map((line) => line.tag), stored.updatedAt);
  await handOver({ queue: deps.queue, submissions: deps.submissions, now: deps.now }, owed);
  return stored;
}

/** One transfer's manifest version must not stop the licensee's run; the worker's next drain of it compares the kept number again. */
async function numberManifest(deps: ReconcilerDeps, transferId: string, stateManifestNumber: string): Promise<void> {
  try {
    await deps.onStateManifestNumber?.(transferId, stateManifestNumber);
  } catch (error) {
    logger.error("The state's manifest number is not on the manifest yet", { transferId, error: error as Error });
  }
}
