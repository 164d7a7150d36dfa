/**
 * The submission pipeline's wiring: the outbox every transition hands its submissions to, the
 * worker that delivers them, the sweeper behind the outbox and the operator's redrive.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createAwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { hubTable, stateSubmissionsQueue } from '../resources.ts';
import { stateSystemsFrom } from '../state-system/wiring.ts';
import { createStateAccounts } from '../submissions/accounts.ts';
import { submissionMetrics } from '../submissions/metrics.ts';
import { createSqsSubmissionQueue } from '../submissions/outbox.ts';
import type { OutboxDeps } from '../submissions/outbox.ts';
import { createSubmissionRepository } from '../submissions/repository.ts';
import type { SubmissionWorkerDeps } from '../submissions/worker.ts';
import { createLicenseeRepository } from '../tenants/repository.ts';
import { createTransferRepository } from '../transfers/repository.ts';
import type { TransferEvent } from '../domain/transfer/index.ts';
import type { StoredTransfer } from '../transfers/use-cases.ts';

/** Where committed submissions go: the queue, and the repository that marks them handed over. */
export function submissionOutbox(config: HubConfig, aws: Pick<AwsClients, 'dynamodb' | 'sqs'>): Omit<OutboxDeps, 'now'> {
  return {
    queue: createSqsSubmissionQueue(aws.sqs, resourceName(config, stateSubmissionsQueue)),
    submissions: createSubmissionRepository(aws.dynamodb, resourceName(config, hubTable)),
  };
}

/** The worker: the submissions and transfers it reads, the state systems it reports to, and its queue. */
export async function submissionWorkerDeps(config: HubConfig, aws: AwsClients = createAwsClients(config)): Promise<SubmissionWorkerDeps> {
  const table = resourceName(config, hubTable);
  const systems = await stateSystemsFrom(config, aws, table);
  return {
    submissions: createSubmissionRepository(aws.dynamodb, table),
    transfers: createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, table),
    accounts: createStateAccounts(createLicenseeRepository(aws.dynamodb, table)),
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
  };
}

/** The sweeper: the outbox, and how long a submission may sit unhanded before it is swept. */
export function outboxSweepDeps(config: HubConfig, aws: AwsClients = createAwsClients(config)): OutboxDeps & { readonly graceMs: number } {
  return { ...submissionOutbox(config, aws), now: () => new Date(), graceMs: config.outboxGraceSeconds * 1000 };
}

/** The operator's redrive: the queue and its dead-letter queue. */
export function redriveDeps(config: HubConfig, aws: AwsClients = createAwsClients(config)) {
  return {
    sqs: aws.sqs,
    queueUrl: resourceName(config, stateSubmissionsQueue),
    deadLetterUrl: resourceName(config, stateSubmissionsQueue.deadLetter),
  };
}
