import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bootstrapResources } from '#infra/local/bootstrap.ts';
import { buckets, queues, tables } from '#shared/resources.ts';

const { urls, env } = inject('hub');
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const clients = {
  dynamodb: new DynamoDBClient({ region: 'us-east-1', endpoint: urls.dynamodb, credentials }),
  s3: new S3Client({ region: 'us-east-1', endpoint: urls.s3, forcePathStyle: true, credentials }),
  sqs: new SQSClient({ region: 'us-east-1', endpoint: urls.sqs, credentials }),
};
afterAll(() => Object.values(clients).forEach((c) => c.destroy()));

describe('local resources built from the shared definitions', () => {
  it.each(tables.map((t) => [t.name, t] as const))('table %s has the defined keys, indexes, stream and TTL', async (_, table) => {
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
    const { TimeToLiveDescription } = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: table.name }));

    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(
      [table.partitionKey.name, ...('sortKey' in table ? [table.sortKey.name] : [])],
    );
    expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
      table.globalSecondaryIndexes.map((i) => i.indexName).sort(),
    );
    expect(Table?.StreamSpecification?.StreamViewType).toBe('stream' in table ? table.stream : undefined);
    expect(TimeToLiveDescription?.AttributeName).toBe(table.timeToLiveAttribute);
  });

  it('creates each bucket', async () => {
    for (const bucket of buckets) {
      await expect(clients.s3.send(new HeadBucketCommand({ Bucket: bucket.name }))).resolves.toBeDefined();
    }
  });

  it('creates each queue with its redrive policy to its DLQ', async () => {
    for (const queue of queues) {
      const { Attributes } = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: env[queue.env], AttributeNames: ['All'] }),
      );
      expect(Attributes?.FifoQueue).toBe(String(queue.fifo));
      expect(Attributes?.VisibilityTimeout).toBe(String(queue.visibilityTimeoutSeconds));
      const redrive = JSON.parse(Attributes?.RedrivePolicy ?? '{}') as { maxReceiveCount?: number; deadLetterTargetArn?: string };
      expect(Number(redrive.maxReceiveCount)).toBe(queue.deadLetter.maxReceiveCount);
      expect(redrive.deadLetterTargetArn).toContain(queue.deadLetter.name);
    }
  });

  it('is safe to run again on a hub that already has everything', async () => {
    await expect(bootstrapResources(clients)).resolves.toEqual(
      Object.fromEntries(Object.entries(env).filter(([key]) => /_(TABLE_NAME|BUCKET_NAME|QUEUE_URL|DLQ_URL)$/.test(key))),
    );
  });
});
