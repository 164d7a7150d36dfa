/**
 * The GET budget's counts in the hub table, shared by every function instance (the budget itself:
 * `GetBudget` in `state-system/metrc/client.ts`). A window's tokens are one item per scope and
 * window, taken by a conditional `ADD` that never lets the count pass the window's cap (1 write unit
 * per batch); the instances' leases on GETs in flight are one item per scope, read (1 read unit,
 * consistent) and written back under its version (1 write unit) at each renewal. Items expire
 * through the table's TTL a minute after they stop mattering; a lease counts until its own end,
 * not until TTL, which deletes late.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../repositories/keys.ts';
import type { BudgetStore, Leases } from '../state-system/metrc/client.ts';

const LEASES = 'LEASES';
const expiresAt = (ms: number) => Math.ceil(ms / 1000) + 60;

export function createDynamoDbBudgetStore(client: DynamoDBDocumentClient, tableName: string): BudgetStore {
  async function takeUpTo(scope: string, window: number, want: number, cap: number, windowEndsAt: number): Promise<number | { readonly taken: number }> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.getBudget(scope, `WINDOW#${window}`),
          UpdateExpression: 'ADD taken :want SET expiresAt = if_not_exists(expiresAt, :expires)',
          ConditionExpression: 'attribute_not_exists(taken) OR taken <= :room',
          ExpressionAttributeValues: { ':want': want, ':room': cap - want, ':expires': expiresAt(windowEndsAt) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return want;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The item as it was: what is left of the window may still be taken.
      const taken = Number(error.Item?.['taken']?.N ?? cap);
      return { taken };
    }
  }

  return {
    async take(scope, window, want, cap, windowEndsAt) {
      let asked = want;
      for (let tries = 0; tries < 3 && asked > 0; tries += 1) {
        const answer = await takeUpTo(scope, window, asked, cap, windowEndsAt);
        if (typeof answer === 'number') return answer;
        asked = Math.min(asked - 1, cap - answer.taken);
      }
      return 0;
    },

    async spend(scope, from, to, cap, windowMs) {
      const windows = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
      await Promise.all(
        windows.map((window) =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: keys.getBudget(scope, `WINDOW#${window}`),
              UpdateExpression: 'SET taken = :cap, expiresAt = :expires',
              ExpressionAttributeValues: { ':cap': cap, ':expires': expiresAt((window + 1) * windowMs) },
            }),
          ),
        ),
      );
    },

    async leases(scope) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.getBudget(scope, LEASES), ConsistentRead: true }));
      return { version: Number(Item?.['version'] ?? 0), leases: (Item?.['leases'] ?? {}) as Leases };
    },

    async putLeases(scope, version, leases, until) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.getBudget(scope, LEASES), version: version + 1, leases, expiresAt: expiresAt(until) },
            ConditionExpression: 'attribute_not_exists(version) OR version = :version',
            ExpressionAttributeValues: { ':version': version },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
