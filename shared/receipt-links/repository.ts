/**
 * Receipt-link lookups and the count of wrong guesses, in the hub table. A lookup is keyed by the
 * token's SHA-256 and created in the same transaction as the transfer change that issued the link.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../repositories/keys.ts';

export interface LinkLookup {
  readonly transferId: string;
  readonly linkId: string;
  readonly validUntil: string;
}

/** An expired link still says it expired for this long; then DynamoDB's TTL removes its lookup. */
const KEEP_AFTER_EXPIRY_DAYS = 90;

export function linkLookupItem(hash: string, lookup: LinkLookup): Record<string, unknown> {
  return {
    ...keys.receiptLink(hash),
    ...lookup,
    expiresAt: Math.ceil(Date.parse(lookup.validUntil) / 1000) + KEEP_AFTER_EXPIRY_DAYS * 24 * 3600,
  };
}

export interface LinkRepository {
  find(hash: string): Promise<LinkLookup | undefined>;
  /** Counts one more wrong token from `address` in the window; returns the count so far. */
  countGuess(address: string, window: number, windowEndsAt: Date): Promise<number>;
  guesses(address: string, window: number): Promise<number>;
  /** Takes one of a link's `max` photo grants; false once they are all taken (a conditional counter). */
  grantPhoto(linkId: string, max: number, keepUntil: Date): Promise<boolean>;
  /** Counts one more photo grant to `address` in the window; returns the count so far. */
  countPhotoGrant(address: string, window: number, windowEndsAt: Date): Promise<number>;
}

export function createLinkRepository(client: DynamoDBDocumentClient, tableName: string): LinkRepository {
  /** One more in an address's window counter; the item outlives its window by an hour (TTL). */
  const countInWindow = async (key: Record<string, string>, attribute: string, windowEndsAt: Date): Promise<number> => {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeNames: { '#count': attribute },
        ExpressionAttributeValues: { ':one': 1, ':expires': Math.ceil(windowEndsAt.getTime() / 1000) + 3600 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.[attribute] ?? 1);
  };
  return {
    async find(hash) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.receiptLink(hash) }));
      if (!Item) return undefined;
      return { transferId: String(Item['transferId']), linkId: String(Item['linkId']), validUntil: String(Item['validUntil']) };
    },

    countGuess: (address, window, windowEndsAt) => countInWindow(keys.linkGuesses(address, window), 'guesses', windowEndsAt),

    async grantPhoto(linkId, max, keepUntil) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.photoGrants(linkId),
            UpdateExpression: 'ADD grants :one SET expiresAt = if_not_exists(expiresAt, :expires)',
            ConditionExpression: 'attribute_not_exists(grants) OR grants < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': max, ':expires': Math.ceil(keepUntil.getTime() / 1000) },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    countPhotoGrant: (address, window, windowEndsAt) => countInWindow(keys.photoGrantsFrom(address, window), 'grants', windowEndsAt),
    async guesses(address, window) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.linkGuesses(address, window) }));
      return Number(Item?.['guesses'] ?? 0);
    },
  };
}
