/**
 * The submission worker: SQS FIFO batches of "this transfer has something for the state system".
 * Powertools reports partial batch failures; a failed message keeps its group (the transfer)
 * waiting, and its visibility is set to the backoff the use-case chose, so retries spread out
 * instead of storming. After the queue's last receive a failing message moves to the DLQ.
 */
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
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

export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

export function createHandler(deps: DeliveryDeps & { readonly sqs: SQSClient; readonly queueUrl: string }) {
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
    await deps.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: result.retryInSeconds }),
    );
    throw new RetryLater(`Transfer ${parsed.data.transferId}: retry in ${result.retryInSeconds} s (receive ${receiveCount})`);
  }

  return async (event: SQSEvent, context: Context) => {
    try {
      return await processPartialResponse(event, one, new SqsFifoPartialProcessorAsync(), {
        context,
        // Another transfer's messages in the same batch need not wait for this one's group.
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      });
    } finally {
      metrics.publishStoredMetrics();
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
