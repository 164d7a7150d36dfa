/**
 * The worker's queue side with fakes for its ports: a batch's message groups (transfers) are
 * drained at the same time, each once; a transfer that must wait goes back to the queue with its
 * wait as the messages' visibility (it and the rest of its group, in order) while the others are
 * done; nothing waits inside the worker.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Submission } from '#shared/domain/submission/submission.ts';
import type { Transfer } from '#shared/domain/transfer/index.ts';
import type { StoredSubmission, SubmissionRepository } from '#shared/submissions/repository.ts';
import { byMessageGroup, createSubmissionWorker } from '#shared/submissions/worker.ts';
import type { SubmissionWorkerDeps } from '#shared/submissions/worker.ts';
import { StateSystemError } from '#shared/state-system/port.ts';
import type { StateTrackingSystem } from '#shared/state-system/port.ts';
import { arrived } from '../domain/fixtures.ts';

const pending = (transferId: string): StoredSubmission => ({
  id: `${transferId}-000003-ship`,
  transferId,
  sequence: 3,
  step: 'ship',
  licenseeId: `lic-${transferId}`,
  system: 'biotrack-ny',
  status: 'pending',
  attempts: 0,
  createdAt: '2026-03-02T14:00:00.000Z',
  updatedAt: '2026-03-02T14:00:00.000Z',
  version: 1,
});

let sequence = 0;
const record = (transferId: string, receiveCount = 1, body?: string): SQSRecord => {
  sequence += 1;
  return {
    messageId: `m${sequence}-${transferId}`,
    receiptHandle: `r${sequence}`,
    body: body ?? JSON.stringify({ transferId, submissionId: `${transferId}-000003-ship` }),
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: transferId },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:state-submissions.fifo',
    awsRegion: 'us-east-1',
  };
};

/** Two transfers, A and B; `ship` decides per transfer what the state system does with its shipment. */
function world(ship: (transferId: string) => Promise<void>) {
  const transfers = new Map<string, Transfer>(['A', 'B'].map((id) => [id, { ...arrived(), id }]));
  const stored = new Map<string, Submission>(['A', 'B'].map((id) => [pending(id).id, pending(id)]));
  const listed: string[] = [];
  const saved: string[] = [];
  const slept: number[] = [];
  const visibility: { ReceiptHandle?: string; VisibilityTimeout?: number }[] = [];
  const system = {
    reportShipment: async (account: { licenseeId: string }) => {
      await ship(account.licenseeId.replace('lic-', ''));
      return { inventoryTransferIds: [7] };
    },
    factsOf: () => ({ objectKeys: [], followUp: false }),
  } as unknown as StateTrackingSystem;
  const submissions = {
    list: async (transferId: string) => (listed.push(transferId), [...stored.values()].filter((s) => s.transferId === transferId)),
    save: async (next: Submission) => (stored.set(next.id, next), saved.push(`${next.transferId}:${next.status}`), true),
    stateRefs: async () => ({ refs: {}, openDiscrepancies: 0 }),
    saveStateRefs: async () => undefined,
    saveStatus: async () => undefined,
  } as Partial<SubmissionRepository> as SubmissionRepository;
  const sqs = {
    send: async (command: { input: { Entries: typeof visibility } }) => (visibility.push(...command.input.Entries), {}),
  } as unknown as SQSClient;
  const deps: SubmissionWorkerDeps = {
    submissions,
    transfers: { get: async (id) => transfers.get(id) },
    accounts: { account: async (licenseeId) => ({ licenseeId, system: 'biotrack-ny', stateLicenseNumber: 'LIC', identity: {} }), stateLicenseOf: async (p) => p.licenseNumber },
    systems: { 'biotrack-ny': system },
    metrics: { sent: () => undefined, succeeded: () => undefined, failed: () => undefined, retried: () => undefined },
    now: () => new Date('2026-03-02T15:00:00.000Z'),
    random: () => 0.5,
    sleep: async (ms) => void slept.push(ms),
    maxReceiveCount: 5,
    quickRetries: 2,
    backoffCapSeconds: 900,
    sqs,
    queueUrl: 'http://queue/state-submissions.fifo',
  };
  return { handler: createSubmissionWorker(deps), stored, listed, saved, slept, visibility };
}

describe('the submission worker’s batches', () => {
  it('keeps each message group in order, groups in order of first appearance', () => {
    const [a1, b1, a2] = [record('A'), record('B'), record('A')];
    expect(byMessageGroup([a1, b1, a2])).toEqual([[a1, a2], [b1]]);
  });

  it('drains the transfers of a batch at the same time: a slow state-system call of one does not hold another', async () => {
    let bDone!: () => void;
    const bRecorded = new Promise<void>((resolve) => (bDone = resolve));
    const w = world(async (transferId) => {
      // A answers only once B is recorded: drained one after the other, this batch would never end.
      if (transferId === 'A') await bRecorded;
      else queueMicrotask(bDone);
    });
    const batch = [record('A'), record('A'), record('B'), record('A')];
    expect(await w.handler({ Records: batch })).toEqual({ batchItemFailures: [] });
    expect(w.saved).toEqual(['B:succeeded', 'A:succeeded']);
    // One drain per transfer answers all of its messages in the batch.
    expect(w.listed.toSorted()).toEqual(['A', 'B']);
    expect(w.visibility).toEqual([]);
  });

  it('sends a transfer that must wait back to the queue with the wait as one message’s visibility, while the others are done', async () => {
    const w = world(async (transferId) => {
      if (transferId === 'A') throw new StateSystemError('transient', 'RATE_LIMITED', 'Too many requests', { retryAfterMs: 3000 });
    });
    const [a1, b1, a2] = [record('A'), record('B'), record('A')];
    const started = Date.now();
    const response = await w.handler({ Records: [a1, b1, a2] });
    // One message wakes A again after the wait; A's other message is done with (that drain delivers all of A, in order).
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: a1.messageId }] });
    expect(w.visibility).toEqual([{ Id: '0', ReceiptHandle: a1.receiptHandle, VisibilityTimeout: 3 }]);
    expect(w.stored.get('B-000003-ship')?.status).toBe('succeeded');
    expect(w.stored.get('A-000003-ship')).toMatchObject({ status: 'retrying', lastError: { code: 'RATE_LIMITED' } });
    // The wait is the queue's: the worker neither slept nor took anywhere near the three seconds.
    expect(w.slept).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('keeps the message with the most receives left: a later step’s message does not inherit an earlier one’s retries', async () => {
    const w = world(async (transferId) => {
      if (transferId === 'A') throw new StateSystemError('transient', 'SERVER_ERROR', 'Unavailable');
    });
    const malformed = record('B', 1, 'not json');
    const [a1, a2, b1] = [record('A', 5), record('A', 3), record('B')];
    const response = await w.handler({ Records: [malformed, a1, a2, b1] });
    // a1 is on its last receive, a2 is not: a2 carries A on, with the backoff of its third receive.
    expect(w.stored.get('A-000003-ship')).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([a2.messageId]);
    expect(w.visibility).toEqual([{ Id: '0', ReceiptHandle: a2.receiptHandle, VisibilityTimeout: 8 }]);
    // The malformed message is dropped instead of blocking its group.
    expect(w.stored.get('B-000003-ship')?.status).toBe('succeeded');
  });

  it('after the last receive, says so on the submission and lets one message go to the DLQ at once', async () => {
    const w = world(async (transferId) => {
      if (transferId === 'A') throw new StateSystemError('transient', 'SERVER_ERROR', 'Unavailable');
    });
    const [a1, a2] = [record('A', 5), record('A', 5)];
    const response = await w.handler({ Records: [a1, a2] });
    expect(w.stored.get('A-000003-ship')?.status).toBe('dead-lettered');
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([a1.messageId]);
    expect(w.visibility.map((v) => v.VisibilityTimeout)).toEqual([0]);
  });
});
