/**
 * Every minute (an EventBridge schedule in AWS, a timer in local mode): hands over submissions
 * whose process stopped between commit and enqueue, and reports how old the oldest pending
 * submission is, the number the lag alarm watches, and how many transfers wait past their deadline
 * for a person in the state system's app (the overdue alarm's).
 */
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { hubTable, stateSubmissionsQueue } from '#shared/resources.ts';
import { metrics, recordOldestPending, recordOverdue } from '#shared/submissions/metrics.ts';
import { createSqsSubmissionQueue, sweepOutbox } from '#shared/submissions/outbox.ts';
import type { OutboxDeps } from '#shared/submissions/outbox.ts';
import { createSubmissionRepository } from '#shared/submissions/repository.ts';

export function createHandler(deps: OutboxDeps & { readonly graceMs: number }) {
  return async () => {
    try {
      const swept = await sweepOutbox(deps, deps.graceMs);
      const [oldest] = await deps.submissions.open(1);
      const ageSeconds = oldest ? Math.max(0, (deps.now().getTime() - Date.parse(oldest.createdAt)) / 1000) : 0;
      recordOldestPending(ageSeconds);
      const overdue = await deps.submissions.countOverdueTransfers(deps.now());
      recordOverdue(overdue);
      return { swept, oldestPendingSeconds: ageSeconds, overdue };
    } finally {
      // A batch that only found work done already has nothing to report.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

const config = readConfig();
const aws = createAwsClients(config);
export const handler = createHandler({
  queue: createSqsSubmissionQueue(aws.sqs, resourceName(config, stateSubmissionsQueue)),
  submissions: createSubmissionRepository(aws.dynamodb, resourceName(config, hubTable)),
  now: () => new Date(),
  graceMs: config.outboxGraceSeconds * 1000,
});
