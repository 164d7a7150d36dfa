/**
 * The submissions a committed change owes, as each state system's capabilities have it: a step
 * its system leaves to a person and only lets the hub observe (Metrc's departure, arrival and
 * receipt) is not reported.
 */
import { plannedSubmissions } from '../domain/submission/submission.ts';
import type { ReportsStep, Submission, SubmissionStep } from '../domain/submission/submission.ts';
import type { Transfer, TransferEvent } from '../domain/transfer/index.ts';
import { capabilitiesOf } from '../state-system/capabilities.ts';
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

export const reportsStep: ReportsStep = (system, step) => !capabilitiesOf(system).observed.includes(stateStepOf[step]);

export const submissionsOwed = (change: { readonly transfer: Transfer; readonly event: TransferEvent }): Submission[] => plannedSubmissions(change, reportsStep);
