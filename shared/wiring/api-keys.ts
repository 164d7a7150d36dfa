/**
 * API keys' wiring: the key repository the authorizer checks keys against, and the one the
 * api-keys function creates, lists and revokes keys with (sealed list cursors, idempotent POSTs).
 */
import { monotonicFactory } from 'ulid';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createAwsClients } from '../adapters/aws-clients.ts';
import { pageCursorsFrom } from '../adapters/page-cursors.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { hubIdempotency } from '../http/idempotency.ts';
import type { IdempotencyDeps } from '../http/idempotency.ts';
import { hubTable } from '../resources.ts';
import { createApiKeyRepository } from '../tenants/repository.ts';
import type { TenantDeps } from '../tenants/use-cases.ts';

/** The authorizer's: the keys, looked up by their hash. */
export function keyCheckDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb'> = createAwsClients(config)): Pick<TenantDeps, 'apiKeys'> {
  return { apiKeys: createApiKeyRepository(aws.dynamodb, resourceName(config, hubTable)) };
}

export function apiKeyDeps(
  config: HubConfig,
  aws: Pick<AwsClients, 'dynamodb' | 'dynamodbClient'> = createAwsClients(config),
): Pick<TenantDeps, 'apiKeys' | 'now' | 'newId'> & { readonly idempotency: IdempotencyDeps } {
  return {
    apiKeys: createApiKeyRepository(aws.dynamodb, resourceName(config, hubTable), pageCursorsFrom(config)),
    now: () => new Date(),
    newId: monotonicFactory(),
    idempotency: hubIdempotency(config, aws.dynamodbClient),
  };
}
