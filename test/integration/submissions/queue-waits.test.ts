/**
 * A failing transfer waits in the queue, not in the worker: on a real FIFO queue (local-aws-sqs,
 * the same calls as in AWS) with one poller, the worker reports the failing transfer's messages as
 * partial batch failures and sets their visibility to the wait; the queue holds that message group
 * back while another transfer is delivered, and the held transfer comes back after its wait (not
 * the queue's visibility timeout), in order, delivered once.
 *
 * The state system is a scripted stand-in (the emulator's faults are per route, not per transfer);
 * the queue, the poller and the worker are the real ones.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { queueAttributes } from '#infra/local/bootstrap.ts';
import { startQueuePoller } from '#infra/local/queue-poller.ts';
import type { QueuePoller } from '#infra/local/queue-poller.ts';
import type { Submission, SubmissionStep } from '#shared/domain/submission/submission.ts';
import type { Transfer } from '#shared/domain/transfer/index.ts';
import { StateSystemError } from '#shared/state-system/port.ts';
import type { StateTrackingSystem } from '#shared/state-system/port.ts';
import type { StoredSubmission, SubmissionRepository } from '#shared/submissions/repository.ts';
import { createSubmissionWorker } from '#shared/submissions/worker.ts';
import { arrived } from '../../unit/domain/fixtures.ts';

const { urls } = inject('hub');
const sqs = new SQSClient({ region: 'us-east-1', endpoint: urls.sqs, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
afterAll(() => sqs.destroy());

/** The queue's own visibility timeout: far longer than any wait the worker asks for. */
const VISIBILITY_TIMEOUT_SECONDS = 60;

async function fifoQueue(name: string): Promise<string> {
  const timings = { fifo: true, visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS, retentionPeriodSeconds: 3600 };
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: queueAttributes(timings) }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: queueAttributes(timings, { deadLetterTargetArn: Attributes?.QueueArn ?? '', maxReceiveCount: 5 }) }),
  );
  return queue.QueueUrl ?? '';
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Not in time: ${what}`);
}

const submission = (transferId: string, sequence: number, step: SubmissionStep): StoredSubmission => ({
  id: `${transferId}-${String(sequence).padStart(6, '0')}-${step}`,
  transferId,
  sequence,
  step,
  licenseeId: `lic-${transferId}`,
  system: 'biotrack-ny',
  status: 'pending',
  attempts: 0,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  version: 1,
});

/** Transfers A and B; the state system answers A's first shipment with a 429 asking for `retryAfterMs`. */
function world(retryAfterMs: number) {
  const transfers = new Map<string, Transfer>(['A', 'B'].map((id) => [id, { ...arrived(), id }]));
  const stored = new Map<string, Submission>();
  /** What happened, in order: `A ship 429`, `B ship ok`, … */
  const log: { at: number; what: string }[] = [];
  let aRefused = false;
  const answer = (transferId: string, step: string) => {
    if (transferId === 'A' && step === 'ship' && !aRefused) {
      aRefused = true;
      log.push({ at: Date.now(), what: 'A ship 429' });
      throw new StateSystemError('transient', 'RATE_LIMITED', 'Too many requests', { status: 429, retryAfterMs });
    }
    log.push({ at: Date.now(), what: `${transferId} ${step} ok` });
  };
  const transferOf = (account: { licenseeId: string }) => account.licenseeId.replace('lic-', '');
  const system = {
    reportShipment: async (account: { licenseeId: string }) => (answer(transferOf(account), 'ship'), { inventoryTransferIds: [7] }),
    reportArrival: async (account: { licenseeId: string }) => answer(transferOf(account), 'arrive'),
    factsOf: () => ({ objectKeys: [], followUp: false }),
  } as unknown as StateTrackingSystem;
  const submissions = {
    list: async (transferId: string) => [...stored.values()].filter((s) => s.transferId === transferId),
    save: async (next: Submission) => (stored.set(next.id, next), true),
    stateRefs: async () => ({ refs: {}, openDiscrepancies: 0 }),
    saveStateRefs: async () => undefined,
    saveStatus: async () => undefined,
  } as Partial<SubmissionRepository> as SubmissionRepository;
  return { transfers, stored, log, system, submissions };
}

let poller: QueuePoller | undefined;
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

describe('a failing transfer waits in the queue', { timeout: 60_000 }, () => {
  it('while one poller goes on with another transfer, and comes back after its wait, in order, once', async () => {
    const queueUrl = await fifoQueue(`queue-waits-${Date.now()}`);
    const w = world(2000);
    const worker = createSubmissionWorker({
      submissions: w.submissions,
      transfers: { get: async (id) => w.transfers.get(id) },
      accounts: { account: async (licenseeId) => ({ licenseeId, system: 'biotrack-ny', stateLicenseNumber: 'LIC', identity: {} }), stateLicenseOf: async (p) => p.licenseNumber },
      systems: { 'biotrack-ny': w.system },
      metrics: { sent: () => undefined, succeeded: () => undefined, failed: () => undefined, retried: () => undefined },
      now: () => new Date(),
      random: () => 0.5,
      // As the wiring gives it: a worker that slept in place would hold the poller, and B behind A.
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      maxReceiveCount: 5,
      quickRetries: 2,
      backoffCapSeconds: 900,
      sqs,
      queueUrl,
    });
    const send = async (s: Submission) => {
      w.stored.set(s.id, s);
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ transferId: s.transferId, submissionId: s.id }), MessageGroupId: s.transferId, MessageDeduplicationId: s.id }));
    };

    await send(submission('A', 3, 'ship'));
    await send(submission('B', 3, 'ship'));
    poller = await startQueuePoller({ sqs, queueUrl, batchSize: 10, waitTimeSeconds: 1, invoke: (event: SQSEvent) => worker(event) });
    const refused = await until(() => w.log.find((e) => e.what === 'A ship 429'), "A's first try");

    // A's next step is committed while A waits: it must not overtake the shipment.
    await send(submission('A', 4, 'arrive'));
    await send(submission('B', 4, 'arrive'));
    await until(() => (w.log.some((e) => e.what === 'A arrive ok') ? true : undefined), 'A delivered');

    const order = w.log.map((e) => e.what);
    // B went on while A waited: both of B's steps before A's retry, through the same single poller.
    expect(order.indexOf('B ship ok')).toBeLessThan(order.indexOf('A ship ok'));
    expect(order.indexOf('B arrive ok')).toBeLessThan(order.indexOf('A ship ok'));
    // A in order, each step once.
    expect(order.filter((what) => what.startsWith('A '))).toEqual(['A ship 429', 'A ship ok', 'A arrive ok']);
    expect(order.filter((what) => what.startsWith('B '))).toEqual(['B ship ok', 'B arrive ok']);
    // The queue held A back for its wait (a 429's two seconds), not for its 60 s visibility timeout.
    const retried = w.log.find((e) => e.what === 'A ship ok')?.at ?? 0;
    expect(retried - refused.at).toBeGreaterThanOrEqual(1500);
    expect(retried - refused.at).toBeLessThan(VISIBILITY_TIMEOUT_SECONDS * 1000 / 2);
    expect([...w.stored.values()].every((s) => s.status === 'succeeded')).toBe(true);
  });
});
