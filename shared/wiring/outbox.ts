/**
 * The queue side of the submission pipeline: the outbox every transition hands its submissions
 * to, the sweeper behind it and the operator's redrive. Apart from the worker's wiring, so that
 * the functions that only enqueue bundle no state-system adapter and no metrics.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients, createSqsClient } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { hubTable, stateSubmissionsQueue } from '../resources.ts';
import { createSqsSubmissionQueue } from '../submissions/outbox.ts';
import type { OutboxDeps } from '../submissions/outbox.ts';
import { createSubmissionRepository } from '../submissions/repository.ts';

/** Where committed submissions go: the queue, and the repository that marks them handed over. */
export function submissionOutbox(config: HubConfig, aws: Pick<AwsClients, 'dynamodb' | 'sqs'>): Omit<OutboxDeps, 'now'> {
  return {
    queue: createSqsSubmissionQueue(aws.sqs, resourceName(config, stateSubmissionsQueue)),
    submissions: createSubmissionRepository(aws.dynamodb, resourceName(config, hubTable)),
  };
}

/** The sweeper: the outbox, and how long a submission may sit unhanded before it is swept. */
export function outboxSweepDeps(
  config: HubConfig,
  aws: Pick<AwsClients, 'dynamodb' | 'sqs'> = { ...createDynamoDbClients(config), sqs: createSqsClient(config) },
): OutboxDeps & { readonly graceMs: number } {
  return { ...submissionOutbox(config, aws), now: () => new Date(), graceMs: config.outboxGraceSeconds * 1000 };
}

/** The operator's redrive: the queue and its dead-letter queue. */
export function redriveDeps(config: HubConfig, sqs: SQSClient = createSqsClient(config)) {
  return {
    sqs,
    queueUrl: resourceName(config, stateSubmissionsQueue),
    deadLetterUrl: resourceName(config, stateSubmissionsQueue.deadLetter),
  };
}
