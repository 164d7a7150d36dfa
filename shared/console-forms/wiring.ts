/**
 * The console forms' wiring: the console's own dependencies (people and sessions, the transfer
 * use-cases with the state systems), and the package picker's, on the same AWS clients.
 */
import { createAwsClients } from '../adapters/aws-clients.ts';
import type { AwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { consoleDeps } from '../console/wiring.ts';
import { statePackageDeps } from '../wiring/state-packages.ts';
import type { ConsoleFormDeps } from './use-cases.ts';

export async function consoleFormDeps(config: HubConfig, aws: AwsClients = createAwsClients(config)): Promise<ConsoleFormDeps> {
  const [console, packages] = await Promise.all([consoleDeps(config, aws), statePackageDeps(config, aws)]);
  return { ...console, packages };
}
