/**
 * The pipeline's CloudWatch metrics, as EMF through Powertools: submissions sent, succeeded,
 * failed by error code, retried, the age of the oldest pending submission (the lag an alarm
 * watches), and how many transfers wait past their deadline for a person in the state system.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SubmissionMetrics } from './deliver.ts';

export const METRICS_NAMESPACE = 'NyTransferHub';
export const OLDEST_PENDING_METRIC = 'OldestPendingSubmissionAge';
export const OVERDUE_METRIC = 'OverdueSubmissions';

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ny-transfer-hub' });

export const submissionMetrics: SubmissionMetrics = {
  sent: () => metrics.addMetric('SubmissionsSent', MetricUnit.Count, 1),
  succeeded: () => metrics.addMetric('SubmissionsSucceeded', MetricUnit.Count, 1),
  retried: () => metrics.addMetric('SubmissionsRetried', MetricUnit.Count, 1),
  failed: (code) => {
    metrics.addMetric('SubmissionsFailed', MetricUnit.Count, 1);
    // Per code as a metric of its own dimension set, so the total above stays one series.
    metrics.singleMetric().addDimension('ErrorCode', code).addMetric('SubmissionsFailedByCode', MetricUnit.Count, 1);
  },
};

export function recordOldestPending(ageSeconds: number): void {
  metrics.addMetric(OLDEST_PENDING_METRIC, MetricUnit.Seconds, ageSeconds);
}

export function recordOverdue(count: number): void {
  metrics.addMetric(OVERDUE_METRIC, MetricUnit.Count, count);
}
