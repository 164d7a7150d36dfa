/**
 * Package-tag reservations: one item per tag names the open transfer that holds it, so two open
 * transfers can never carry one tag. A reservation whose owner no longer holds tags is taken over.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { reservesTags, transferStatuses } from '../domain/transfer/index.ts';
import { keys } from '../repositories/keys.ts';
import { transact } from './transactions.ts';
import type { TransactionItem, TransferTable } from './transactions.ts';

/** States in which a transfer holds its tags (the domain's rule); a reservation owned by a transfer in any other state is stale. */
const holdingStates = transferStatuses.filter(reservesTags);
const holdingValues = Object.fromEntries(holdingStates.map((status, i) => [`:holding${i}`, status]));

export interface TagConflict {
  readonly tag: string;
  readonly transferId: string;
}

export class TagsTakenError extends Error {
  override readonly name = 'TagsTakenError';
  readonly conflicts: readonly TagConflict[];
  constructor(conflicts: readonly TagConflict[]) {
    super(`Tags already on another open transfer: ${conflicts.map((c) => c.tag).join(', ')}`);
    this.conflicts = conflicts;
  }
}

/** A reservation of `tag` for `transferId`, made only if the tag is free, released, or already this transfer's. */
export const reservationItem = (tableName: string, tag: string, transferId: string, attempt: string, at: string): TransactionItem => ({
  role: 'tag',
  item: {
    Put: {
      TableName: tableName,
      Item: { ...keys.tagReservation(tag), tag, transferId, attempt, reservedAt: at },
      ConditionExpression: 'attribute_not_exists(PK) OR attribute_exists(releasedAt) OR transferId = :self',
      ExpressionAttributeValues: { ':self': transferId },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  },
});

function chunks(items: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A reservation whose owner no longer holds tags (crashed mid-manifest, or closed without
 * releasing) is taken over, fencing the owner: its `manifestAttempt` changes in the same
 * transaction, so a manifest it might still be finishing can no longer commit.
 */
async function takeOver(table: TransferTable, tag: string, owner: string, ownerAttempt: unknown, transferId: string, attempt: string, at: string): Promise<boolean> {
  try {
    await transact(table.client, [
      {
        role: 'fenced-owner',
        item: {
          Update: {
            TableName: table.tableName,
            Key: keys.transfer(owner),
            UpdateExpression: 'SET manifestAttempt = :fenced',
            ConditionExpression: `NOT #status IN (${Object.keys(holdingValues).join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':fenced': `fenced-by-${transferId}`, ...holdingValues },
          },
        },
      },
      {
        role: 'tag',
        item: {
          Put: {
            TableName: table.tableName,
            Item: { ...keys.tagReservation(tag), tag, transferId, attempt, reservedAt: at },
            ConditionExpression: 'transferId = :owner AND (attribute_not_exists(attempt) OR attempt = :ownerAttempt OR attribute_exists(releasedAt))',
            ExpressionAttributeValues: { ':owner': owner, ':ownerAttempt': ownerAttempt ?? '' },
          },
        },
      },
    ]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException) return false;
    throw error;
  }
}

/** Reserves tags in transactions of at most 100 actions; returns the tags another open transfer holds. */
export async function reserveTags(table: TransferTable, tags: readonly string[], transferId: string, attempt: string, at: string): Promise<TagConflict[]> {
  const conflicts: TagConflict[] = [];
  for (const batch of chunks(tags, 100)) {
    try {
      await transact(table.client, batch.map((tag) => reservationItem(table.tableName, tag, transferId, attempt, at)));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // The whole batch was refused: retry the free tags one by one, and see who holds the rest.
      for (const tag of batch) {
        try {
          await transact(table.client, [reservationItem(table.tableName, tag, transferId, attempt, at)]);
        } catch (single) {
          if (!(single instanceof TransactionCanceledException)) throw single;
          const held = await table.client.send(new GetCommand({ TableName: table.tableName, Key: keys.tagReservation(tag), ConsistentRead: true }));
          const owner = String(held.Item?.['transferId'] ?? '');
          if (!(await takeOver(table, tag, owner, held.Item?.['attempt'], transferId, attempt, at))) conflicts.push({ tag, transferId: owner });
        }
      }
    }
  }
  return conflicts;
}

/** Frees the tags of a transfer that no longer holds them (voided, received, or a manifest that failed). */
export async function releaseTags(table: TransferTable, transferId: string, tags: readonly string[], at: string): Promise<void> {
  for (const tag of tags) {
    try {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: keys.tagReservation(tag),
          UpdateExpression: 'SET releasedAt = :at',
          ConditionExpression: 'transferId = :self AND attribute_not_exists(releasedAt)',
          ExpressionAttributeValues: { ':self': transferId, ':at': at },
        }),
      );
    } catch (error) {
      // Already released, or taken over since: either way it is no longer ours to free.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
