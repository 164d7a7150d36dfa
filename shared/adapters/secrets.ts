/** Deployment secrets from Secrets Manager (a local endpoint in local mode), as text. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { HubConfig } from '../config.ts';

export async function secretText(config: HubConfig, secretId: string): Promise<string> {
  const client = new SecretsManagerClient({ region: config.region, ...(config.endpoints.secretsManager ? { endpoint: config.endpoints.secretsManager } : {}) });
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return SecretString ?? '';
}
