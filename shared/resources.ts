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
}

const DAY = 24 * 60 * 60;

/**
 * Single-table design: every entity lives under PK/SK; GSI1 and GSI2 serve the secondary access
 * patterns (a transfer is listed on GSI1 for its shipper and on GSI2 for its receiver).
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
    },
    {
      indexName: 'GSI2',
      partitionKey: { name: 'GSI2PK', type: 'S' },
      sortKey: { name: 'GSI2SK', type: 'S' },
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
    maxReceiveCount: 5,
    retentionPeriodSeconds: 14 * DAY,
  },
} as const satisfies QueueDefinition;

export const queues = [stateSubmissionsQueue] as const satisfies readonly QueueDefinition[];

/** Manifest PDFs, signed receipts and photos. */
export const documentsBucket = {
  name: 'hub-documents',
  env: 'DOCUMENTS_BUCKET_NAME',
} as const satisfies BucketDefinition;

export const buckets = [documentsBucket] as const satisfies readonly BucketDefinition[];
