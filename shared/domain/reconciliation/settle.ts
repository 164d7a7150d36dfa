/**
 * Which step waiting for a person an observation shows done: the person registered the report in
 * the state system's app (the manifest step), recorded the edit or the void the hub asked for, or
 * received the shipment there, or took the rejected packages back. The hub stops asking once it sees it, whatever the state shows
 * beside (a difference is the judge's discrepancy, not a reason to keep asking). Pure.
 */
import type { Submission, SubmissionStep } from '../submission/submission.ts';
import type { StateObservation } from './observation.ts';

const stepDoneBy: Readonly<Record<StateObservation['kind'], SubmissionStep | undefined>> = {
  registered: 'manifest',
  edited: 'amend',
  voided: 'void',
  received: 'receive',
  'taken-back': 'take-back',
  departed: undefined,
  arrived: undefined,
};

/** The awaited submission this observation completes, if one waits for it. */
export function awaitedStepDone(observation: StateObservation, submissions: readonly Submission[]): Submission | undefined {
  const step = stepDoneBy[observation.kind];
  return step ? submissions.find((submission) => submission.step === step && submission.status === 'awaiting-person') : undefined;
}
