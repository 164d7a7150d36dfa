/**
 * The package picker's wiring: the licensees, their state-system accounts and the adapters (with
 * the GET budget and the facility's briefly kept package list, one per process), and the sealed
 * cursors of the list.
 */
import { createDynamoDbClients } from '../adapters/aws-clients.ts';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { pageCursorsFrom } from '../adapters/page-cursors.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { hubTable } from '../resources.ts';
import type { StatePackageDeps } from '../state-packages/list.ts';
import { stateSystemsFrom } from '../state-system/wiring.ts';
import { createStateAccounts } from '../submissions/accounts.ts';
import { createLicenseeRepository } from '../tenants/repository.ts';

export async function statePackageDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb'> = createDynamoDbClients(config)): Promise<StatePackageDeps> {
  const table = resourceName(config, hubTable);
  const licensees = createLicenseeRepository(aws.dynamodb, table);
  const systems = await stateSystemsFrom(config, aws, table);
  return { accounts: createStateAccounts(licensees), systems: systems.adapters, licensees, cursors: pageCursorsFrom(config) };
}
