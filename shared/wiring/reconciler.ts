/**
 * The reconciler's wiring: what it reads and records in the table, the state systems it observes,
 * their per-licensee checkpoints, who is connected to each, and the manifest version that prints
 * the number the state issued at a person's registration.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createAwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import type { TransferEvent } from '../domain/transfer/index.ts';
import { createDiscrepancyStore } from '../reconciliation/discrepancies.ts';
import type { ReconcilerDeps } from '../reconciliation/reconciler.ts';
import { hubTable, stateSubmissionsQueue } from '../resources.ts';
import type { ConnectionStore } from '../state-system/connections.ts';
import { createInboundCheckpoints } from '../state-system/inbound-checkpoints.ts';
import { stateSystemsFrom } from '../state-system/wiring.ts';
import { createStateAccounts } from '../submissions/accounts.ts';
import { createSqsSubmissionQueue } from '../submissions/outbox.ts';
import { createSubmissionRepository } from '../submissions/repository.ts';
import { createLicenseeRepository } from '../tenants/repository.ts';
import { createLicenseeDirectory } from '../transfers/licensee-directory.ts';
import { createTransferRepository } from '../transfers/repository.ts';
import type { StoredTransfer } from '../transfers/use-cases.ts';
import { stateManifestNumbering } from './state-numbering.ts';

export type ReconcilerRunDeps = ReconcilerDeps & { readonly connections: Pick<ConnectionStore, 'connectedLicensees'> };

export async function reconcilerDeps(config: HubConfig, aws: AwsClients = createAwsClients(config)): Promise<ReconcilerRunDeps> {
  const table = resourceName(config, hubTable);
  const systems = await stateSystemsFrom(config, aws, table);
  const licensees = createLicenseeRepository(aws.dynamodb, table);
  return {
    transfers: createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, table),
    submissions: createSubmissionRepository(aws.dynamodb, table),
    discrepancies: createDiscrepancyStore(aws.dynamodb, table),
    licensees: createLicenseeDirectory(licensees),
    accounts: createStateAccounts(licensees),
    systems: systems.adapters,
    checkpoints: createInboundCheckpoints(aws.dynamodb, table),
    queue: createSqsSubmissionQueue(aws.sqs, resourceName(config, stateSubmissionsQueue)),
    connections: systems.connections,
    // Metrc issues its number when a person registers the template: the reconciler sees it first.
    onStateManifestNumber: stateManifestNumbering(config, aws),
    judging: { timeToleranceMinutes: config.stateTimeToleranceMinutes },
    now: () => new Date(),
  };
}
