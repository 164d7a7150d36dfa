/**
 * Keeps the stored state-system status of a transfer (what its list rows show) in step with its
 * submissions. Two writers refresh it: the outbox right after a transition committed new
 * submissions, and the worker after each drain. Each writes only if it saw at least as much as
 * the stored status did (the sum of the submissions' versions, which only grows), so an older view
 * never overwrites a newer one.
 */
import { stateSystemStatusOf } from '../domain/submission/state-status.ts';
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import type { Submission } from '../domain/submission/submission.ts';
import type { SubmissionRepository } from './repository.ts';

/** How much of the transfer's submission history a view has seen. */
export const basisOf = (submissions: readonly Pick<Submission, 'version'>[]): number => submissions.reduce((sum, submission) => sum + submission.version, 0);

export async function refreshStateStatus(
  repository: Pick<SubmissionRepository, 'list' | 'stateRefs' | 'saveStatus'>,
  transferId: string,
  seen?: { readonly submissions: readonly Submission[] },
): Promise<StateSystemStatus> {
  const [submissions, record] = await Promise.all([seen?.submissions ?? repository.list(transferId), repository.stateRefs(transferId)]);
  const derived = stateSystemStatusOf(submissions, record.manifestNumber, undefined, record.openDiscrepancies);
  const status = record.receiptSeenAt ? { ...derived, receiptSeenAt: record.receiptSeenAt } : derived;
  await repository.saveStatus(transferId, status, basisOf(submissions));
  return status;
}
