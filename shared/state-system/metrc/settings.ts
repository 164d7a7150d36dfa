/** Metrc's settings from configuration, or none when Metrc is not configured (no base URL): the vendor key from a secret in AWS. */
import * as z from 'zod';
import { secretText } from '../../adapters/secrets.ts';
import { ConfigError, requireSetting } from '../../config.ts';
import type { HubConfig } from '../../config.ts';
import type { MetrcSettings } from './client.ts';
import { metrcRulesFrom } from './rules.ts';

const vendorKeySecret = z.union([z.object({ vendorKey: z.string().min(1) }).transform((secret) => secret.vendorKey), z.string().min(1)]);

async function vendorKeyIn(config: HubConfig, secretId: string): Promise<string> {
  const text = await secretText(config, secretId);
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // A plain-text secret is the key itself.
  }
  const parsed = vendorKeySecret.safeParse(json);
  if (!parsed.success) throw new ConfigError('The Metrc vendor key secret must be the key, or JSON {"vendorKey"}');
  return parsed.data;
}

export async function metrcSettingsFrom(config: HubConfig): Promise<MetrcSettings | undefined> {
  const { baseUrl, vendorKey, vendorKeySecret: secretId, rules, ...tuning } = config.metrc;
  if (!baseUrl) return undefined;
  return {
    ...tuning,
    // Parsed here, so a malformed METRC_RULES stops the function at start with its reason.
    rules: metrcRulesFrom(rules),
    baseUrl,
    vendorKey: requireSetting(secretId ? await vendorKeyIn(config, secretId) : vendorKey, 'METRC_VENDOR_KEY or METRC_VENDOR_KEY_SECRET'),
  };
}
