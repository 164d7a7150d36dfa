/**
 * Failed lookups per address and window, in the hub table: the count a guarded public page checks
 * before it looks anything up, and adds to when the lookup found nothing. Each kind of lookup
 * (its `scope`) keeps its own count. Items expire an hour after their window.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../repositories/keys.ts';

export interface GuessCounter {
  /** Counts one more failed lookup from `address` in the window; returns the count so far. */
  count(address: string, window: number, windowEndsAt: Date): Promise<number>;
  guesses(address: string, window: number): Promise<number>;
}

export function createGuessCounter(client: DynamoDBDocumentClient, tableName: string, scope: string): GuessCounter {
  return {
    async count(address, window, windowEndsAt) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.guesses(scope, address, window),
          UpdateExpression: 'ADD guesses :one SET expiresAt = if_not_exists(expiresAt, :expires)',
          ExpressionAttributeValues: { ':one': 1, ':expires': Math.ceil(windowEndsAt.getTime() / 1000) + 3600 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.['guesses'] ?? 1);
    },
    async guesses(address, window) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.guesses(scope, address, window) }));
      return Number(Item?.['guesses'] ?? 0);
    },
  };
}
