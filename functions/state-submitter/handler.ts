/**
 * The submission worker: SQS FIFO batches of "this transfer has something for the state system".
 * Powertools reports partial batch failures; a failed message keeps its group (the transfer)
 * waiting, and its visibility is set to the backoff the use-case chose, so retries spread out
 * instead of storming. After the queue's last receive a failing message moves to the DLQ.
 */
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { hubTable, stateSubmissionsQueue } from '#shared/resources.ts';
import { createStateAccounts } from '#shared/submissions/accounts.ts';
import { deliverTransfer } from '#shared/submissions/deliver.ts';
import type { DeliveryDeps } from '#shared/submissions/deliver.ts';
import { metrics, submissionMetrics } from '#shared/submissions/metrics.ts';
import { createSubmissionRepository } from '#shared/submissions/repository.ts';
import { stateSystemsFrom } from '#shared/state-system/wiring.ts';
import { createLicenseeRepository } from '#shared/tenants/repository.ts';
import { createTransferRepository } from '#shared/transfers/repository.ts';
import type { StoredTransfer } from '#shared/transfers/use-cases.ts';
import type { TransferEvent } from '#shared/domain/transfer/index.ts';

const message = z.object({ transferId: z.string().min(1), submissionId: z.string().min(1) });

/** Fails the record so its message (and its group) comes back after the chosen backoff. */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

export function createHandler(deps: DeliveryDeps & { readonly sqs: SQSClient; readonly queueUrl: string }) {
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

const config = readConfig();
const aws = createAwsClients(config);
const table = resourceName(config, hubTable);
const systems = await stateSystemsFrom(config, aws, table);
const licensees = createLicenseeRepository(aws.dynamodb, table);

export const handler = createHandler({
  submissions: createSubmissionRepository(aws.dynamodb, table),
  transfers: createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, table),
  accounts: createStateAccounts(licensees),
  systems: systems.adapters,
  metrics: submissionMetrics,
  now: () => new Date(),
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  maxReceiveCount: stateSubmissionsQueue.deadLetter.maxReceiveCount,
  quickRetries: 2,
  backoffCapSeconds: config.submissionBackoffCapSeconds,
  sqs: aws.sqs,
  queueUrl: resourceName(config, stateSubmissionsQueue),
});
