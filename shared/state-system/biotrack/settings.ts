/** The NY-API's settings from configuration: the integrator's credentials from a secret in AWS, plain settings in local mode. */
import * as z from 'zod';
import { secretText } from '../../adapters/secrets.ts';
import { ConfigError, requireSetting } from '../../config.ts';
import type { HubConfig } from '../../config.ts';
import type { NyApiSettings } from './client.ts';

const credentialsSecret = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });

export async function nyApiSettingsFrom(config: HubConfig): Promise<NyApiSettings> {
  const { nyApi } = config;
  let clientId = nyApi.clientId;
  let clientSecret = nyApi.clientSecret;
  if (nyApi.credentialsSecret) {
    const parsed = credentialsSecret.safeParse(JSON.parse((await secretText(config, nyApi.credentialsSecret)) || '{}'));
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
