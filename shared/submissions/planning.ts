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
  if (change.event.action === 'receive' && isStateSystemActor(change.event.actor)) return [];
  const owed = plannedSubmissions(change, reportsStep);
  return owed.length > 0 ? owed : receiptAwaitedFromShipper(change);
}

/** A receiver not on the hub (a link receipt) must still record the receipt in the shipper's state system: the shipper is told. */
function receiptAwaitedFromShipper({ transfer, event }: { readonly transfer: Transfer; readonly event: TransferEvent }): Submission[] {
  const parties = transfer.manifest?.parties;
  if (event.action !== 'receive' || transfer.origin || !parties) return [];
  const { shipper, receiver } = parties;
  if (receiver.licenseeId && receiver.stateSystem !== noStateSystem) return [];
  if (shipper.licenseeId !== transfer.shipperId || !receiptByPerson(shipper.stateSystem)) return [];
  const step = 'receive';
  return [
    {
      id: submissionId(transfer.id, event.sequence, step),
      transferId: transfer.id,
      sequence: event.sequence,
      step,
      licenseeId: transfer.shipperId,
      system: shipper.stateSystem,
      status: 'pending',
      attempts: 0,
      createdAt: event.at,
      updatedAt: event.at,
      version: 1,
    },
  ];
}
