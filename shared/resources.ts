/**
 * The hub's stateful resources, defined once. The CDK stateful stack and the local bootstrap
 * (`infra/local/bootstrap.ts`) both build from these definitions, so AWS and local mode cannot drift.
 *
 * Names here are the local (and logical) names. In AWS, CloudFormation picks physical names and the
 * functions learn them from the environment variable named by `env`.
 */

export type KeyType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /**
   * Which attributes the index copies. Every write of an item is also paid for in each index it
   * appears in, so large items are indexed with a few attributes only.
   */
  readonly projection: { readonly type: 'ALL' } | { readonly type: 'INCLUDE'; readonly attributes: readonly string[] };
}

export interface TableDefinition {
  /** CDK construct id and local table name. */
  readonly name: string;
  /** Environment variable that carries the physical table name to functions. */
  readonly env: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  readonly timeToLiveAttribute?: string;
  /** Stream view type; omitted when the table has no stream. */
  readonly stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
}

export interface QueueDefinition {
  readonly name: string;
  readonly env: string;
  readonly fifo: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionPeriodSeconds: number;
  /** Dead-letter queue; messages move there after `maxReceiveCount` failed receives. */
  readonly deadLetter?: {
    readonly name: string;
    readonly env: string;
    readonly maxReceiveCount: number;
    readonly retentionPeriodSeconds: number;
  };
}

export interface BucketDefinition {
  readonly name: string;
  readonly env: string;
  /**
   * `records`: documents licensees must keep (Object Lock, never expire). `temporary`: files the hub
   * can make again (report exports), deleted after `expireAfterDays`.
   */
  readonly kind: 'records' | 'temporary';
  readonly expireAfterDays?: number;
}

const DAY = 24 * 60 * 60;

/** What a transfer list shows; the whole transfer (up to 1000 lines) stays in the base table. */
const transferSummaryAttributes = ['id', 'shipperId', 'status', 'version', 'createdAt', 'updatedAt', 'summary'] as const;

/**
 * Single-table design: every entity lives under PK/SK. GSI1 serves small items listed in full (API
 * keys); GSI2 and GSI3 list a shipper's and a receiver's transfers and copy only their summary.
 * The access patterns and their keys are listed in the README.
 */
export const hubTable = {
  name: 'hub',
  env: 'HUB_TABLE_NAME',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
      projection: { type: 'ALL' },
    },
    {
      indexName: 'GSI2',
      partitionKey: { name: 'GSI2PK', type: 'S' },
      sortKey: { name: 'GSI2SK', type: 'S' },
      projection: { type: 'INCLUDE', attributes: transferSummaryAttributes },
    },
    {
      indexName: 'GSI3',
      partitionKey: { name: 'GSI3PK', type: 'S' },
      sortKey: { name: 'GSI3SK', type: 'S' },
      projection: { type: 'INCLUDE', attributes: transferSummaryAttributes },
    },
    {
      // A transporter's transfers by manifest time (sparse: only manifests that name a tenant as carrier).
      indexName: 'GSI4',
      partitionKey: { name: 'GSI4PK', type: 'S' },
      sortKey: { name: 'GSI4SK', type: 'S' },
      projection: { type: 'INCLUDE', attributes: transferSummaryAttributes },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
} as const satisfies TableDefinition;

/** Powertools idempotency keeps its records in a table of its own, with its default key and TTL names. */
export const idempotencyTable = {
  name: 'idempotency',
  env: 'IDEMPOTENCY_TABLE_NAME',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiration',
} as const satisfies TableDefinition;

export const tables = [hubTable, idempotencyTable] as const satisfies readonly TableDefinition[];

/**
 * Reports to the state tracking system. FIFO so that the steps of one transfer reach the state
 * system in lifecycle order (one message group per transfer).
 */
export const stateSubmissionsQueue = {
  name: 'state-submissions.fifo',
  env: 'STATE_SUBMISSIONS_QUEUE_URL',
  fifo: true,
  visibilityTimeoutSeconds: 180,
  retentionPeriodSeconds: 4 * DAY,
  deadLetter: {
    name: 'state-submissions-dlq.fifo',
    env: 'STATE_SUBMISSIONS_DLQ_URL',
    // A receive is one try of a transfer's open step: a 429's Retry-After or an unanswered create's
    // settle window is waited out in the queue (not in the worker), and costs a receive. Ten
    // receives with the worker's doubling backoff (capped at 15 minutes) ride out about half an hour.
    maxReceiveCount: 10,
    retentionPeriodSeconds: 14 * DAY,
  },
} as const satisfies QueueDefinition;

export const queues = [stateSubmissionsQueue] as const satisfies readonly QueueDefinition[];

/** Manifest PDFs, signed receipts and photos. */
export const documentsBucket = {
  name: 'hub-documents',
  env: 'DOCUMENTS_BUCKET_NAME',
  kind: 'records',
} as const satisfies BucketDefinition;

/** Reports too large to answer inline, fetched through a short-lived link. */
export const exportsBucket = {
  name: 'hub-exports',
  env: 'EXPORTS_BUCKET_NAME',
  kind: 'temporary',
  expireAfterDays: 1,
} as const satisfies BucketDefinition;

/**
 * Photos a receipt-link page uploads, before any receipt references them: a stranger with an open
 * link must not be able to fill the Object Lock records bucket. No lock, gone after a day; the
 * receipt copies the photos it names into the documents bucket when it commits.
 */
export const uploadsBucket = {
  name: 'hub-uploads',
  env: 'UPLOADS_BUCKET_NAME',
  kind: 'temporary',
  expireAfterDays: 1,
} as const satisfies BucketDefinition;

export const buckets = [documentsBucket, exportsBucket, uploadsBucket] as const satisfies readonly BucketDefinition[];
