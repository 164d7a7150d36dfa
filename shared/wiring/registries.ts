/**
 * The registries' wiring (drivers, vehicles, partners): their repository with sealed list cursors,
 * and idempotent POSTs.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients } from '../adapters/aws-clients.ts';
import { pageCursorsFrom } from '../adapters/page-cursors.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { hubIdempotency } from '../http/idempotency.ts';
import type { IdempotencyDeps } from '../http/idempotency.ts';
import { createRegistryRepository } from '../registries/repository.ts';
import type { RegistryDeps } from '../registries/use-cases.ts';
import { hubTable } from '../resources.ts';

export function registryDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb' | 'dynamodbClient'> = createDynamoDbClients(config)): RegistryDeps & { readonly idempotency: IdempotencyDeps } {
  return {
    registries: createRegistryRepository(aws.dynamodb, resourceName(config, hubTable), pageCursorsFrom(config)),
    now: () => new Date(),
    idempotency: hubIdempotency(config, aws.dynamodbClient),
  };
}
