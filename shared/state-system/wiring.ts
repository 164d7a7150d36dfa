/**
 * Builds the state-system adapters from configuration, once per process: the token cipher (KMS in
 * AWS, a local key in local mode), the integrator credentials (Secrets Manager in AWS, plain
 * settings in local mode) and the BioTrack adapter over them. Pointing the hub at the state's
 * sandbox is a matter of these settings only.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { createKmsTokenCipher, createLocalTokenCipher } from '../adapters/token-cipher.ts';
import type { TokenCipher } from '../adapters/token-cipher.ts';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { ConfigError, requireSetting } from '../config.ts';
import type { HubConfig } from '../config.ts';
import { createBioTrackAdapter } from './biotrack/adapter.ts';
import type { NyApiSettings } from './biotrack/client.ts';
import { createConnectionStore } from './connections.ts';
import type { ConnectionStore } from './connections.ts';
import type { StateTrackingSystem } from './port.ts';

export function tokenCipherFrom(config: HubConfig): TokenCipher {
  const { kmsKeyId, localKey } = config.tokenCipher;
  if (kmsKeyId) return createKmsTokenCipher(new KMSClient({ region: config.region, ...(config.endpoints.kms ? { endpoint: config.endpoints.kms } : {}) }), kmsKeyId);
  if (localKey) return createLocalTokenCipher(Buffer.from(localKey, 'base64'));
  throw new ConfigError('Neither TOKEN_KMS_KEY_ID nor TOKEN_ENCRYPTION_KEY is set');
}

const credentialsSecret = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });

export async function nyApiSettingsFrom(config: HubConfig): Promise<NyApiSettings> {
  const { nyApi } = config;
  let clientId = nyApi.clientId;
  let clientSecret = nyApi.clientSecret;
  if (nyApi.credentialsSecret) {
    const secrets = new SecretsManagerClient({ region: config.region, ...(config.endpoints.secretsManager ? { endpoint: config.endpoints.secretsManager } : {}) });
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: nyApi.credentialsSecret }));
    const parsed = credentialsSecret.safeParse(JSON.parse(SecretString ?? '{}'));
    if (!parsed.success) throw new ConfigError('The NY-API credentials secret must be JSON {"clientId", "clientSecret"}');
    ({ clientId, clientSecret } = parsed.data);
  }
  return {
    baseUrl: requireSetting(nyApi.baseUrl, 'NYAPI_BASE_URL'),
    tokenPath: nyApi.tokenPath,
    authorizePath: nyApi.authorizePath,
    clientId: requireSetting(clientId, 'NYAPI_CLIENT_ID or NYAPI_CREDENTIALS_SECRET'),
    clientSecret: requireSetting(clientSecret, 'NYAPI_CLIENT_SECRET or NYAPI_CREDENTIALS_SECRET'),
    timeoutMs: nyApi.timeoutMs,
    ...(nyApi.settleMs === undefined ? {} : { settleMs: nyApi.settleMs }),
  };
}

export interface StateSystems {
  readonly settings: NyApiSettings;
  readonly connections: ConnectionStore;
  /** Adapters by state system; Metrc joins when its adapter exists. */
  readonly adapters: { readonly 'biotrack-ny': StateTrackingSystem };
}

export async function stateSystemsFrom(config: HubConfig, aws: AwsClients, tableName: string): Promise<StateSystems> {
  const settings = await nyApiSettingsFrom(config);
  const connections = createConnectionStore(aws.dynamodb, tableName, tokenCipherFrom(config));
  return {
    settings,
    connections,
    adapters: { 'biotrack-ny': createBioTrackAdapter({ settings, connections, fetch: globalThis.fetch, now: () => new Date() }) },
  };
}
