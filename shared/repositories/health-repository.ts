/**
 * The health probe's round trip through the hub table: a conditional-free put of this instance's
 * probe item, then a strongly consistent read that must return what was written.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { keys } from './keys.ts';

const PROBE_TTL_SECONDS = 60 * 60;

export interface HealthRepository {
  /** Writes and reads back a probe item; throws when the table cannot be reached or lies. */
  roundTrip(signal: AbortSignal): Promise<void>;
}

export function createHealthRepository(
  client: DynamoDBDocumentClient,
  tableName: string,
  instanceId: string,
  now: () => Date = () => new Date(),
): HealthRepository {
  return {
    async roundTrip(signal) {
      const key = keys.healthProbe(instanceId);
      const token = randomUUID();
      const checkedAt = now();
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...key,
            token,
            checkedAt: checkedAt.toISOString(),
            expiresAt: Math.floor(checkedAt.getTime() / 1000) + PROBE_TTL_SECONDS,
          },
        }),
        { abortSignal: signal },
      );
      const read = await client.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
        { abortSignal: signal },
      );
      if (read.Item?.['token'] !== token) throw new Error('Probe item read back does not match the write');
    },
  };
}
