/**
 * Every five minutes (an EventBridge schedule in AWS, a timer in local mode): the reconciler, for
 * each state system and each licensee connected to it, reads back what the state shows (transfers
 * addressed to the licensee, what became of its own) and hands it to the domain. One licensee's
 * failure (consent expired, state system down) does not stop the others.
 */
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import type { TransferEvent } from '#shared/domain/transfer/index.ts';
import { logger } from '#shared/observability.ts';
import { createDiscrepancyStore } from '#shared/reconciliation/discrepancies.ts';
import { reconcileLicensee } from '#shared/reconciliation/reconciler.ts';
import type { ReconcilerDeps } from '#shared/reconciliation/reconciler.ts';
import { hubTable } from '#shared/resources.ts';
import type { ConnectionStore } from '#shared/state-system/connections.ts';
import { createInboundCheckpoints } from '#shared/state-system/inbound-checkpoints.ts';
import { stateSystemsFrom } from '#shared/state-system/wiring.ts';
import { createStateAccounts } from '#shared/submissions/accounts.ts';
import { createSubmissionRepository } from '#shared/submissions/repository.ts';
import { createLicenseeRepository } from '#shared/tenants/repository.ts';
import { createLicenseeDirectory } from '#shared/transfers/licensee-directory.ts';
import { createTransferRepository } from '#shared/transfers/repository.ts';
import type { StoredTransfer } from '#shared/transfers/use-cases.ts';

export function createHandler(deps: ReconcilerDeps & { readonly connections: Pick<ConnectionStore, 'connectedLicensees'> }) {
  return async () => {
    const totals = { imported: 0, arrived: 0, observed: 0, discrepancies: 0, skipped: 0, failed: 0 };
    for (const system of Object.keys(deps.systems)) {
      for (const licenseeId of await deps.connections.connectedLicensees(system)) {
        try {
          const result = await reconcileLicensee(deps, licenseeId);
          for (const name of Object.keys(result) as (keyof typeof result)[]) totals[name] += result[name];
        } catch (error) {
          totals.failed += 1;
          logger.warn('Reconciliation failed for a licensee', { licenseeId, system, error: error as Error });
        }
      }
    }
    return totals;
  };
}

const config = readConfig();
const aws = createAwsClients(config);
const table = resourceName(config, hubTable);
const systems = await stateSystemsFrom(config, aws, table);
const licensees = createLicenseeRepository(aws.dynamodb, table);
export const handler = createHandler({
  transfers: createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, table),
  submissions: createSubmissionRepository(aws.dynamodb, table),
  discrepancies: createDiscrepancyStore(aws.dynamodb, table),
  licensees: createLicenseeDirectory(licensees),
  accounts: createStateAccounts(licensees),
  systems: systems.adapters,
  checkpoints: createInboundCheckpoints(aws.dynamodb, table),
  connections: systems.connections,
  now: () => new Date(),
});
