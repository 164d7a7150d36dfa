/**
 * The only place that reads `process.env`. Every function gets the names of all hub resources
 * (names are not privileges: IAM grants are per function, see `shared/routes.ts`).
 * The endpoint overrides are set by local mode only; in AWS the SDK's defaults apply.
 */
import type { MetrcSettings } from './state-system/metrc/client.ts';
import * as z from 'zod';
// The rules and the state-system id from their own modules: the domain's index would bring every schema of the transfer domain into every function.
import { defaultTransferRules } from './domain/transfer/rules.ts';
import type { TransferRules } from './domain/transfer/rules.ts';
import type { StateSystem } from './domain/transfer/tags.ts';
import { buckets, queues, tables } from './resources.ts';
import { bioTrackSystem, stateSystems } from './state-system/capabilities.ts';
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
  /** How long `POST …/manifest` waits for the state system's verdict before answering `pending` (0: never waits). */
  STATE_VERDICT_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(3_000),
  /** The state system an integrated partner that is not a tenant reports to. */
  DEFAULT_STATE_SYSTEM: z.enum(stateSystems).default(bioTrackSystem),
  /** The hub's public address: manifests' QR codes point at its verification page. Set by the stack and by local mode. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The NY-API (BioTrack): the emulator in local mode, the state's sandbox or production by configuration only. */
  NYAPI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Not published by the state: our reading of the contract, configurable. */
  NYAPI_TOKEN_PATH: z.string().startsWith('/').default('/oauth/token'),
  NYAPI_AUTHORIZE_PATH: z.string().startsWith('/').default('/oauth'),
  NYAPI_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** How long an unanswered create may still be committing at the state system (default: twice the timeout). */
  NYAPI_SETTLE_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  /** Integrator credentials: a Secrets Manager secret (JSON `{clientId, clientSecret}`) in AWS ... */
  NYAPI_CREDENTIALS_SECRET: z.string().min(1).optional(),
  /** ... or the values themselves in local mode. */
  NYAPI_CLIENT_ID: z.string().min(1).optional(),
  NYAPI_CLIENT_SECRET: z.string().min(1).optional(),
  /** Metrc (docs/metrc.md): the emulator in local mode, the NY sandbox or production by configuration only. Unset: no Metrc adapter. */
  METRC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The integrator's vendor key: a Secrets Manager secret (the key as plain text, or JSON `{vendorKey}`) in AWS ... */
  METRC_VENDOR_KEY_SECRET: z.string().min(1).optional(),
  /** ... or the key itself in local mode. */
  METRC_VENDOR_KEY: z.string().min(1).optional(),
  METRC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** How long an unanswered template push may still be committing (default: twice the timeout). */
  METRC_SETTLE_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  /** Rows per list page; Metrc allows at most 20. */
  METRC_PAGE_SIZE: z.coerce.number().int().min(1).max(20).default(20),
  /** JSON changing New York's Metrc rules by effective date, rule by rule (`shared/state-system/metrc/rules.ts`); metrc.md's otherwise. */
  METRC_RULES: z.string().optional(),
  /** How long a manifest's pre-flight may spend looking its packages up in Metrc; lines left then are not checked before numbering. */
  METRC_PREFLIGHT_BUDGET_MS: z.coerce.number().int().min(0).max(60_000).default(8_000),
  /** How long the package picker reuses a facility's active packages read from Metrc. */
  METRC_PACKAGE_LIST_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** [inferred] The picker's lastModified windows over a facility's active packages (NY production took years; set 24 where Metrc holds to a day). */
  METRC_PACKAGE_LIST_WINDOW_HOURS: z.coerce.number().positive().max(24 * 3660).default(366 * 24),
  /** [inferred] The longest lastModified window per list call (Metrc documents 24 h). */
  METRC_WINDOW_HOURS: z.coerce.number().positive().max(24 * 366).default(24),
  /** How long after the hub's receipt (or a receipt with a rejection) the person's receipt, or the shipper's taking back, in Metrc is due before it shows overdue. */
  METRC_RECEIPT_WITHIN_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  /** How far the state system's departure or arrival time may be from the hub's before it is shown as a difference. */
  STATE_TIME_TOLERANCE_MINUTES: z.coerce.number().min(0).max(24 * 60).default(15),
  /** Each poll starts this far before the previous one ended. */
  METRC_OVERLAP_MINUTES: z.coerce.number().min(0).max(24 * 60).default(10),
  /** How far back a license's first poll, and the lookups of a template's fate, reach. */
  METRC_LOOKBACK_HOURS: z.coerce.number().positive().max(24 * 366).default(72),
  /** Windows one poll reads at most (bounded work per run). */
  METRC_MAX_WINDOWS_PER_POLL: z.coerce.number().int().min(1).max(1000).default(8),
  /** [inferred] Request times are the facility's local time, sent without an offset. */
  METRC_TIME_ZONE: z.string().min(1).default('America/New_York'),
  /** The transfer type templates use when the license has it for licensed shipments (else the license's first such type). */
  METRC_TRANSFER_TYPE: z.string().min(1).default('Transfer'),
  /** [inferred] A deep link to a template in Metrc's web app, with `{license}` and `{templateId}`; unset: the menu path. */
  METRC_REGISTER_LINK: z.url({ protocol: /^https?$/ }).optional(),
  /** GET limits per second and in flight, per facility and per integrator key (metrc.md §1), shared by every licensee of a process. */
  METRC_GETS_PER_SECOND_PER_FACILITY: z.coerce.number().int().min(1).default(50),
  METRC_GETS_PER_SECOND_PER_INTEGRATOR: z.coerce.number().int().min(1).default(150),
  METRC_GETS_IN_FLIGHT_PER_FACILITY: z.coerce.number().int().min(1).default(10),
  METRC_GETS_IN_FLIGHT_PER_INTEGRATOR: z.coerce.number().int().min(1).default(30),
  /** State-system tokens are sealed with this KMS key in AWS ... */
  TOKEN_KMS_KEY_ID: z.string().min(1).optional(),
  /** ... or with this AES-256 key (base64 of 32 bytes) in local mode. */
  TOKEN_ENCRYPTION_KEY: z.base64().optional(),
  AWS_ENDPOINT_URL_KMS: z.url().optional(),
  AWS_ENDPOINT_URL_SECRETS_MANAGER: z.url().optional(),
  /** Receipt-link tokens are derived from the link id with this KMS HMAC key in AWS ... */
  RECEIPT_LINK_KEY_ID: z.string().min(1).optional(),
  /** ... or with this HMAC-SHA-256 key (base64, at least 32 bytes) in local mode. */
  RECEIPT_LINK_SECRET: z.base64().optional(),
  /** List cursors are sealed with a key derived from this KMS HMAC key in AWS ... */
  CURSOR_KEY_ID: z.string().min(1).optional(),
  /** ... or from this secret (base64, at least 32 bytes) in local mode. */
  CURSOR_SECRET: z.base64().optional(),
  /** How long a receipt link works after it is issued. */
  RECEIPT_LINK_VALID_DAYS: z.coerce.number().min(1).max(90).default(7),
  /** The longest wait between two tries of a failing submission (exponential backoff with jitter up to it). */
  SUBMISSION_BACKOFF_CAP_SECONDS: z.coerce.number().int().min(1).max(900).default(900),
  /** How long a committed submission may stay unenqueued before the sweeper hands it over. */
  OUTBOX_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Local mode: `/health` says `starting` until this file exists (`npm start`'s run.json); never set in AWS. */
  HUB_READY_FILE: z.string().min(1).optional(),
  /** The benchmark's capacity meter (`npm run bench`); never set in AWS. */
  DYNAMODB_CAPACITY_METER: z.stringbool().default(false),
  /** The From address of the hub's e-mail (sign-in links, invitations): a verified SES identity in AWS (the stack's `mailSender`). */
  MAIL_SENDER: z.email().optional(),
  /** Local mode: the loopback SMTP server that keeps every message; unset in AWS, where SES sends. */
  MAIL_SMTP_URL: z.url({ protocol: /^smtp$/ }).optional(),
});

export interface NyApiConfig {
  readonly baseUrl?: string;
  readonly tokenPath: string;
  readonly authorizePath: string;
  readonly timeoutMs: number;
  readonly settleMs?: number;
  readonly credentialsSecret?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

/** Metrc's settings as configured: the adapter's, with the base URL optional (none: no Metrc) and the vendor key plain or in a secret. */
export type MetrcConfig = Omit<MetrcSettings, 'baseUrl' | 'vendorKey' | 'rules'> & {
  readonly baseUrl?: string;
  readonly vendorKeySecret?: string;
  readonly vendorKey?: string;
  /** `METRC_RULES` as given: the settings parse it. */
  readonly rules?: string;
};

export interface HubConfig {
  readonly region: string;
  readonly endpoints: { readonly dynamodb?: string; readonly s3?: string; readonly sqs?: string; readonly kms?: string; readonly secretsManager?: string };
  readonly s3ForcePathStyle: boolean;
  readonly meterDynamoDbCapacity: boolean;
  readonly transferRules: TransferRules;
  readonly stateVerdictWaitMs: number;
  /** A departure or arrival time the state system shows this far from the hub's is a difference. */
  readonly stateTimeToleranceMinutes: number;
  readonly defaultStateSystem: StateSystem;
  readonly publicBaseUrl?: string;
  readonly nyApi: NyApiConfig;
  readonly metrc: MetrcConfig;
  readonly tokenCipher: { readonly kmsKeyId?: string; readonly localKey?: string };
  readonly receiptLinks: { readonly kmsKeyId?: string; readonly localKey?: string; readonly validDays: number };
  readonly cursors: { readonly kmsKeyId?: string; readonly localKey?: string };
  readonly outboxGraceSeconds: number;
  readonly submissionBackoffCapSeconds: number;
  /** Local mode only: the hub is ready once this file exists. */
  readonly readyFile?: string;
  /** E-mail: the sender, and local mode's SMTP server (SES otherwise). */
  readonly mail: { readonly sender?: string; readonly smtpUrl?: string };
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
  // Parsed once per process: zod's compiled fast path would cost more to generate than this one parse takes.
  const parsed = envSchema.safeParse(env, { jitless: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  const e = parsed.data as z.infer<typeof envSchema> & Record<string, string>;
  const resources: Record<string, string> = {};
  for (const key of Object.keys(resourceEnv)) resources[key] = e[key] as string;
  return {
    region: e.AWS_REGION,
    mail: { ...(e.MAIL_SENDER ? { sender: e.MAIL_SENDER } : {}), ...(e.MAIL_SMTP_URL ? { smtpUrl: e.MAIL_SMTP_URL } : {}) },
    endpoints: {
      ...(e.AWS_ENDPOINT_URL_DYNAMODB ? { dynamodb: e.AWS_ENDPOINT_URL_DYNAMODB } : {}),
      ...(e.AWS_ENDPOINT_URL_S3 ? { s3: e.AWS_ENDPOINT_URL_S3 } : {}),
      ...(e.AWS_ENDPOINT_URL_SQS ? { sqs: e.AWS_ENDPOINT_URL_SQS } : {}),
      ...(e.AWS_ENDPOINT_URL_KMS ? { kms: e.AWS_ENDPOINT_URL_KMS } : {}),
      ...(e.AWS_ENDPOINT_URL_SECRETS_MANAGER ? { secretsManager: e.AWS_ENDPOINT_URL_SECRETS_MANAGER } : {}),
    },
    s3ForcePathStyle: e.S3_FORCE_PATH_STYLE,
    meterDynamoDbCapacity: e.DYNAMODB_CAPACITY_METER,
    transferRules: transferRules(e.TRANSFER_RULES),
    stateVerdictWaitMs: e.STATE_VERDICT_WAIT_MS,
    stateTimeToleranceMinutes: e.STATE_TIME_TOLERANCE_MINUTES,
    defaultStateSystem: e.DEFAULT_STATE_SYSTEM,
    ...(e.PUBLIC_BASE_URL ? { publicBaseUrl: e.PUBLIC_BASE_URL } : {}),
    nyApi: {
      ...(e.NYAPI_BASE_URL ? { baseUrl: e.NYAPI_BASE_URL } : {}),
      tokenPath: e.NYAPI_TOKEN_PATH,
      authorizePath: e.NYAPI_AUTHORIZE_PATH,
      timeoutMs: e.NYAPI_TIMEOUT_MS,
      ...(e.NYAPI_SETTLE_MS === undefined ? {} : { settleMs: e.NYAPI_SETTLE_MS }),
      ...(e.NYAPI_CREDENTIALS_SECRET ? { credentialsSecret: e.NYAPI_CREDENTIALS_SECRET } : {}),
      ...(e.NYAPI_CLIENT_ID ? { clientId: e.NYAPI_CLIENT_ID } : {}),
      ...(e.NYAPI_CLIENT_SECRET ? { clientSecret: e.NYAPI_CLIENT_SECRET } : {}),
    },
    metrc: {
      ...(e.METRC_BASE_URL ? { baseUrl: e.METRC_BASE_URL } : {}),
      ...(e.METRC_VENDOR_KEY_SECRET ? { vendorKeySecret: e.METRC_VENDOR_KEY_SECRET } : {}),
      ...(e.METRC_VENDOR_KEY ? { vendorKey: e.METRC_VENDOR_KEY } : {}),
      timeoutMs: e.METRC_TIMEOUT_MS,
      ...(e.METRC_SETTLE_MS === undefined ? {} : { settleMs: e.METRC_SETTLE_MS }),
      pageSize: e.METRC_PAGE_SIZE,
      windowHours: e.METRC_WINDOW_HOURS,
      overlapMinutes: e.METRC_OVERLAP_MINUTES,
      receiptWithinHours: e.METRC_RECEIPT_WITHIN_HOURS,
      ...(e.METRC_RULES === undefined ? {} : { rules: e.METRC_RULES }),
      preflightBudgetMs: e.METRC_PREFLIGHT_BUDGET_MS,
      packageListCacheMs: e.METRC_PACKAGE_LIST_CACHE_MS,
      packageListWindowHours: e.METRC_PACKAGE_LIST_WINDOW_HOURS,
      lookbackHours: e.METRC_LOOKBACK_HOURS,
      maxWindowsPerCall: e.METRC_MAX_WINDOWS_PER_POLL,
      timeZone: e.METRC_TIME_ZONE,
      transferTypeName: e.METRC_TRANSFER_TYPE,
      ...(e.METRC_REGISTER_LINK ? { registerLink: e.METRC_REGISTER_LINK } : {}),
      budget: {
        perFacilityPerSecond: e.METRC_GETS_PER_SECOND_PER_FACILITY,
        perIntegratorPerSecond: e.METRC_GETS_PER_SECOND_PER_INTEGRATOR,
        concurrentPerFacility: e.METRC_GETS_IN_FLIGHT_PER_FACILITY,
        concurrentPerIntegrator: e.METRC_GETS_IN_FLIGHT_PER_INTEGRATOR,
      },
    },
    tokenCipher: {
      ...(e.TOKEN_KMS_KEY_ID ? { kmsKeyId: e.TOKEN_KMS_KEY_ID } : {}),
      ...(e.TOKEN_ENCRYPTION_KEY ? { localKey: e.TOKEN_ENCRYPTION_KEY } : {}),
    },
    receiptLinks: {
      ...(e.RECEIPT_LINK_KEY_ID ? { kmsKeyId: e.RECEIPT_LINK_KEY_ID } : {}),
      ...(e.RECEIPT_LINK_SECRET ? { localKey: e.RECEIPT_LINK_SECRET } : {}),
      validDays: e.RECEIPT_LINK_VALID_DAYS,
    },
    cursors: {
      ...(e.CURSOR_KEY_ID ? { kmsKeyId: e.CURSOR_KEY_ID } : {}),
      ...(e.CURSOR_SECRET ? { localKey: e.CURSOR_SECRET } : {}),
    },
    outboxGraceSeconds: e.OUTBOX_GRACE_SECONDS,
    submissionBackoffCapSeconds: e.SUBMISSION_BACKOFF_CAP_SECONDS,
    ...(e.HUB_READY_FILE ? { readyFile: e.HUB_READY_FILE } : {}),
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
