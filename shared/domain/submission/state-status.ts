/**
 * One neutral word for where a transfer stands with the state tracking system, derived from what
 * the hub owes it (the transfer's submissions): nothing owed, still on its way, waiting for a
 * person in the state system's own app, recorded, refused (with the state's code and words), or
 * seen differently there. Pure: the worker stores it for lists, the transfer view derives it live.
 */
import { isOverdue } from './submission.ts';
import type { Submission, SubmissionStep } from './submission.ts';

export const stateSystemStatuses = ['not-required', 'pending', 'awaiting-person', 'recorded', 'refused', 'discrepancy'] as const;
export type StateSystemStatusName = (typeof stateSystemStatuses)[number];

export interface StateSystemStatus {
  readonly status: StateSystemStatusName;
  /** The step this status is about: the refused one, or the first still on its way. */
  readonly step?: SubmissionStep;
  /** The state system's code and words for a refusal, or the last transient problem of a pending step. */
  readonly code?: string;
  readonly message?: string;
  /** What the hub is doing about a pending step, in plain words. */
  readonly detail?: string;
  /** What a person must do in the state system's own app, and where, in plain words. */
  readonly instruction?: string;
  /** When an awaited step is due; past it, `overdue`. */
  readonly deadline?: string;
  /** Set on an awaited step when the time it was derived at is known (the transfer view; not stored list rows). */
  readonly overdue?: boolean;
  /** The licensee that must act on a refusal or an awaited step (the one that reports the step). */
  readonly licenseeId?: string;
  /** The state's manifest id, once it recorded the manifest. */
  readonly stateManifestId?: string;
  /** How many differences between the hub and the state system are open (`discrepancy`). */
  readonly discrepancies?: number;
  /** Since when the state system shows the transfer received (its own receipt, seen by the reconciler). */
  readonly receiptSeenAt?: string;
  readonly since?: string;
}

const pendingDetail: Readonly<Record<Submission['status'], string>> = {
  pending: 'Queued for the state system.',
  retrying: 'The state system has not accepted it yet; the hub keeps trying.',
  'dead-lettered': 'Delivery stopped after repeated failures; an operator must redrive it.',
  'consent-expired': 'Waiting until the license admin approves the hub in the state system again.',
  blocked: 'Waiting behind an earlier step.',
  'awaiting-person': '',
  succeeded: '',
  failed: '',
};

/**
 * `now`, when given, tells whether an awaited step is overdue. A refusal comes first (the hub owes
 * a correction); then open discrepancies (the state sees it differently, whatever else is owed).
 */
export function stateSystemStatusOf(submissions: readonly Submission[], stateManifestId?: string, now?: Date, openDiscrepancies = 0): StateSystemStatus {
  if (submissions.length === 0 && openDiscrepancies === 0) return { status: 'not-required' };
  const ordered = [...submissions].sort((a, b) => a.sequence - b.sequence);
  const manifestId = stateManifestId ? { stateManifestId } : {};
  const refused = ordered.find((submission) => submission.status === 'failed');
  if (refused) {
    return {
      status: 'refused',
      step: refused.step,
      licenseeId: refused.licenseeId,
      ...(refused.lastError ? { code: refused.lastError.code, message: refused.lastError.message, since: refused.lastError.at } : { since: refused.updatedAt }),
      ...manifestId,
    };
  }
  if (openDiscrepancies > 0) {
    return {
      status: 'discrepancy',
      discrepancies: openDiscrepancies,
      message: `The state system shows this transfer differently from the hub (${openDiscrepancies} difference${openDiscrepancies === 1 ? '' : 's'} to settle).`,
      ...manifestId,
    };
  }
  const open = ordered.find((submission) => submission.status !== 'succeeded');
  if (open?.status === 'awaiting-person' && open.awaitingPerson) {
    const { instruction, deadline } = open.awaitingPerson;
    return {
      status: 'awaiting-person',
      step: open.step,
      instruction,
      deadline,
      ...(now ? { overdue: isOverdue(open, now) } : {}),
      licenseeId: open.licenseeId,
      since: open.updatedAt,
      ...manifestId,
    };
  }
  if (open) {
    return {
      status: 'pending',
      step: open.step,
      detail: pendingDetail[open.status],
      since: open.createdAt,
      ...(open.lastError ? { code: open.lastError.code, message: open.lastError.message } : {}),
      ...manifestId,
    };
  }
  return { status: 'recorded', ...manifestId, since: ordered.at(-1)?.succeededAt ?? ordered.at(-1)?.updatedAt ?? '' };
}

/** Whether the state system refused the manifest itself (or its amendment): the shipment it describes is not on record there. */
export const manifestRefused = (status: StateSystemStatus): boolean => status.status === 'refused' && (status.step === 'manifest' || status.step === 'amend');
