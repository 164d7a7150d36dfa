/**
 * The submission worker's wiring: the submissions and transfers it reads, the state systems it
 * reports to, its metrics and its queue, and the manifest version that prints the state's number.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createAwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import type { TransferEvent } from '../domain/transfer/index.ts';
import { hubTable, stateSubmissionsQueue } from '../resources.ts';
import { stateSystemsFrom } from '../state-system/wiring.ts';
import { createStateAccounts } from '../submissions/accounts.ts';
import { submissionMetrics } from '../submissions/metrics.ts';
import { createSubmissionRepository } from '../submissions/repository.ts';
import type { SubmissionWorkerDeps } from '../submissions/worker.ts';
import { createLicenseeRepository } from '../tenants/repository.ts';
import { createTransferRepository } from '../transfers/repository.ts';
import type { StoredTransfer } from '../transfers/use-cases.ts';
import { stateManifestNumbering } from './state-numbering.ts';

// All the clients: the state systems' wiring takes them together, though it reads DynamoDB only;
// the manifest version that prints the state's number is stored in S3.
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
    // BioTrack's manifest id comes with the manifest report's answer: the driver's paper should print it.
    onStateManifestNumber: stateManifestNumbering(config, aws),
    sqs: aws.sqs,
    queueUrl: resourceName(config, stateSubmissionsQueue),
  };
}
