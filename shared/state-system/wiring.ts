/**
 * Builds the state-system adapters from configuration, once per process: the token cipher (KMS in
 * AWS, a local key in local mode), the integrator credentials (Secrets Manager in AWS, plain
 * settings in local mode), the BioTrack adapter over them, and the Metrc adapter when Metrc is
 * configured (its base URL and vendor key; each licensee's user key is sealed in the connection
 * store) with Metrc's GET budget kept in the hub table, so that every function instance spends one
 * budget. Pointing the hub at a state's sandbox is a matter of these settings only.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { createDynamoDbBudgetStore } from '../adapters/get-budget-store.ts';
import { createKmsTokenCipher, createLocalTokenCipher } from '../adapters/token-cipher.ts';
import type { TokenCipher } from '../adapters/token-cipher.ts';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { ConfigError } from '../config.ts';
import type { HubConfig } from '../config.ts';
import { createBioTrackAdapter } from './biotrack/adapter.ts';
import { nyApiSettingsFrom } from './biotrack/settings.ts';
import { bioTrackSystem } from './biotrack/capabilities.ts';
import { createMetrcAdapter } from './metrc/adapter.ts';
import { metrcSystem } from './metrc/capabilities.ts';
import { GetBudget } from './metrc/client.ts';
import { metrcSettingsFrom } from './metrc/settings.ts';
import type { KnownStateSystem } from './capabilities.ts';
import { createConnectionStore } from './connections.ts';
import type { ConnectionStore } from './connections.ts';
import type { StateTrackingSystem } from './port.ts';

export function tokenCipherFrom(config: HubConfig): TokenCipher {
  const { kmsKeyId, localKey } = config.tokenCipher;
  if (kmsKeyId) return createKmsTokenCipher(new KMSClient({ region: config.region, ...(config.endpoints.kms ? { endpoint: config.endpoints.kms } : {}) }), kmsKeyId);
  if (localKey) return createLocalTokenCipher(Buffer.from(localKey, 'base64'));
  throw new ConfigError('Neither TOKEN_KMS_KEY_ID nor TOKEN_ENCRYPTION_KEY is set');
}

export interface StateSystems {
  readonly connections: ConnectionStore;
  /** Adapters by state system; Metrc's only when it is configured. */
  readonly adapters: Readonly<Partial<Record<KnownStateSystem, StateTrackingSystem>>>;
}

export async function stateSystemsFrom(config: HubConfig, aws: Pick<AwsClients, 'dynamodb'>, tableName: string): Promise<StateSystems> {
  const nyApi = await nyApiSettingsFrom(config);
  const metrc = await metrcSettingsFrom(config);
  const connections = createConnectionStore(aws.dynamodb, tableName, tokenCipherFrom(config));
  const now = () => new Date();
  return {
    connections,
    adapters: {
      [bioTrackSystem]: createBioTrackAdapter({ settings: nyApi, connections, fetch: globalThis.fetch, now }),
      // One GET budget for every licensee and every function instance (metrc.md §1): its counts are in the hub table.
      ...(metrc
        ? { [metrcSystem]: createMetrcAdapter({ settings: metrc, connections, fetch: globalThis.fetch, now, budget: new GetBudget(metrc.budget, { store: createDynamoDbBudgetStore(aws.dynamodb, tableName) }) }) }
        : {}),
    },
  };
}
