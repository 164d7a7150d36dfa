/**
 * The public verification page's wiring: transfers and submissions to answer from, and the
 * per-address counter that slows lookups proving no copy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import type { TransferEvent } from '../domain/transfer/index.ts';
import { createGuessCounter } from '../guessing/counter.ts';
import type { VerifyDeps } from '../manifests/use-cases.ts';
import { hubTable } from '../resources.ts';
import { createSubmissionRepository } from '../submissions/repository.ts';
import { createTransferRepository } from '../transfers/repository.ts';
import type { StoredTransfer } from '../transfers/use-cases.ts';

export function verifyPageDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb'> = createDynamoDbClients(config)): VerifyDeps {
  const table = resourceName(config, hubTable);
  return {
    transfers: createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, table),
    submissions: createSubmissionRepository(aws.dynamodb, table),
    guessing: { counter: createGuessCounter(aws.dynamodb, table, 'VERIFY'), now: () => new Date(), sleep: (ms) => sleep(ms) },
  };
}
