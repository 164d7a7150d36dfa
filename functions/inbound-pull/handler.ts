/**
 * Every five minutes (an EventBridge schedule in AWS, a timer in local mode): pulls each connected
 * receiver's inbound transfers from the NY-API into its incoming list. One licensee's failure
 * (consent expired, state system down) does not stop the others.
 */
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import type { TransferEvent } from '#shared/domain/transfer/index.ts';
import { logger } from '#shared/observability.ts';
import { hubTable } from '#shared/resources.ts';
import type { ConnectionStore } from '#shared/state-system/connections.ts';
import { createInboundCheckpoints } from '#shared/state-system/inbound-checkpoints.ts';
import { stateSystemsFrom } from '#shared/state-system/wiring.ts';
import { createStateAccounts } from '#shared/submissions/accounts.ts';
import { createSubmissionRepository } from '#shared/submissions/repository.ts';
import { createLicenseeRepository } from '#shared/tenants/repository.ts';
import { pullInbound } from '#shared/transfers/inbound.ts';
import type { InboundDeps } from '#shared/transfers/inbound.ts';
import { createLicenseeDirectory } from '#shared/transfers/licensee-directory.ts';
import { createTransferRepository } from '#shared/transfers/repository.ts';
import type { StoredTransfer } from '#shared/transfers/use-cases.ts';

export function createHandler(deps: InboundDeps & { readonly connections: Pick<ConnectionStore, 'connectedLicensees'> }) {
  return async () => {
    let imported = 0;
    let arrived = 0;
    let skipped = 0;
    let failed = 0;
    for (const licenseeId of await deps.connections.connectedLicensees('biotrack-ny')) {
      try {
        const result = await pullInbound(deps, licenseeId);
        imported += result.imported;
        arrived += result.arrived;
        skipped += result.skipped;
      } catch (error) {
        failed += 1;
        logger.warn('Inbound pull failed for a licensee', { licenseeId, error: error as Error });
      }
    }
    return { imported, arrived, skipped, failed };
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
  licensees: createLicenseeDirectory(licensees),
  accounts: createStateAccounts(licensees),
  systems: systems.adapters,
  checkpoints: createInboundCheckpoints(aws.dynamodb, table),
  connections: systems.connections,
  now: () => new Date(),
});
