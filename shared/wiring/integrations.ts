/**
 * The integrations function's wiring: BioTrack's consent and state users, and Metrc's user key,
 * over one connection store whose secrets the token cipher seals.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients, createSqsClient } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { requireSetting, resourceName } from '../config.ts';
import { hubTable, stateSubmissionsQueue } from '../resources.ts';
import type { ConsentDeps } from '../state-system/biotrack/consent.ts';
import { nyApiSettingsFrom } from '../state-system/biotrack/settings.ts';
import { createConnectionStore, createConsentRequests } from '../state-system/connections.ts';
import type { CredentialsDeps } from '../state-system/metrc/credentials.ts';
import { GetBudget } from '../state-system/metrc/client.ts';
import { metrcSettingsFrom } from '../state-system/metrc/settings.ts';
import { createDynamoDbBudgetStore } from '../adapters/get-budget-store.ts';
import { tokenCipherFrom } from '../state-system/wiring.ts';
import { createSqsSubmissionQueue } from '../submissions/outbox.ts';
import { createSubmissionRepository } from '../submissions/repository.ts';
import { createApiKeyRepository, createLicenseeRepository } from '../tenants/repository.ts';

export interface IntegrationDeps {
  readonly consent: ConsentDeps;
  readonly credentials: CredentialsDeps;
}

export async function integrationDeps(
  config: HubConfig,
  aws: Pick<AwsClients, 'dynamodb' | 'sqs'> = { ...createDynamoDbClients(config), sqs: createSqsClient(config) },
): Promise<IntegrationDeps> {
  const table = resourceName(config, hubTable);
  const connections = createConnectionStore(aws.dynamodb, table, tokenCipherFrom(config));
  const shared = {
    connections,
    licensees: createLicenseeRepository(aws.dynamodb, table),
    submissions: createSubmissionRepository(aws.dynamodb, table),
    queue: createSqsSubmissionQueue(aws.sqs, resourceName(config, stateSubmissionsQueue)),
    fetch: globalThis.fetch,
    now: () => new Date(),
  };
  const [nyApi, metrc] = await Promise.all([nyApiSettingsFrom(config), metrcSettingsFrom(config)]);
  return {
    consent: {
      ...shared,
      requests: createConsentRequests(aws.dynamodb, table),
      settings: nyApi,
      apiKeys: createApiKeyRepository(aws.dynamodb, table),
      publicBaseUrl: requireSetting(config.publicBaseUrl, 'PUBLIC_BASE_URL'),
    },
    // The key check spends the facility's GET budget that every instance shares (its counts in the hub table).
    credentials: { ...shared, settings: metrc, ...(metrc ? { budget: new GetBudget(metrc.budget, { store: createDynamoDbBudgetStore(aws.dynamodb, table) }) } : {}) },
  };
}
