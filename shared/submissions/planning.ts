/**
 * The submissions a committed change owes, as each state system's capabilities have it: a step
 * its system leaves to a person and only lets the hub observe (Metrc's departure and arrival) is
 * not reported. A receipt that a person must still record in the state system's app (Metrc's) is
 * owed as a step awaiting that person: its adapter says what to do, and the reconciler settles it
 * once the state shows the receipt. A receiver not on the hub records it there too, so the shipper
 * owns that wait (its transfer shows it, overdue if the state never shows the receipt). A receipt
 * recorded from what the state shows owes nothing.
 */
import { isStateSystemActor } from '../domain/reconciliation/state-receipt.ts';
import { plannedSubmissions, submissionId } from '../domain/submission/submission.ts';
import type { ReportsStep, Submission, SubmissionStep } from '../domain/submission/submission.ts';
import type { Transfer, TransferEvent } from '../domain/transfer/index.ts';
import { noStateSystem } from '../domain/transfer/index.ts';
import { capabilitiesOf, isKnownStateSystem } from '../state-system/capabilities.ts';
import type { StateSystemStep } from '../state-system/port.ts';

/** Each submission step as the state system's step it reports. */
const stateStepOf: Readonly<Record<SubmissionStep, StateSystemStep>> = {
  manifest: 'register',
  amend: 'amend',
  ship: 'depart',
  arrive: 'arrive',
  receive: 'receive',
  'take-back': 'accept-returned',
  void: 'void',
  intake: 'intake',
};

/** Reported, or awaited from a person in the state system's app; only what the hub merely observes is owed nothing. */
export const reportsStep: ReportsStep = (system, step) => {
  const { observed, byPerson } = capabilitiesOf(system);
  return !observed.includes(stateStepOf[step]) || byPerson.includes(stateStepOf[step]);
};

const receiptByPerson = (system: string) => isKnownStateSystem(system) && capabilitiesOf(system).byPerson.includes('receive');

export function submissionsOwed(change: { readonly transfer: Transfer; readonly event: TransferEvent }): Submission[] {
  const takeBack = takeBackOwed(change);
  if (change.event.action === 'receive' && isStateSystemActor(change.event.actor)) return takeBack;
  const owed = plannedSubmissions(change, reportsStep);
  return [...(owed.length > 0 ? owed : receiptAwaitedFromShipper(change)), ...takeBack];
}

/**
 * Packages the receiver rejected go back into the shipper's stock only when the shipper accepts
 * them back; where a person does that in the state system's app (Metrc), the shipper owes it after
 * any receipt with a rejection (the hub's, a link's or the one the state shows), behind the receipt.
 */
function takeBackOwed({ transfer, event }: { readonly transfer: Transfer; readonly event: TransferEvent }): Submission[] {
  const shipper = transfer.manifest?.parties.shipper;
  if (event.action !== 'receive' || transfer.origin || !shipper || shipper.licenseeId !== transfer.shipperId) return [];
  if (!isKnownStateSystem(shipper.stateSystem) || !capabilitiesOf(shipper.stateSystem).byPerson.includes('accept-returned')) return [];
  if (!transfer.receipt?.lines.some((line) => line.outcome === 'rejected')) return [];
  return [pendingStep(transfer, event, 'take-back', transfer.shipperId, shipper.stateSystem)];
}

function pendingStep(transfer: Transfer, event: TransferEvent, step: SubmissionStep, licenseeId: string, system: Submission['system']): Submission {
  return {
    id: submissionId(transfer.id, event.sequence, step),
    transferId: transfer.id,
    sequence: event.sequence,
    step,
    licenseeId,
    system,
    status: 'pending',
    attempts: 0,
    createdAt: event.at,
    updatedAt: event.at,
    version: 1,
  };
}

/** A receiver not on the hub (a link receipt) must still record the receipt in the shipper's state system: the shipper is told. */
function receiptAwaitedFromShipper({ transfer, event }: { readonly transfer: Transfer; readonly event: TransferEvent }): Submission[] {
  const parties = transfer.manifest?.parties;
  if (event.action !== 'receive' || transfer.origin || !parties) return [];
  const { shipper, receiver } = parties;
  if (receiver.licenseeId && receiver.stateSystem !== noStateSystem) return [];
  if (shipper.licenseeId !== transfer.shipperId || !receiptByPerson(shipper.stateSystem)) return [];
  return [pendingStep(transfer, event, 'receive', transfer.shipperId, shipper.stateSystem)];
}
