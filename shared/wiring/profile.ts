/**
 * The profile's wiring (`GET /v1/me`): the licensee, its connection records, and the counts of
 * what waits on it, all read from the hub table through the DynamoDB client only.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { createDiscrepancyStore } from '../reconciliation/discrepancies.ts';
import type { DiscrepancyStore } from '../reconciliation/discrepancies.ts';
import { hubTable } from '../resources.ts';
import { createConsentReader } from '../state-system/connections.ts';
import type { ConnectionStore } from '../state-system/connections.ts';
import { createSubmissionRepository } from '../submissions/repository.ts';
import type { SubmissionRepository } from '../submissions/repository.ts';
import { createLicenseeRepository } from '../tenants/repository.ts';
import type { TenantDeps } from '../tenants/use-cases.ts';

export type ProfileDeps = Pick<TenantDeps, 'licensees'> & {
  readonly consent: Pick<ConnectionStore, 'consentDates'>;
  readonly submissions: Pick<SubmissionRepository, 'countRefused' | 'countOverdue'>;
  readonly discrepancies: Pick<DiscrepancyStore, 'countOpen'>;
  readonly now: () => Date;
};

export function profileDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb'> = createDynamoDbClients(config)): ProfileDeps {
  const table = resourceName(config, hubTable);
  return {
    licensees: createLicenseeRepository(aws.dynamodb, table),
    consent: createConsentReader(aws.dynamodb, table),
    submissions: createSubmissionRepository(aws.dynamodb, table),
    discrepancies: createDiscrepancyStore(aws.dynamodb, table),
    now: () => new Date(),
  };
}
