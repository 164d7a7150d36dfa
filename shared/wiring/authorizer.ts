/**
 * The authorizer's wiring: the API keys, looked up by their hash. Apart from the API keys' own
 * wiring, so that the authorizer bundles neither idempotency nor the cursor key's KMS client.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { hubTable } from '../resources.ts';
import { createApiKeyRepository } from '../tenants/repository.ts';
import type { TenantDeps } from '../tenants/use-cases.ts';

export function keyCheckDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb'> = createDynamoDbClients(config)): Pick<TenantDeps, 'apiKeys'> {
  return { apiKeys: createApiKeyRepository(aws.dynamodb, resourceName(config, hubTable)) };
}
