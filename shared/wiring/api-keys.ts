/**
 * API keys' wiring: the key repository the api-keys function creates, lists and revokes keys with
 * (sealed list cursors), and idempotent POSTs.
 */
import { monotonicFactory } from 'ulid';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients } from '../adapters/aws-clients.ts';
import { pageCursorsFrom } from '../adapters/page-cursors.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { hubIdempotency } from '../http/idempotency.ts';
import type { IdempotencyDeps } from '../http/idempotency.ts';
import { hubTable } from '../resources.ts';
import { createApiKeyRepository } from '../tenants/repository.ts';
import type { TenantDeps } from '../tenants/use-cases.ts';

export function apiKeyDeps(
  config: HubConfig,
  aws: Pick<AwsClients, 'dynamodb' | 'dynamodbClient'> = createDynamoDbClients(config),
): Pick<TenantDeps, 'apiKeys' | 'now' | 'newId'> & { readonly idempotency: IdempotencyDeps } {
  return {
    apiKeys: createApiKeyRepository(aws.dynamodb, resourceName(config, hubTable), pageCursorsFrom(config)),
    now: () => new Date(),
    newId: monotonicFactory(),
    idempotency: hubIdempotency(config, aws.dynamodbClient),
  };
}
