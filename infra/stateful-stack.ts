/**
 * The hub's data: DynamoDB tables, SQS queues and S3 buckets, built only from the definitions in
 * `shared/resources.ts`. Everything here is retained when the stack is deleted; the stateless stack
 * can be torn down and redeployed freely.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectLockRetention, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import type { CorsRule } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { buckets, queues, tables } from '#shared/resources.ts';
import type { BucketDefinition, KeyAttribute, QueueDefinition, TableDefinition } from '#shared/resources.ts';
import { functions } from '#shared/routes.ts';
import type { FunctionDefinition } from '#shared/routes.ts';

export type TableName = (typeof tables)[number]['name'];
export type QueueName = (typeof queues)[number]['name'];
export type BucketName = (typeof buckets)[number]['name'];

export interface HubQueue {
  readonly queue: Queue;
  readonly deadLetterQueue?: Queue;
}

/** What the stateless stack needs from the stateful one, keyed by definition name. */
export interface StatefulResources {
  readonly tables: Readonly<Record<TableName, TableV2>>;
  readonly queues: Readonly<Record<QueueName, HubQueue>>;
  readonly buckets: Readonly<Record<BucketName, Bucket>>;
  readonly stateSystem: StateSystemSecrets;
  /** The KMS HMAC key receipt-link tokens are derived with (`kms:GenerateMac`); the key never leaves KMS. */
  readonly receiptLinkKey: Key;
  /** The KMS HMAC key list cursors' sealing key is derived from (`kms:GenerateMac` of a fixed label). */
  readonly cursorKey: Key;
}

/** What the state-system adapters need at rest: a key that seals licensees' tokens, and the integrator credentials. */
export interface StateSystemSecrets {
  readonly tokenKey: Key;
  /** JSON `{"clientId", "clientSecret"}` as the state issued them to the integrator; set by an operator. */
  readonly credentials: Secret;
  /** The integrator's Metrc vendor key (JSON `{"vendorKey"}` or the key itself), as Metrc issued it; set by an operator. */
  readonly metrcVendorKey: Secret;
}

/** The constructs built for a definition, looked up by its name; unknown names fail the synth. */
export function resourceFor<T>(built: Readonly<Record<string, T>>, definition: { readonly name: string }): T {
  const found = built[definition.name];
  if (found === undefined) throw new Error(`The stateful stack has nothing named '${definition.name}'`);
  return found;
}

/**
 * How long every object version in the document buckets is locked: no one, not even the account's
 * root user in compliance mode, can overwrite or delete it before then. Records are kept at least
 * five years from creation (9 NYCRR 125.13), so less is refused.
 */
export interface DocumentRetention {
  readonly years: number;
  /** COMPLIANCE for production records; GOVERNANCE lets a privileged user lift the lock (sandboxes). */
  readonly mode: 'COMPLIANCE' | 'GOVERNANCE';
}

export const MINIMUM_RETENTION_YEARS = 5;
export const defaultDocumentRetention: DocumentRetention = { years: MINIMUM_RETENTION_YEARS, mode: 'COMPLIANCE' };

export interface StatefulStackProps extends StackProps {
  readonly documentRetention?: DocumentRetention;
  /**
   * The hub's public address (`-c publicBaseUrl=`), the origin of the pages that upload straight to a
   * bucket; without it, the API's own `execute-api` URL, which this stack cannot know.
   */
  readonly publicBaseUrl?: string;
}

/** The buckets some function's page posts files to from the browser (`browserUploads` in `shared/routes.ts`). */
const browserUploadBuckets = new Set(Object.values<FunctionDefinition>(functions).flatMap((d) => d.browserUploads ?? []).map((b) => b.name));

const lockFor = ({ years, mode }: DocumentRetention) =>
  mode === 'COMPLIANCE' ? ObjectLockRetention.compliance(Duration.days(years * 365)) : ObjectLockRetention.governance(Duration.days(years * 365));

const attributeType = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: attributeType[key.type] };
}

export class StatefulStack extends Stack implements StatefulResources {
  readonly tables: Readonly<Record<TableName, TableV2>>;
  readonly queues: Readonly<Record<QueueName, HubQueue>>;
  readonly buckets: Readonly<Record<BucketName, Bucket>>;
  readonly stateSystem: StateSystemSecrets;
  readonly receiptLinkKey: Key;
  readonly cursorKey: Key;

  readonly documentRetention: DocumentRetention;
  /** Who may post files from a browser to the buckets in `browserUploadBuckets`. */
  private readonly uploadOrigin: string;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    this.documentRetention = props.documentRetention ?? defaultDocumentRetention;
    const { years } = this.documentRetention;
    if (!Number.isInteger(years) || years < MINIMUM_RETENTION_YEARS) {
      throw new Error(`Documents must be kept at least ${MINIMUM_RETENTION_YEARS} whole years (9 NYCRR 125.13); got ${years}`);
    }

    this.uploadOrigin = props.publicBaseUrl ? new URL(props.publicBaseUrl).origin : this.executeApiOrigins();

    this.tables = Object.fromEntries(tables.map((d) => [d.name, this.table(d)])) as Record<TableName, TableV2>;
    this.queues = Object.fromEntries(queues.map((d) => [d.name, this.queue(d)])) as Record<QueueName, HubQueue>;

    const accessLogs = this.accessLogBucket();
    const bucketEntries = buckets.map((d) => [d.name, this.bucket(d, accessLogs)] as const);
    this.buckets = Object.fromEntries(bucketEntries) as Record<BucketName, Bucket>;
    this.stateSystem = this.stateSystemSecrets();
    this.receiptLinkKey = this.receiptLinkTokenKey();
    this.cursorKey = this.listCursorKey();
  }

  /**
   * Its own key rather than the receipt-link key: a function that may seal cursors must not be able
   * to mint receipt-link tokens. A cursor lives for one paging session, so losing the key only ends
   * the lists being paged at that moment: it goes with the stack.
   */
  private listCursorKey(): Key {
    return new Key(this, 'CursorKey', {
      description: 'Derives the key list cursors are sealed with (HMAC-SHA-256 of a fixed label, once per Lambda instance)',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /**
   * Tokens are HMACs of the link ids under this key, never stored: printed manifests carry links
   * derived from it, so it is kept for as long as they are. KMS cannot rotate HMAC keys (and a new
   * key would break every printed link); cdk-nag's KMS5 checks symmetric encryption keys only.
   */
  private receiptLinkTokenKey(): Key {
    return new Key(this, 'ReceiptLinkKey', {
      description:
        'Derives receipt-link tokens (HMAC-SHA-256 of the link id). Keep it: rendered manifests print links derived from it, which stop working without it.',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Without a configured public address the pages are served from the HTTP API's own URL, which the
   * stateless stack creates after this one: an exact origin is not known here, so every API Gateway
   * origin of the region is allowed. That is safe: CORS is not what protects the bucket. S3 takes no
   * ambient credentials (cookies), and a presigned POST's signed policy fixes the key, size, type and
   * expiry of the one upload it allows; CORS only lets the page's script read S3's answer.
   */
  private executeApiOrigins(): string {
    return `https://*.execute-api.${this.region}.${this.urlSuffix}`;
  }

  /** Pages post files straight to the bucket with presigned POSTs: the form POST and its preflight. */
  private corsFor(definition: BucketDefinition): { cors?: CorsRule[] } {
    if (!browserUploadBuckets.has(definition.name)) return {};
    return {
      cors: [
        {
          id: 'browser-uploads',
          allowedOrigins: [this.uploadOrigin],
          allowedMethods: [HttpMethods.POST],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
    };
  }

  private stateSystemSecrets(): StateSystemSecrets {
    const tokenKey = new Key(this, 'StateSystemTokenKey', {
      description: "Seals licensees' NY-API OAuth tokens, state-user passwords and Metrc user keys in the hub table",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const credentials = new Secret(this, 'NyApiCredentials', {
      description: 'The NY-API integrator client id and secret: set them with `aws secretsmanager put-secret-value` before go-live',
      generateSecretString: { secretStringTemplate: JSON.stringify({ clientId: 'set-me' }), generateStringKey: 'clientSecret' },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(credentials).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The state issues and rotates integrator credentials through its own onboarding; the operator stores each new pair.',
    });
    const metrcVendorKey = new Secret(this, 'MetrcVendorKey', {
      description: 'The Metrc (New York) vendor key of the integrator: set it with `aws secretsmanager put-secret-value` before go-live',
      generateSecretString: { secretStringTemplate: JSON.stringify({}), generateStringKey: 'vendorKey' },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(metrcVendorKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Metrc issues vendor keys through its integrator onboarding and rotates them there; the operator stores each new key.',
    });
    return { tokenKey, credentials, metrcVendorKey };
  }

  private table(definition: TableDefinition): TableV2 {
    return new TableV2(this, definition.name, {
      partitionKey: attribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
      globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        ...(index.projection.type === 'INCLUDE'
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.attributes] }
          : { projectionType: ProjectionType.ALL }),
      })),
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
      ...(definition.stream ? { dynamoStream: StreamViewType[definition.stream] } : {}),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private queue(definition: QueueDefinition): HubQueue {
    const deadLetterQueue = definition.deadLetter
      ? new Queue(this, definition.deadLetter.name, {
          fifo: definition.fifo,
          retentionPeriod: Duration.seconds(definition.deadLetter.retentionPeriodSeconds),
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          removalPolicy: RemovalPolicy.RETAIN,
        })
      : undefined;
    const queue = new Queue(this, definition.name, {
      fifo: definition.fifo,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(definition.retentionPeriodSeconds),
      ...(deadLetterQueue && definition.deadLetter
        ? { deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: definition.deadLetter.maxReceiveCount } }
        : {}),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return deadLetterQueue ? { queue, deadLetterQueue } : { queue };
  }

  private bucket(definition: BucketDefinition, accessLogs: Bucket): Bucket {
    if (definition.kind === 'temporary') {
      return new Bucket(this, definition.name, {
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        encryption: BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        versioned: true,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: `${definition.name}/`,
        ...this.corsFor(definition),
        lifecycleRules: [
          {
            id: 'expire-temporary-files',
            expiration: Duration.days(definition.expireAfterDays ?? 1),
            noncurrentVersionExpiration: Duration.days(1),
            abortIncompleteMultipartUploadAfter: Duration.days(1),
          },
        ],
        // Nothing in it is a record: it may go with the stack.
        removalPolicy: RemovalPolicy.DESTROY,
        autoDeleteObjects: false,
      });
    }
    return new Bucket(this, definition.name, {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      // Issued manifests are immutable: every version is locked for the retention period.
      objectLockEnabled: true,
      objectLockDefaultRetention: lockFor(this.documentRetention),
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${definition.name}/`,
      ...this.corsFor(definition),
      // Current objects never expire: manifests are kept for at least five years.
      lifecycleRules: [
        {
          id: 'noncurrent-versions',
          noncurrentVersionTransitions: [
            { storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
          ],
          // S3 counts a noncurrent version's days from the change that made it noncurrent, never from
          // its creation; Object Lock keeps it at least the retention from creation in any case.
          noncurrentVersionExpiration: this.retentionWithMargin(),
        },
        { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** The retention and a year more: for records whose age S3 counts from something other than their creation. */
  private retentionWithMargin(): Duration {
    return Duration.days((this.documentRetention.years + 1) * 365);
  }

  /** S3 server access logs for the hub's buckets (an audit trail of who read which document). */
  private accessLogBucket(): Bucket {
    // cdk-nag's S1 accepts a bucket that is itself an access-log destination: nothing to acknowledge.
    return new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The S3 logging service can only deliver to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Who read which document matters as long as the document is kept.
      lifecycleRules: [{ id: 'expire-access-logs', expiration: this.retentionWithMargin() }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
