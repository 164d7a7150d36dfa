/**
 * Submissions: what the hub owes the state tracking system after a transition. Each transition
 * that must be reported yields its submissions in the same transaction as the transition itself
 * (the outbox). A worker delivers them in lifecycle order and records here how it went. Pure: no
 * I/O; time comes in as arguments.
 */
import type { EventAction, StateSystem, Transfer, TransferEvent } from '../transfer/index.ts';

/**
 * What is reported, in the order a transfer's life reports it. `intake` is a paper manifest taken
 * in: the receiver reports the shipment the state system never heard of and its receipt at once.
 * `take-back`: the shipper takes the packages the receiver rejected back into its stock (at a
 * state system where a person does that, after the receipt is there).
 */
export const submissionSteps = ['manifest', 'amend', 'ship', 'arrive', 'void', 'receive', 'take-back', 'intake'] as const;
export type SubmissionStep = (typeof submissionSteps)[number];

/**
 * `pending` until first tried, `retrying` after a transient failure; then one of the final
 * states. `blocked` waits behind an earlier step that failed for good; `consent-expired` waits for
 * the license admin to approve the integrator again; `dead-lettered` waits for a redrive;
 * `awaiting-person` waits for a person to finish the step in the state system's own app (the hub
 * learns of it by reading the state system back, never by retrying).
 */
export const submissionStatuses = ['pending', 'retrying', 'succeeded', 'failed', 'blocked', 'consent-expired', 'dead-lettered', 'awaiting-person'] as const;
export type SubmissionStatus = (typeof submissionStatuses)[number];

/** Statuses the worker picks up again whenever it drains the transfer's submissions. */
export const isOpen = (status: SubmissionStatus): boolean =>
  status === 'pending' || status === 'retrying' || status === 'blocked' || status === 'dead-lettered' || status === 'consent-expired';

export interface SubmissionError {
  readonly code: string;
  readonly message: string;
  readonly at: string;
  readonly status?: number;
  /** The try went unanswered and may still take effect at the state system: sent at this time. */
  readonly unsettledSince?: string;
}

/** What a person must do in the state system's own app to finish a step, and by when. */
export interface PersonWait {
  /** In plain words: what to do, in which system, and where (the menu path or the link). */
  readonly instruction: string;
  /** A deep link into the state system's app, or the exact menu path. */
  readonly where: { readonly link: string } | { readonly menuPath: readonly string[] };
  /** What identifies the result when the hub reads the state system back (a template name, say). */
  readonly resultKey: string;
  /** Past it, the step is overdue. */
  readonly deadline: string;
}

/** An awaited step past its deadline: it shows on the licensee's attention list and in the operators' count. */
export const isOverdue = (submission: Pick<Submission, 'status' | 'awaitingPerson'>, now: Date): boolean =>
  submission.status === 'awaiting-person' && submission.awaitingPerson !== undefined && Date.parse(submission.awaitingPerson.deadline) < now.getTime();

export interface Submission {
  /** `<transferId>-<sequence>-<step>`: unique, and the key every state-system call for it carries. */
  readonly id: string;
  readonly transferId: string;
  /** The transfer version the transition produced: orders a transfer's submissions. */
  readonly sequence: number;
  readonly step: SubmissionStep;
  /** The licensee that reports (the shipper, or the receiver for a receipt). */
  readonly licenseeId: string;
  readonly system: Exclude<StateSystem, 'none'>;
  /** The API key of the change, when it is the reporting licensee's: its linked state user acts. */
  readonly actingApiKeyId?: string;
  readonly status: SubmissionStatus;
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly succeededAt?: string;
  readonly lastError?: SubmissionError;
  /** The earlier submission this one waits behind. */
  readonly blockedBy?: string;
  /** Set while a person must finish the step in the state system's own app. */
  readonly awaitingPerson?: PersonWait;
  /** One more with every change; updates are conditional on it. */
  readonly version: number;
}

const pad = (sequence: number) => String(sequence).padStart(6, '0');

export const submissionId = (transferId: string, sequence: number, step: SubmissionStep) => `${transferId}-${pad(sequence)}-${step}`;

/** Which step an action reports; actions missing here are not reported (drafts, returns drafted). */
const stepOf: Partial<Record<EventAction, SubmissionStep>> = {
  manifest: 'manifest',
  amend: 'amend',
  depart: 'ship',
  arrive: 'arrive',
  void: 'void',
  receive: 'receive',
};

/** Whether a state system takes a step as a report from the hub (otherwise the hub only observes it there). */
export type ReportsStep = (system: StateSystem, step: SubmissionStep) => boolean;

/**
 * The submissions a committed change owes. The shipper reports its manifest and the trip when it
 * is integrated; the receiver reports its receipt when it is an integrated tenant and the state
 * system knows the transfer (its shipper reported it, or it came from the state system). A paper
 * manifest's receipt is reported by its integrated receiver as an intake. A step the reporter's
 * system only lets the hub observe (a person does it there) is owed nothing.
 */
export function plannedSubmissions(change: { readonly transfer: Transfer; readonly event: TransferEvent }, reportsStep: ReportsStep): Submission[] {
  const { transfer, event } = change;
  const step = event.action === 'receive' && transfer.origin?.kind === 'paper-manifest' ? 'intake' : stepOf[event.action];
  const parties = transfer.manifest?.parties;
  if (!step || !parties) return [];
  const shipperSystem = parties.shipper.stateSystem;
  const known = shipperSystem !== 'none';
  const reporter =
    step === 'receive' || step === 'intake'
      ? parties.receiver.licenseeId && parties.receiver.stateSystem !== 'none' && (known || step === 'intake')
        ? { licenseeId: parties.receiver.licenseeId, system: parties.receiver.stateSystem }
        : undefined
      : known && parties.shipper.licenseeId === transfer.shipperId
        ? { licenseeId: transfer.shipperId, system: shipperSystem }
        : undefined;
  if (!reporter || !reportsStep(reporter.system, step)) return [];
  return [
    {
      id: submissionId(transfer.id, event.sequence, step),
      transferId: transfer.id,
      sequence: event.sequence,
      step,
      licenseeId: reporter.licenseeId,
      system: reporter.system,
      ...(event.actor.licenseeId === reporter.licenseeId ? { actingApiKeyId: event.actor.apiKeyId } : {}),
      status: 'pending',
      attempts: 0,
      createdAt: event.at,
      updatedAt: event.at,
      version: 1,
    },
  ];
}

export type SubmissionOutcome =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'transient'; readonly error: Omit<SubmissionError, 'at'>; readonly retryAfterMs?: number; readonly lastAttempt: boolean }
  | { readonly kind: 'permanent'; readonly error: Omit<SubmissionError, 'at'> }
  | { readonly kind: 'consent-expired'; readonly error: Omit<SubmissionError, 'at'> }
  | { readonly kind: 'awaiting-person'; readonly wait: PersonWait }
  | { readonly kind: 'blocked'; readonly by: string };

/** The submission after one delivery attempt (or after finding it must wait). */
export function recordOutcome(submission: Submission, outcome: SubmissionOutcome, at: string): Submission {
  const { blockedBy: _b, lastError: _e, awaitingPerson: _p, ...rest } = submission;
  const base = { ...rest, updatedAt: at, version: submission.version + 1 };
  switch (outcome.kind) {
    case 'succeeded':
      return { ...base, status: 'succeeded', attempts: submission.attempts + 1, succeededAt: at, ...(submission.lastError ? { lastError: submission.lastError } : {}) };
    case 'transient':
      return { ...base, status: outcome.lastAttempt ? 'dead-lettered' : 'retrying', attempts: submission.attempts + 1, lastError: { ...outcome.error, at } };
    case 'permanent':
      return { ...base, status: 'failed', attempts: submission.attempts + 1, lastError: { ...outcome.error, at } };
    case 'consent-expired':
      return { ...base, status: 'consent-expired', attempts: submission.attempts + 1, lastError: { ...outcome.error, at } };
    case 'awaiting-person':
      return { ...base, status: 'awaiting-person', attempts: submission.attempts + 1, awaitingPerson: outcome.wait };
    case 'blocked':
      return { ...base, status: 'blocked', blockedBy: outcome.by, ...(submission.lastError ? { lastError: submission.lastError } : {}) };
  }
}

/** Exponential backoff with full jitter, in whole seconds, capped; a `Retry-After` the state system sent wins when longer. */
export function backoffSeconds(attempt: number, random: number, retryAfterMs?: number, capSeconds = 900): number {
  const ceiling = Math.min(capSeconds, 2 ** Math.min(attempt, 20) * 2);
  const jittered = Math.max(1, Math.round(random * ceiling));
  const asked = retryAfterMs === undefined ? 0 : Math.ceil(retryAfterMs / 1000);
  return Math.min(capSeconds, Math.max(jittered, asked));
}
