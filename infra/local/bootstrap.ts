/**
 * Creates the hub's tables, buckets and queues in the local stand-ins from the very definitions
 * the CDK stateful stack uses (`shared/resources.ts`). Safe to run on every start: what exists is kept.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { AttributeDefinition, CreateTableCommandInput, DynamoDBClient, Projection } from '@aws-sdk/client-dynamodb';
import { BucketAlreadyExists, BucketAlreadyOwnedByYou, CreateBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { functions } from '#shared/routes.ts';
import type { FunctionDefinition } from '#shared/routes.ts';
import type { S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { buckets, queues, tables } from '#shared/resources.ts';
import type { KeyAttribute, QueueDefinition, TableDefinition } from '#shared/resources.ts';

export interface LocalClients {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
}

/** The CreateTable request for a definition: keys, GSIs (all attributes projected), stream. */
export function createTableInput(table: TableDefinition): CreateTableCommandInput {
  const keyAttributes: KeyAttribute[] = [table.partitionKey];
  if (table.sortKey) keyAttributes.push(table.sortKey);
  for (const index of table.globalSecondaryIndexes) {
    keyAttributes.push(index.partitionKey);
    if (index.sortKey) keyAttributes.push(index.sortKey);
  }
  const attributeDefinitions = new Map<string, AttributeDefinition>();
  for (const { name, type } of keyAttributes) attributeDefinitions.set(name, { AttributeName: name, AttributeType: type });

  return {
    TableName: table.name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributeDefinitions.values()],
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(table.globalSecondaryIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection:
              index.projection.type === 'INCLUDE'
                ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projection.attributes] }
                : { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
    ...(table.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } } : {}),
  };
}

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute) {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

/** The CreateQueue attributes for a definition; the DLQ's ARN is needed for the redrive policy. */
export function queueAttributes(
  queue: Pick<QueueDefinition, 'fifo' | 'visibilityTimeoutSeconds' | 'retentionPeriodSeconds'>,
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number },
): Partial<Record<QueueAttributeName, string>> {
  return {
    ...(queue.fifo ? { FifoQueue: 'true' } : {}),
    VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(queue.retentionPeriodSeconds),
    ...(redrive ? { RedrivePolicy: JSON.stringify(redrive) } : {}),
  };
}

const projectionOf = (projection: Projection | undefined) =>
  JSON.stringify({ type: projection?.ProjectionType, attributes: [...(projection?.NonKeyAttributes ?? [])].sort() });

/**
 * A table kept from an earlier start follows its definition: indexes added since are created, and
 * an index whose projection changed is rebuilt (local data only; DynamoDB Local does it at once).
 */
async function syncIndexes(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table.name }));
  const existing = new Map((Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
  const input = createTableInput(table);
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    const current = existing.get(index.IndexName);
    if (current && projectionOf(current.Projection) === projectionOf(index.Projection)) continue;
    if (current) {
      await client.send(new UpdateTableCommand({ TableName: table.name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.IndexName } }] }));
      await untilIndex(client, table.name, index.IndexName ?? '', (status) => status === undefined);
    }
    await client.send(
      new UpdateTableCommand({
        TableName: table.name,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    await untilIndex(client, table.name, index.IndexName ?? '', (status) => status === 'ACTIVE');
  }
}

/** Index changes take a moment even locally; the hub must not serve before they are done. */
async function untilIndex(client: DynamoDBClient, tableName: string, indexName: string, done: (status: string | undefined) => boolean) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const index = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName);
    if (done(index?.IndexStatus)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Index ${indexName} of ${tableName} did not settle within 60 s`);
}

async function ensureTable(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(table)));
  } catch (error) {
    if (error instanceof ResourceInUseException) {
      await syncIndexes(client, table);
      return;
    }
    throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: table.name });
  if (table.timeToLiveAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table.name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: table.timeToLiveAttribute },
      }),
    );
  }
}

async function ensureBucket(client: S3Client, name: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: name }));
  } catch (error) {
    // s3rver answers BucketAlreadyExists for its own buckets; locally every bucket is ours.
    if (error instanceof BucketAlreadyOwnedByYou || error instanceof BucketAlreadyExists) return;
    throw error;
  }
}

/** CreateQueue is idempotent when the attributes match; the queue URL comes back either way. */
async function ensureQueue(
  client: SQSClient,
  name: string,
  attributes: Partial<Record<QueueAttributeName, string>>,
): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  return QueueUrl;
}

/**
 * Creates every resource and returns the environment the hub's functions read
 * (resource env var → local name or queue URL).
 */
export async function bootstrapResources(clients: LocalClients, options: { readonly publicOrigin?: string } = {}): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const uploadBuckets = new Set(Object.values(functions as Readonly<Record<string, FunctionDefinition>>).flatMap((f) => (f.browserUploads ?? []).map((b) => b.name)));
  for (const table of tables) {
    await ensureTable(clients.dynamodb, table);
    env[table.env] = table.name;
  }
  for (const bucket of buckets) {
    await ensureBucket(clients.s3, bucket.name);
    // Pages post files straight to these buckets: the browser needs CORS from the hub's origin, as in AWS.
    if (uploadBuckets.has(bucket.name) && options.publicOrigin) {
      await clients.s3.send(
        new PutBucketCorsCommand({
          Bucket: bucket.name,
          CORSConfiguration: { CORSRules: [{ AllowedOrigins: [options.publicOrigin], AllowedMethods: ['POST'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 }] },
        }),
      );
    }
    env[bucket.env] = bucket.name;
  }
  for (const queue of queues as readonly QueueDefinition[]) {
    let redrive: { deadLetterTargetArn: string; maxReceiveCount: number } | undefined;
    if (queue.deadLetter) {
      const dlqUrl = await ensureQueue(
        clients.sqs,
        queue.deadLetter.name,
        queueAttributes({ ...queue, retentionPeriodSeconds: queue.deadLetter.retentionPeriodSeconds }),
      );
      const { Attributes } = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
      );
      const arn = Attributes?.QueueArn;
      if (!arn) throw new Error(`No ARN for ${queue.deadLetter.name}`);
      redrive = { deadLetterTargetArn: arn, maxReceiveCount: queue.deadLetter.maxReceiveCount };
      env[queue.deadLetter.env] = dlqUrl;
    }
    env[queue.env] = await ensureQueue(clients.sqs, queue.name, queueAttributes(queue, redrive));
  }
  return env;
}
