/**
 * The only place that reads `process.env`. Every function gets the names of all hub resources
 * (names are not privileges: IAM grants are per function, see `shared/routes.ts`).
 * The endpoint overrides are set by local mode only; in AWS the SDK's defaults apply.
 */
import { z } from 'zod';
import { defaultTransferRules, stateSystems } from './domain/transfer/index.ts';
import type { StateSystem, TransferRules } from './domain/transfer/index.ts';
import { buckets, queues, tables } from './resources.ts';
import type { QueueDefinition } from './resources.ts';

const resourceEnv = Object.fromEntries([
  ...tables.map((t) => [t.env, z.string().min(1)] as const),
  ...buckets.map((b) => [b.env, z.string().min(1)] as const),
  ...(queues as readonly QueueDefinition[]).flatMap((q) => [
    [q.env, z.url()] as const,
    ...(q.deadLetter ? [[q.deadLetter.env, z.url()] as const] : []),
  ]),
]) as Record<string, z.ZodString>;

const envSchema = z.object({
  ...resourceEnv,
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  AWS_ENDPOINT_URL_S3: z.url().optional(),
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  /** s3rver (local mode) only understands path-style addressing. */
  S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  /** JSON overriding transfer rules, e.g. `{"receivingVariance":{"threshold":0.03}}`; defaults otherwise. */
  TRANSFER_RULES: z.string().optional(),
  /** The state system an integrated partner that is not a tenant reports to. */
  DEFAULT_STATE_SYSTEM: z.enum(stateSystems).exclude(['none']).default('biotrack-ny'),
  /** The hub's public address: manifests' QR codes point at its verification page. Set by the stack and by local mode. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The benchmark's capacity meter (`npm run bench`); never set in AWS. */
  DYNAMODB_CAPACITY_METER: z.stringbool().default(false),
});

export interface HubConfig {
  readonly region: string;
  readonly endpoints: { readonly dynamodb?: string; readonly s3?: string; readonly sqs?: string };
  readonly s3ForcePathStyle: boolean;
  readonly meterDynamoDbCapacity: boolean;
  readonly transferRules: TransferRules;
  readonly defaultStateSystem: StateSystem;
  readonly publicBaseUrl?: string;
  /** Physical resource names keyed by the `env` of their definition in `shared/resources.ts`. */
  readonly resources: Readonly<Record<string, string>>;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A setting only some functions need: they ask for it at start and fail fast without it. */
export function requireSetting<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ConfigError(`${name} is not set`);
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  const e = parsed.data as z.infer<typeof envSchema> & Record<string, string>;
  const resources: Record<string, string> = {};
  for (const key of Object.keys(resourceEnv)) resources[key] = e[key] as string;
  return {
    region: e.AWS_REGION,
    endpoints: {
      ...(e.AWS_ENDPOINT_URL_DYNAMODB ? { dynamodb: e.AWS_ENDPOINT_URL_DYNAMODB } : {}),
      ...(e.AWS_ENDPOINT_URL_S3 ? { s3: e.AWS_ENDPOINT_URL_S3 } : {}),
      ...(e.AWS_ENDPOINT_URL_SQS ? { sqs: e.AWS_ENDPOINT_URL_SQS } : {}),
    },
    s3ForcePathStyle: e.S3_FORCE_PATH_STYLE,
    meterDynamoDbCapacity: e.DYNAMODB_CAPACITY_METER,
    transferRules: transferRules(e.TRANSFER_RULES),
    defaultStateSystem: e.DEFAULT_STATE_SYSTEM,
    ...(e.PUBLIC_BASE_URL ? { publicBaseUrl: e.PUBLIC_BASE_URL } : {}),
    resources,
  };
}

/** The default rules with the overrides of `TRANSFER_RULES` merged in, rule by rule. */
function transferRules(json: string | undefined): TransferRules {
  if (json === undefined) return defaultTransferRules;
  let overrides: unknown;
  try {
    overrides = JSON.parse(json);
  } catch {
    throw new ConfigError('TRANSFER_RULES is not valid JSON');
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) throw new ConfigError('TRANSFER_RULES must be a JSON object');
  const merged: Record<string, unknown> = { ...defaultTransferRules };
  for (const [name, value] of Object.entries(overrides)) {
    const base: unknown = merged[name];
    if (base === undefined) throw new ConfigError(`TRANSFER_RULES: no rule named ${name}`);
    if (typeof base === 'object' && typeof value === 'object' && value !== null) merged[name] = { ...base, ...value };
    else if (typeof base === typeof value) merged[name] = value;
    else throw new ConfigError(`TRANSFER_RULES: ${name} must be a ${typeof base}`);
  }
  const rules = merged as unknown as TransferRules;
  // The request schemas cap a transfer at the state's 1000 packages; a rule can only lower that.
  if (rules.maxLines.max > defaultTransferRules.maxLines.max) throw new ConfigError('TRANSFER_RULES: maxLines.max cannot exceed 1000');
  if (rules.receivingVariance.threshold < 0 || rules.receivingVariance.threshold > 1) {
    throw new ConfigError('TRANSFER_RULES: receivingVariance.threshold is a fraction between 0 and 1');
  }
  return rules;
}

/** The physical name (or queue URL) of a resource definition. */
export function resourceName(config: HubConfig, definition: { readonly env: string }): string {
  const value = config.resources[definition.env];
  if (value === undefined) throw new ConfigError(`No value for ${definition.env}`);
  return value;
}
