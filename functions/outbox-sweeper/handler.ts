/**
 * Every minute (an EventBridge schedule in AWS, a timer in local mode): hands over submissions
 * whose process stopped between commit and enqueue, and reports how old the oldest pending
 * submission is, the number the lag alarm watches, and how many transfers wait past their deadline
 * for a person in the state system's app (the overdue alarm's).
 */
import { readConfig } from '#shared/config.ts';
import { metrics, recordOldestPending, recordOverdue } from '#shared/submissions/metrics.ts';
import { sweepOutbox } from '#shared/submissions/outbox.ts';
import type { OutboxDeps } from '#shared/submissions/outbox.ts';
import { outboxSweepDeps } from '#shared/wiring/outbox.ts';

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

export const handler = createHandler(outboxSweepDeps(readConfig()));
