import { describe, expect, it } from 'vitest';
import { metrics, recordOldestPending, submissionMetrics } from '#shared/submissions/metrics.ts';

describe('pipeline metrics', () => {
  it('records sent, succeeded, retried, failed and the oldest pending age as EMF in the hub namespace', () => {
    submissionMetrics.sent('ship');
    submissionMetrics.sent('ship');
    submissionMetrics.succeeded('ship');
    submissionMetrics.retried('ship');
    submissionMetrics.failed('NOT_FOUND');
    recordOldestPending(42);
    const emf = metrics.serializeMetrics();
    const definitions = emf._aws.CloudWatchMetrics[0];
    expect(definitions?.Namespace).toBe('NyTransferHub');
    expect(definitions?.Metrics.map((m) => m.Name).sort()).toEqual(
      ['OldestPendingSubmissionAge', 'SubmissionsFailed', 'SubmissionsRetried', 'SubmissionsSent', 'SubmissionsSucceeded'].sort(),
    );
    // Two sends in one invocation: EMF carries both values of the metric.
    expect([emf['SubmissionsSent']].flat()).toEqual([1, 1]);
    expect(emf['OldestPendingSubmissionAge']).toBe(42);
    metrics.clearMetrics();
  });
});
