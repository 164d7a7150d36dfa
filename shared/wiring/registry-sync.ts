/**
 * The registries' sync wiring: the registry entries, the licensees' state-system accounts, the
 * adapters (with the process's GET budget) and who is connected to each system.
 */
import { createDynamoDbClients } from '../adapters/aws-clients.ts';
import type { AwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { createRegistryRepository } from '../registries/repository.ts';
import type { RegistrySyncDeps } from '../registries/state-sync.ts';
import { hubTable } from '../resources.ts';
import type { ConnectionStore } from '../state-system/connections.ts';
import { stateSystemsFrom } from '../state-system/wiring.ts';
import { createStateAccounts } from '../submissions/accounts.ts';
import { createLicenseeRepository } from '../tenants/repository.ts';

export type RegistrySyncRunDeps = RegistrySyncDeps & { readonly connections: Pick<ConnectionStore, 'connectedLicensees'> };

export async function registrySyncDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb'> = createDynamoDbClients(config)): Promise<RegistrySyncRunDeps> {
  const table = resourceName(config, hubTable);
  const systems = await stateSystemsFrom(config, aws, table);
  return {
    registries: createRegistryRepository(aws.dynamodb, table),
    accounts: createStateAccounts(createLicenseeRepository(aws.dynamodb, table)),
    systems: systems.adapters,
    connections: systems.connections,
    now: () => new Date(),
  };
}
