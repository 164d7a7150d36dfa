/**
 * The transfers API's wiring: the transfer, registry and licensee repositories, manifest PDFs and
 * their bucket, receipt links, the outbox, and (in the function) the state systems' pre-flight.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createAwsClients } from '../adapters/aws-clients.ts';
import { pageCursorsFrom } from '../adapters/page-cursors.ts';
import type { HubConfig } from '../config.ts';
import { requireSetting, resourceName } from '../config.ts';
import { hubIdempotency } from '../http/idempotency.ts';
import type { IdempotencyDeps } from '../http/idempotency.ts';
import { createS3ManifestStore } from '../manifests/store.ts';
import { receiptLinkSettings } from '../receipt-links/tokens.ts';
import { receiptFilesFrom } from '../receipt-links/uploads.ts';
import { createDiscrepancyStore } from '../reconciliation/discrepancies.ts';
import { createRegistryRepository } from '../registries/repository.ts';
import { documentsBucket, hubTable } from '../resources.ts';
import { stateSystemsFrom } from '../state-system/wiring.ts';
import type { StateSystems } from '../state-system/wiring.ts';
import { createStateAccounts } from '../submissions/accounts.ts';
import { createSubmissionRepository } from '../submissions/repository.ts';
import { createLicenseeRepository } from '../tenants/repository.ts';
import { createLicenseeDirectory } from '../transfers/licensee-directory.ts';
import { createStateChecks } from '../transfers/preflight.ts';
import { createTransferRepository } from '../transfers/repository.ts';
import type { TransferDeps } from '../transfers/use-cases.ts';
import { submissionOutbox } from './outbox.ts';

export type TransferApiDeps = TransferDeps & { readonly stateVerdictWaitMs: number };

/** The use-cases' dependencies on the hub's real table, buckets and queue; with `systems`, the pre-flight too. */
export function transferDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb' | 's3' | 'sqs'>, systems?: StateSystems): TransferApiDeps {
  const table = resourceName(config, hubTable);
  const licensees = createLicenseeRepository(aws.dynamodb, table);
  return {
    transfers: createTransferRepository(aws.dynamodb, table, pageCursorsFrom(config)),
    registries: createRegistryRepository(aws.dynamodb, table),
    licensees: createLicenseeDirectory(licensees),
    ...(systems
      ? {
          stateChecks: createStateChecks({ accounts: createStateAccounts(licensees), systems: systems.adapters }),
          stateManifests: {
            accounts: createStateAccounts(licensees),
            systems: systems.adapters,
            submissions: createSubmissionRepository(aws.dynamodb, table),
            documents: createS3ManifestStore(aws.s3, resourceName(config, documentsBucket)),
          },
        }
      : {}),
    rules: config.transferRules,
    defaultStateSystem: config.defaultStateSystem,
    manifests: {
      publicBaseUrl: requireSetting(config.publicBaseUrl, 'PUBLIC_BASE_URL'),
      // pdf-lib and the font are loaded when a manifest is first rendered, not at every cold start.
      render: async (document) => (await import('../manifests/pdf/manifest-pdf.ts')).renderManifestPdf(document),
      store: createS3ManifestStore(aws.s3, resourceName(config, documentsBucket)),
    },
    receiptLinks: receiptLinkSettings(config),
    receiptFiles: receiptFilesFrom(config, aws.s3),
    stateVerdictWaitMs: config.stateVerdictWaitMs,
    outbox: submissionOutbox(config, aws),
    discrepancies: createDiscrepancyStore(aws.dynamodb, table),
    now: () => new Date(),
  };
}

/** The function's: the use-cases' dependencies with the state systems, and idempotent POSTs. */
export async function transferApiDeps(config: HubConfig, aws: AwsClients = createAwsClients(config)): Promise<TransferApiDeps & { readonly idempotency: IdempotencyDeps }> {
  return {
    ...transferDeps(config, aws, await stateSystemsFrom(config, aws, resourceName(config, hubTable))),
    idempotency: hubIdempotency(config, aws.dynamodbClient),
  };
}
