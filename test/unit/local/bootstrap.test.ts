import { describe, expect, it } from 'vitest';
import { createTableInput, queueAttributes } from '#infra/local/bootstrap.ts';
import { hubTable, idempotencyTable, stateSubmissionsQueue } from '#shared/resources.ts';

describe('createTableInput', () => {
  it('declares each key attribute once and the GSIs and stream of the definition', () => {
    const input = createTableInput(hubTable);

    expect(input.TableName).toBe(hubTable.name);
    expect(input.AttributeDefinitions?.map((a) => a.AttributeName)).toEqual(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'GSI4PK', 'GSI4SK']);
    expect(input.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    expect(input.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['GSI1', 'GSI2', 'GSI3', 'GSI4']);
    expect(input.GlobalSecondaryIndexes?.[2]?.Projection?.ProjectionType).toBe('INCLUDE');
    expect(input.GlobalSecondaryIndexes?.[2]?.Projection?.NonKeyAttributes).toContain('summary');
    expect(input.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('leaves out indexes and streams a table does not have', () => {
    const input = createTableInput(idempotencyTable);

    expect(input.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(input.GlobalSecondaryIndexes).toBeUndefined();
    expect(input.StreamSpecification).toBeUndefined();
  });
});

describe('queueAttributes', () => {
  it('carries FIFO, timeouts and the redrive policy', () => {
    const attributes = queueAttributes(stateSubmissionsQueue, { deadLetterTargetArn: 'arn:dlq', maxReceiveCount: 5 });

    expect(attributes).toEqual({
      FifoQueue: 'true',
      VisibilityTimeout: String(stateSubmissionsQueue.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(stateSubmissionsQueue.retentionPeriodSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:dlq', maxReceiveCount: 5 }),
    });
  });
});
