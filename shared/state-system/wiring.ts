/**
 * Builds the state-system adapters from configuration, once per process: the token cipher (KMS in
 * AWS, a local key in local mode), the integrator credentials (Secrets Manager in AWS, plain
 * settings in local mode), the BioTrack adapter over them, and the Metrc adapter when Metrc is
 * configured (its base URL and vendor key; each licensee's user key is sealed in the connection
 * store). Pointing the hub at a state's sandbox is a matter of these settings only.
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
import { createMetrcAdapter } from './metrc/adapter.ts';
import { metrcSystem } from './metrc/capabilities.ts';
import { GetBudget } from './metrc/client.ts';
import type { MetrcSettings } from './metrc/client.ts';
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
    const { SecretString } = await secretsManager(config).send(new GetSecretValueCommand({ SecretId: nyApi.credentialsSecret }));
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

const vendorKeySecret = z.union([z.object({ vendorKey: z.string().min(1) }).transform((secret) => secret.vendorKey), z.string().min(1)]);

function secretsManager(config: HubConfig): SecretsManagerClient {
  return new SecretsManagerClient({ region: config.region, ...(config.endpoints.secretsManager ? { endpoint: config.endpoints.secretsManager } : {}) });
}

/** Metrc's settings, or none when Metrc is not configured (no base URL). */
export async function metrcSettingsFrom(config: HubConfig): Promise<MetrcSettings | undefined> {
  const { metrc } = config;
  if (!metrc.baseUrl) return undefined;
  let vendorKey = metrc.vendorKey;
  if (metrc.vendorKeySecret) {
    const { SecretString } = await secretsManager(config).send(new GetSecretValueCommand({ SecretId: metrc.vendorKeySecret }));
    const text = SecretString ?? '';
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // A plain-text secret is the key itself.
    }
    const parsed = vendorKeySecret.safeParse(json);
    if (!parsed.success) throw new ConfigError('The Metrc vendor key secret must be the key, or JSON {"vendorKey"}');
    vendorKey = parsed.data;
  }
  return {
    baseUrl: metrc.baseUrl,
    vendorKey: requireSetting(vendorKey, 'METRC_VENDOR_KEY or METRC_VENDOR_KEY_SECRET'),
    timeoutMs: metrc.timeoutMs,
    ...(metrc.settleMs === undefined ? {} : { settleMs: metrc.settleMs }),
    pageSize: metrc.pageSize,
    windowHours: metrc.windowHours,
    overlapMinutes: metrc.overlapMinutes,
    lookbackHours: metrc.lookbackHours,
    maxWindowsPerCall: metrc.maxWindowsPerCall,
    timeZone: metrc.timeZone,
    transferTypeName: metrc.transferTypeName,
    ...(metrc.registerLink ? { registerLink: metrc.registerLink } : {}),
    budget: metrc.budget,
  };
}

export interface StateSystems {
  readonly settings: NyApiSettings;
  readonly connections: ConnectionStore;
  /** Adapters by state system; Metrc's only when it is configured. */
  readonly adapters: { readonly 'biotrack-ny': StateTrackingSystem; readonly metrc?: StateTrackingSystem };
}

export async function stateSystemsFrom(config: HubConfig, aws: AwsClients, tableName: string): Promise<StateSystems> {
  const settings = await nyApiSettingsFrom(config);
  const metrc = await metrcSettingsFrom(config);
  const connections = createConnectionStore(aws.dynamodb, tableName, tokenCipherFrom(config));
  const now = () => new Date();
  return {
    settings,
    connections,
    adapters: {
      'biotrack-ny': createBioTrackAdapter({ settings, connections, fetch: globalThis.fetch, now }),
      // One GET budget per process, shared by every licensee it serves (metrc.md §1).
      ...(metrc ? { [metrcSystem]: createMetrcAdapter({ settings: metrc, connections, fetch: globalThis.fetch, now, budget: new GetBudget(metrc.budget) }) } : {}),
    },
  };
}
