/**
 * The submission worker's use-case. A queue message only says "this transfer has something for
 * the state system": the submissions in DynamoDB are the truth. The worker delivers every open
 * submission of the transfer in lifecycle order and stops at the first that cannot go now, so a
 * later step never overtakes an earlier one, and a message that arrives again (sweep, redrive,
 * SQS at-least-once) finds nothing left to do.
 */
import type { PersonWait, Submission, SubmissionOutcome } from '../domain/submission/submission.ts';
import { backoffSeconds, isOpen, recordOutcome } from '../domain/submission/submission.ts';
import type { Transfer } from '../domain/transfer/index.ts';
import { recorded } from '../domain/transfer/index.ts';
import { logger } from '../observability.ts';
import { capabilitiesOf } from '../state-system/capabilities.ts';
import type { IntakeReport, ManifestReport, PersonTask, StateAccount, StateRefs, StateTrackingSystem } from '../state-system/port.ts';
import { PersonStepRequired, StateSystemError } from '../state-system/port.ts';
import type { StoredSubmission, SubmissionRepository } from './repository.ts';
import { refreshStateStatus } from './state-status.ts';

/** The licensee facts a report needs, from the tenant record. */
export interface StateAccounts {
  /** The reporting licensee's account; undefined when it has no state-system link (any more). */
  account(licenseeId: string, actingApiKeyId?: string): Promise<StateAccount | undefined>;
  /** The license number the state system knows a party by: a tenant's own link, else its OCM license. */
  stateLicenseOf(party: { readonly licenseeId?: string; readonly licenseNumber: string }): Promise<string>;
}

export interface SubmissionMetrics {
  sent(step: string): void;
  succeeded(step: string): void;
  failed(code: string): void;
  retried(step: string): void;
}

/** Puts the state's manifest number on the hub's manifest (a new version before departure); safe to call again. */
export type OnStateManifestNumber = (transferId: string, stateManifestNumber: string) => Promise<unknown>;

export interface DeliveryDeps {
  readonly submissions: SubmissionRepository;
  readonly transfers: { get(id: string): Promise<Transfer | undefined> };
  readonly accounts: StateAccounts;
  readonly systems: Partial<Record<Submission['system'], StateTrackingSystem>>;
  readonly metrics: SubmissionMetrics;
  readonly now: () => Date;
  readonly random: () => number;
  /**
   * Not called by delivery any more: a failing submission never waits in the worker (the queue
   * holds its transfer back instead). Kept optional so existing wiring still type-checks.
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The queue's maxReceiveCount: a transient failure on this receive is the last before the DLQ. */
  readonly maxReceiveCount: number;
  /**
   * Tries again at once within one receive, for blips that ask for no wait (a 503, a dropped
   * answer, whose retry looks its object up first). A failure that asks for a wait (a 429's
   * Retry-After, an unsettled create's settle window) goes back to the queue at once instead.
   */
  readonly quickRetries: number;
  /** The longest wait between receives of a failing submission. */
  readonly backoffCapSeconds: number;
  /** Called once a drain leaves the state's manifest number kept but not yet on the transfer. */
  readonly onStateManifestNumber?: OnStateManifestNumber;
}

export type DeliveryResult = { readonly done: true } | { readonly done: false; readonly retryInSeconds: number };

/** What one drain reads once for all the submissions of its transfer. */
interface Drain {
  transfer?: Transfer;
  refs?: StateRefs;
  /** The state manifest number this drain handed the hook already (whatever came of it). */
  numbered?: string;
}

export async function deliverTransfer(deps: DeliveryDeps, transferId: string, receiveCount: number): Promise<DeliveryResult> {
  const all = (await deps.submissions.list(transferId)).sort((a, b) => a.sequence - b.sequence);
  const drain: Drain = {};
  const latest = new Map<string, Submission>(all.map((submission) => [submission.id, submission]));
  const result = await drainSubmissions(deps, drain, all, receiveCount, (next) => void latest.set(next.id, next));
  // Lists show where the transfer stands with the state system: as this drain leaves it.
  const status = await refreshStateStatus(deps.submissions, transferId, { submissions: [...latest.values()] });
  if (status.stateManifestId) await numberManifest(deps, drain, transferId, status.stateManifestId);
  return result;
}

/**
 * The kept facts name a state manifest number the transfer does not record yet: the hook puts it on
 * the manifest, once per drain. Compared again at the end of every drain, so a failed try is made
 * again by the next drain instead of failing a submission the state has already accepted.
 */
async function numberManifest(deps: DeliveryDeps, drain: Drain, transferId: string, stateManifestNumber: string): Promise<void> {
  if (!deps.onStateManifestNumber || drain.numbered === stateManifestNumber) return;
  const transfer = drain.transfer ?? (await deps.transfers.get(transferId));
  if (!transfer?.manifest || transfer.stateManifestNumber === stateManifestNumber) return;
  drain.numbered = stateManifestNumber;
  try {
    await deps.onStateManifestNumber(transferId, stateManifestNumber);
  } catch (error) {
    logger.error("The state's manifest number is not on the manifest yet; the next drain tries again", { transferId, error: error as Error });
  }
}

async function drainSubmissions(
  deps: DeliveryDeps,
  drain: Drain,
  all: readonly StoredSubmission[],
  receiveCount: number,
  saved: (next: Submission) => void,
): Promise<DeliveryResult> {
  let blocker: StoredSubmission | undefined;
  for (const submission of all) {
    if (!isOpen(submission.status)) {
      if (submission.status !== 'succeeded') blocker ??= submission;
      continue;
    }
    if (blocker) {
      if (submission.status !== 'blocked' || submission.blockedBy !== blocker.id) {
        const next = recordOutcome(submission, { kind: 'blocked', by: blocker.id }, deps.now().toISOString());
        await save(deps, next);
        saved(next);
      }
      continue;
    }
    const outcome = await attempt(deps, drain, submission, receiveCount);
    // Before the step shows as recorded: whoever waits for that verdict then finds the version that prints the number.
    const kept = drain.refs && deps.systems[submission.system]?.factsOf(drain.refs).manifestNumber;
    if (outcome.kind === 'succeeded' && kept) await numberManifest(deps, drain, submission.transferId, kept);
    const next = recordOutcome(submission, outcome, deps.now().toISOString());
    await save(deps, next);
    saved(next);
    if (outcome.kind === 'succeeded') continue;
    if (outcome.kind === 'transient') {
      return { done: false, retryInSeconds: outcome.lastAttempt ? 0 : backoffSeconds(receiveCount, deps.random(), outcome.retryAfterMs, deps.backoffCapSeconds) };
    }
    blocker = next;
  }
  return { done: true };
}

async function save(deps: DeliveryDeps, next: Submission): Promise<void> {
  // A drain comes of a queue message for this transfer, so its submissions are enqueued: saying so
  // keeps the mark when this drain listed a submission before the outbox marked it (the save
  // replaces the item), and the sweeper does not hand it over a second time.
  const enqueued: StoredSubmission = { ...next, enqueuedAt: (next as StoredSubmission).enqueuedAt ?? deps.now().toISOString() };
  // Only one worker holds a transfer's message group; a lost race means a redelivery already wrote.
  if (!(await deps.submissions.save(enqueued))) logger.warn('Submission changed meanwhile', { submissionId: next.id });
}

/** One delivery, with quick retries for short transient failures; classifies what finally happened. */
async function attempt(deps: DeliveryDeps, drain: Drain, submission: Submission, receiveCount: number): Promise<SubmissionOutcome> {
  const system = deps.systems[submission.system];
  if (!system) {
    deps.metrics.failed('ADAPTER_NOT_AVAILABLE');
    return { kind: 'permanent', error: { code: 'ADAPTER_NOT_AVAILABLE', message: `The hub has no adapter for ${submission.system} yet` } };
  }
  // An unanswered earlier try may still be committing at the state system: creates wait it out.
  let unsettledSince = submission.lastError?.unsettledSince;
  for (let quick = 0; ; quick += 1) {
    try {
      deps.metrics.sent(submission.step);
      // After a try that may have reached the state system, creates look their object up first.
      await report(deps, drain, system, submission, { retry: submission.attempts > 0 || quick > 0, ...(unsettledSince ? { unsettledSince } : {}) });
      deps.metrics.succeeded(submission.step);
      return { kind: 'succeeded' };
    } catch (error) {
      // The adapter did its part; a person finishes the step in the state system's app.
      if (error instanceof PersonStepRequired) return { kind: 'awaiting-person', wait: personWait(submission, error.task) };
      const failure = classify(error);
      if (failure.kind !== 'transient') {
        deps.metrics.failed(failure.code);
        const detail = { code: failure.code, message: failure.message, ...(failure.status ? { status: failure.status } : {}) };
        return failure.kind === 'permanent' ? { kind: 'permanent', error: detail } : { kind: 'consent-expired', error: detail };
      }
      unsettledSince = failure.unsettledSince ?? unsettledSince;
      deps.metrics.retried(submission.step);
      // Never a wait here: what must wait goes back to the queue, and the worker goes on with other transfers.
      if (quick < deps.quickRetries && !failure.retryAfterMs) continue;
      return {
        kind: 'transient',
        error: {
          code: failure.code,
          message: failure.message,
          ...(failure.status ? { status: failure.status } : {}),
          // Still unsettled if any try of this receive went unanswered, whatever the last one said.
          ...(unsettledSince ? { unsettledSince } : {}),
        },
        ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        lastAttempt: receiveCount >= deps.maxReceiveCount,
      };
    }
  }
}

/** The task as the licensee reads it: what, in which system, and where ("… in Metrc: Transfers → Templates → Register"). */
function personWait(submission: Submission, task: PersonTask): PersonWait {
  const place = 'link' in task.where ? task.where.link : task.where.menuPath.join(' → ');
  return {
    instruction: `${task.action} in ${capabilitiesOf(submission.system).displayName}: ${place}`,
    where: task.where,
    resultKey: task.resultKey,
    deadline: task.deadline,
  };
}

function classify(error: unknown): StateSystemError {
  if (error instanceof StateSystemError) return error;
  // Our own bug or an unexpected answer: retried, and after the last attempt it waits in the DLQ.
  logger.error('Unexpected failure delivering a submission', { error: error as Error });
  return new StateSystemError('transient', 'HUB_ERROR', error instanceof Error ? error.message : String(error));
}

async function report(
  deps: DeliveryDeps,
  drain: Drain,
  system: StateTrackingSystem,
  submission: Submission,
  retrying: Pick<StateAccount, 'retry' | 'unsettledSince'>,
): Promise<void> {
  const transfer = (drain.transfer ??= await deps.transfers.get(submission.transferId));
  if (!transfer) throw new StateSystemError('permanent', 'TRANSFER_MISSING', 'The transfer of this submission no longer exists');
  const found = await deps.accounts.account(submission.licenseeId, submission.actingApiKeyId);
  const account = found && (retrying.retry || retrying.unsettledSince) ? { ...found, ...retrying } : found;
  if (!account) throw new StateSystemError('permanent', 'NOT_INTEGRATED', 'The reporting licensee has no state-system link');
  const refs = (drain.refs ??= (await deps.submissions.stateRefs(transfer.id)).refs);
  const submissionKey = submission.id;
  const owner = { system: submission.system, licenseeId: submission.licenseeId };
  const keep = async (changed: StateRefs) => {
    const merged = { ...drain.refs, ...changed };
    const facts = system.factsOf(merged);
    await deps.submissions.saveStateRefs(transfer.id, owner, changed, facts);
    drain.refs = merged;
  };
  switch (submission.step) {
    case 'manifest':
      return keep(await system.reportManifest(account, await manifestReport(deps, transfer, submissionKey), refs, keep));
    case 'amend':
      return keep(await system.amendManifest(account, refs, await manifestReport(deps, transfer, submissionKey)));
    case 'ship':
      return keep(await system.reportShipment(account, refs, submissionKey));
    case 'arrive':
      return system.reportArrival(account, refs, submissionKey);
    case 'void':
      return system.reportVoid(account, refs, submissionKey);
    case 'receive': {
      const receipt = recorded(transfer.receipt, transfer, 'receipt');
      return system.reportReceipt(account, refs, {
        submissionKey,
        lines: receipt.lines.map((line) =>
          line.outcome === 'accepted'
            ? { tag: line.tag, accepted: true, receivedQuantity: line.acceptedQuantity }
            : { tag: line.tag, accepted: false, receivedQuantity: 0, rejectReason: line.note ? `${line.reason}: ${line.note}` : line.reason },
        ),
      });
    }
    case 'take-back': {
      if (!system.reportTakeBack) throw new StateSystemError('permanent', 'NOT_SUPPORTED', 'This state system takes rejected packages back by itself');
      const rejected = recorded(transfer.receipt, transfer, 'receipt').lines.filter((line) => line.outcome === 'rejected');
      return system.reportTakeBack(account, refs, { submissionKey, tags: rejected.map((line) => line.tag) });
    }
    case 'intake': {
      const { shipper } = recorded(transfer.manifest, transfer, 'manifest').parties;
      return keep(await system.reportIntake(account, intakeReport(transfer, submissionKey, await deps.accounts.stateLicenseOf(shipper))));
    }
  }
}

/** A paper manifest taken in, as the receiver reports it: what was shipped and its answer to every package. */
function intakeReport(transfer: Transfer, submissionKey: string, shipperStateLicense: string): IntakeReport {
  const { number, parties } = recorded(transfer.manifest, transfer, 'manifest');
  const answers = new Map(recorded(transfer.receipt, transfer, 'receipt').lines.map((line) => [line.tag, line]));
  return {
    submissionKey,
    shipper: { stateLicenseNumber: shipperStateLicense, name: parties.shipper.legalName },
    manifestNumber: number,
    drivers: parties.drivers.map((driver) => driver.name),
    lines: transfer.content.lines.map((line) => {
      const answer = recorded(answers.get(line.tag), transfer, `receipt line for ${line.tag}`);
      const shipped = { tag: line.tag, productName: line.productName, shippedQuantity: line.quantity, unit: line.unit };
      return answer.outcome === 'accepted'
        ? { ...shipped, accepted: true, receivedQuantity: answer.acceptedQuantity }
        : { ...shipped, accepted: false, receivedQuantity: 0, rejectReason: answer.note ? `${answer.reason}: ${answer.note}` : answer.reason };
    }),
  };
}

/** The manifest as the state system records it, from the issued (current) version. */
async function manifestReport(deps: DeliveryDeps, transfer: Transfer, submissionKey: string): Promise<ManifestReport> {
  const manifest = recorded(transfer.manifest, transfer, 'manifest');
  const { parties } = manifest;
  const { content } = transfer;
  const party = async (p: typeof parties.receiver) => ({ stateLicenseNumber: await deps.accounts.stateLicenseOf(p), name: p.legalName });
  const vehicle = recorded(parties.vehicle, transfer, 'vehicle');
  return {
    submissionKey,
    kind: content.type === 'return' ? 'return' : 'transfer',
    manifestNumber: manifest.number,
    receiver: await party(parties.receiver),
    ...(parties.transporter ? { transporter: await party(parties.transporter) } : {}),
    drivers: parties.drivers.map((d) => ({
      hubId: d.driverId,
      name: d.name,
      driversLicenseNumber: d.driversLicenseNumber,
      driversLicenseState: d.driversLicenseState,
    })),
    vehicle: {
      hubId: vehicle.vehicleId,
      description: `${vehicle.color} ${vehicle.year} ${vehicle.make} ${vehicle.model}`,
      make: vehicle.make,
      model: vehicle.model,
      year: vehicle.year,
      color: vehicle.color,
      ...(vehicle.plate ? { plate: vehicle.plate } : {}),
      ...(vehicle.vin ? { vin: vehicle.vin } : {}),
    },
    estimatedDeparture: recorded(content.estimatedDeparture, transfer, 'estimated departure'),
    estimatedArrival: recorded(content.estimatedArrival, transfer, 'estimated arrival'),
    route: content.plannedRoute ?? '',
    lines: content.lines.map((line) => ({ tag: line.tag, quantity: line.quantity, unit: line.unit, unitPrice: line.unitPrice ?? 0 })),
  };
}
