/**
 * The submission worker's queue side: SQS FIFO batches of "this transfer has something for the
 * state system". Powertools reports partial batch failures; a failed message keeps its group (the
 * transfer) waiting, and its visibility is set to the backoff the use-case chose, so retries spread
 * out instead of storming. After the queue's last receive a failing message moves to the DLQ.
 */
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../observability.ts';
import { deliverTransfer } from './deliver.ts';
import type { DeliveryDeps } from './deliver.ts';
import { metrics } from './metrics.ts';

const message = z.object({ transferId: z.string().min(1), submissionId: z.string().min(1) });

/** Fails the record so its message (and its group) comes back after the chosen backoff. */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

export interface SubmissionWorkerDeps extends DeliveryDeps {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
}

export function createSubmissionWorker(deps: SubmissionWorkerDeps) {
  /** The wait chosen for each transfer (message group) that must retry, in this batch. */
  let retryIn = new Map<string, number>();

  async function one(record: SQSRecord): Promise<void> {
    const parsed = message.safeParse(JSON.parse(record.body));
    if (!parsed.success) {
      // Nothing can ever deliver it; keeping it would only block its group.
      logger.error('Dropping a malformed submission message', { messageId: record.messageId });
      return;
    }
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    const result = await deliverTransfer(deps, parsed.data.transferId, receiveCount);
    if (result.done) return;
    retryIn.set(parsed.data.transferId, result.retryInSeconds);
    throw new RetryLater(`Transfer ${parsed.data.transferId}: retry in ${result.retryInSeconds} s (receive ${receiveCount})`);
  }

  /**
   * Every failed message (the one that must retry and those of its group skipped after it) comes
   * back after the chosen backoff, not after the queue's whole visibility timeout.
   */
  async function scheduleRetries(records: readonly SQSRecord[], failed: ReadonlySet<string>): Promise<void> {
    const entries = records.flatMap((record, i) => {
      if (!failed.has(record.messageId)) return [];
      const group = record.attributes.MessageGroupId ?? '';
      return [{ Id: String(i), ReceiptHandle: record.receiptHandle, VisibilityTimeout: retryIn.get(group) ?? 1 }];
    });
    for (let i = 0; i < entries.length; i += 10) {
      await deps.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: deps.queueUrl, Entries: entries.slice(i, i + 10) }));
    }
  }

  return async (event: SQSEvent, context: Context) => {
    retryIn = new Map();
    try {
      const response = await processPartialResponse(event, one, new SqsFifoPartialProcessorAsync(), {
        context,
        // Another transfer's messages in the same batch need not wait for this one's group.
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      });
      await scheduleRetries(event.Records, new Set(response.batchItemFailures.map((f) => f.itemIdentifier)));
      return response;
    } finally {
      // A batch that only found work done already has nothing to report.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
