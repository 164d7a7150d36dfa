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
import type { AttributeDefinition, CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BucketAlreadyExists, BucketAlreadyOwnedByYou, CreateBucketCommand } from '@aws-sdk/client-s3';
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
            Projection: { ProjectionType: 'ALL' },
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

/** A table kept from an earlier start gets the indexes added to its definition since. */
async function addMissingIndexes(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table.name }));
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const input = createTableInput(table);
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (existing.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: table.name,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}

async function ensureTable(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(table)));
  } catch (error) {
    if (error instanceof ResourceInUseException) {
      await addMissingIndexes(client, table);
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
export async function bootstrapResources(clients: LocalClients): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const table of tables) {
    await ensureTable(clients.dynamodb, table);
    env[table.env] = table.name;
  }
  for (const bucket of buckets) {
    await ensureBucket(clients.s3, bucket.name);
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
