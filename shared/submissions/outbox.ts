/**
 * From the outbox to the queue. A transition commits its submissions with itself; right after,
 * the outbox hands them to the SQS FIFO queue (one message group per transfer, so a transfer's
 * steps stay in order) and marks them enqueued. A crash between the commit and the hand-over
 * leaves them unmarked: the sweeper hands those over a little later. Either way a submission may
 * reach the queue twice; the worker does nothing for one that already succeeded.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Submission } from '../domain/submission/submission.ts';
import { logger } from '../observability.ts';
import type { SubmissionRepository } from './repository.ts';
import { refreshStateStatus } from './state-status.ts';

/** What a queue message carries: which submission, and its transfer (the message group). */
export interface SubmissionMessage {
  readonly submissionId: string;
  readonly transferId: string;
}

export type QueuedSubmission = Pick<Submission, 'id' | 'transferId' | 'sequence' | 'step'>;

export interface SubmissionQueue {
  /** `attempt` makes a deliberate re-send (sweep, redrive) distinct from FIFO's five-minute de-duplication. */
  send(submissions: readonly QueuedSubmission[], attempt?: string): Promise<void>;
}

export function createSqsSubmissionQueue(sqs: SQSClient, queueUrl: string): SubmissionQueue {
  return {
    async send(submissions, attempt) {
      for (let i = 0; i < submissions.length; i += 10) {
        const batch = submissions.slice(i, i + 10);
        const { Failed } = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((submission, j) => ({
              Id: String(j),
              MessageBody: JSON.stringify({ submissionId: submission.id, transferId: submission.transferId } satisfies SubmissionMessage),
              MessageGroupId: submission.transferId,
              MessageDeduplicationId: attempt ? `${submission.id}.${attempt}` : submission.id,
            })),
          }),
        );
        if (Failed?.length) throw new Error(`The queue refused ${Failed.length} submission messages: ${Failed.map((f) => f.Message ?? f.Code).join('; ')}`);
      }
    },
  };
}

export interface OutboxDeps {
  readonly queue: SubmissionQueue;
  readonly submissions: SubmissionRepository;
  readonly now: () => Date;
}

/**
 * Hands committed submissions to the queue, and shows their transfer as waiting on the state
 * system in lists. Never throws: what it cannot hand over, the sweeper will; a status it cannot
 * store, the worker stores after its drain.
 */
export async function handOver(
  deps: Omit<OutboxDeps, 'submissions'> & { readonly submissions: Pick<SubmissionRepository, 'markEnqueued' | 'list' | 'stateRefs' | 'saveStatus'> },
  submissions: readonly QueuedSubmission[],
): Promise<void> {
  if (submissions.length === 0) return;
  try {
    await deps.queue.send(submissions);
    const at = deps.now().toISOString();
    await Promise.all(submissions.map((submission) => deps.submissions.markEnqueued(submission, at)));
  } catch (error) {
    logger.warn('Submissions committed but not enqueued; the sweeper will enqueue them', {
      submissionIds: submissions.map((s) => s.id),
      error: error as Error,
    });
  }
  for (const transferId of new Set(submissions.map((submission) => submission.transferId))) {
    try {
      await refreshStateStatus(deps.submissions, transferId);
    } catch (error) {
      logger.warn('The state-system status of a transfer was not refreshed; the worker will', { transferId, error: error as Error });
    }
  }
}

/**
 * The sweeper: hands over submissions that were committed at least `graceMs` ago and never
 * marked enqueued (the process stopped between commit and hand-over). Returns how many.
 */
export async function sweepOutbox(deps: OutboxDeps, graceMs: number, limit = 500): Promise<number> {
  const before = new Date(deps.now().getTime() - graceMs).toISOString();
  const stranded = await deps.submissions.unenqueued(before, limit);
  if (stranded.length === 0) return 0;
  await deps.queue.send(stranded, `sweep-${deps.now().getTime()}`);
  const at = deps.now().toISOString();
  await Promise.all(stranded.map((submission) => deps.submissions.markEnqueued(submission, at)));
  logger.info('Swept submissions into the queue', { count: stranded.length });
  return stranded.length;
}
