/**
 * The submission worker's queue side: SQS FIFO batches of "this transfer has something for the
 * state system", one message group per transfer.
 *
 * A batch holds messages of several groups. Each group is drained on its own, all groups at once:
 * a transfer whose state-system call is slow, or that must wait, never keeps another transfer of
 * the same batch waiting. Within a group the order is the queue's, and one drain (which reads the
 * transfer's submissions after the receive, so it covers every message of the batch) answers all
 * of the group's messages.
 *
 * A transfer that must retry is not waited for here. One of its messages (the one with the most
 * receives left) is reported as a partial batch failure and its visibility set to the backoff the
 * use-case chose: the queue holds the group (the transfer) back for that long, and the invocation
 * ends as soon as the other groups are done. Its other messages are done with: they only said the
 * transfer had something, and the kept message's drain delivers all of it, in order. So a
 * transfer's later steps do not spend receives waiting behind an earlier one, and a transfer that
 * keeps failing leaves one message in the DLQ, after the queue's last receive.
 */
import { ChangeMessageVisibilityBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../observability.ts';
import { deliverTransfer } from './deliver.ts';
import type { DeliveryDeps, DeliveryResult } from './deliver.ts';
import { metrics } from './metrics.ts';

const message = z.object({ transferId: z.string().min(1), submissionId: z.string().min(1) });

/** The wait before a group comes back after a drain that failed unexpectedly (a DynamoDB error, a bug). */
const UNEXPECTED_FAILURE_RETRY_SECONDS = 1;

export interface SubmissionWorkerDeps extends DeliveryDeps {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
}

/** A message that must come back, and after how long. */
interface Retry {
  readonly record: SQSRecord;
  readonly inSeconds: number;
}

/** The batch's records by message group, each group in the queue's order; groups in order of first appearance. */
export function byMessageGroup(records: readonly SQSRecord[]): SQSRecord[][] {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    // A record without a group (not a FIFO queue) is a group of its own.
    const group = record.attributes.MessageGroupId ?? `message:${record.messageId}`;
    const list = groups.get(group);
    if (list) list.push(record);
    else groups.set(group, [record]);
  }
  return [...groups.values()];
}

const receiveCountOf = (record: SQSRecord) => Number(record.attributes.ApproximateReceiveCount) || 1;

export function createSubmissionWorker(deps: SubmissionWorkerDeps) {
  /**
   * One group's messages in order. A transfer is drained once; its later messages in the group are
   * answered by that drain. At the first transfer that cannot finish now, that message and every
   * later one of the group come back after the chosen wait, so nothing overtakes it.
   */
  async function group(records: readonly SQSRecord[]): Promise<Retry[]> {
    const drained = new Set<string>();
    for (const [i, record] of records.entries()) {
      const parsed = message.safeParse(parseBody(record.body));
      if (!parsed.success) {
        // Nothing can ever deliver it; keeping it would only block its group.
        logger.error('Dropping a malformed submission message', { messageId: record.messageId });
        continue;
      }
      const { transferId } = parsed.data;
      if (drained.has(transferId)) continue;
      const rest = records.slice(i);
      const own = rest.filter((r) => transferOf(r) === transferId);
      // One of the transfer's messages is enough to wake it again: the one with the most receives left.
      const kept = own.reduce((best, r) => (receiveCountOf(r) < receiveCountOf(best) ? r : best), record);
      const result = await drainSafely(transferId, receiveCountOf(kept));
      if (!result.done) {
        logger.info('A transfer waits in the queue before its next try', { transferId, retryInSeconds: result.retryInSeconds, receiveCount: receiveCountOf(kept) });
        // Its other messages are answered (the kept one's drain reads every open submission in order);
        // what follows in the group for anything else waits behind it.
        return rest.filter((r) => r === kept || ![transferId, undefined].includes(transferOf(r))).map((r) => ({ record: r, inSeconds: result.retryInSeconds }));
      }
      drained.add(transferId);
    }
    return [];
  }

  async function drainSafely(transferId: string, receiveCount: number): Promise<DeliveryResult> {
    try {
      return await deliverTransfer(deps, transferId, receiveCount);
    } catch (error) {
      logger.error('The drain of a transfer failed; its messages come back', { transferId, error: error as Error });
      return { done: false, retryInSeconds: UNEXPECTED_FAILURE_RETRY_SECONDS };
    }
  }

  /** The queue holds each message that must retry (and its group behind it) back for the chosen wait. */
  async function scheduleRetries(retries: readonly Retry[]): Promise<void> {
    const entries = retries.map(({ record, inSeconds }, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle, VisibilityTimeout: Math.max(0, Math.round(inSeconds)) }));
    const batches: (typeof entries)[] = [];
    for (let i = 0; i < entries.length; i += 10) batches.push(entries.slice(i, i + 10));
    await Promise.all(
      batches.map(async (batch) => {
        try {
          const { Failed } = await deps.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: deps.queueUrl, Entries: batch }));
          if (Failed?.length) logger.warn('Some retries keep the queue’s visibility timeout', { failed: Failed.map((f) => f.Code) });
        } catch (error) {
          // Still reported as failures: they come back after the queue's visibility timeout instead.
          logger.warn('The retry waits were not set; the queue’s visibility timeout applies', { error: error as Error });
        }
      }),
    );
  }

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    try {
      const retries = (await Promise.all(byMessageGroup(event.Records).map(group))).flat();
      await scheduleRetries(retries);
      const failed = new Set(retries.map((r) => r.record.messageId));
      // In the batch's order, as the event source mapping expects of a FIFO queue.
      return { batchItemFailures: event.Records.filter((r) => failed.has(r.messageId)).map((r) => ({ itemIdentifier: r.messageId })) };
    } finally {
      // A batch that only found work done already has nothing to report.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function transferOf(record: SQSRecord): string | undefined {
  const parsed = message.safeParse(parseBody(record.body));
  return parsed.success ? parsed.data.transferId : undefined;
}
