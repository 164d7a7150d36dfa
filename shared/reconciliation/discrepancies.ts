/**
 * Discrepancies in the hub table: where the state system sees a transfer differently from the
 * hub. Each lives in its transfer's partition of them (read with the transfer's view) and, while
 * open, in the licensee's GSI1 list, so counts and consoles find them without scanning. Recording
 * the same difference twice keeps the first.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Discrepancy } from '../domain/reconciliation/judge.ts';
import { keys, withoutKeys } from '../repositories/keys.ts';
import { countGsi1, queryAll } from '../repositories/paging.ts';

export interface StoredDiscrepancy extends Discrepancy {
  readonly transferId: string;
  /** The licensee whose reconciler saw it, and who is told. */
  readonly licenseeId: string;
  readonly status: 'open' | 'resolved';
}

export interface DiscrepancyStore {
  /** Keeps a discrepancy unless the same one is kept already; true when it is new. */
  record(transferId: string, licenseeId: string, discrepancy: Discrepancy): Promise<boolean>;
  ofTransfer(transferId: string): Promise<StoredDiscrepancy[]>;
  countOpen(licenseeId: string): Promise<number>;
}

export function createDiscrepancyStore(client: DynamoDBDocumentClient, tableName: string): DiscrepancyStore {
  return {
    async record(transferId, licenseeId, discrepancy) {
      const stored: StoredDiscrepancy = { ...discrepancy, transferId, licenseeId, status: 'open' };
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              PK: keys.discrepancies(transferId),
              SK: `DISCREPANCY#${discrepancy.key}`,
              GSI1PK: keys.openDiscrepancies(licenseeId),
              GSI1SK: `${discrepancy.observedAt}#${transferId}#${discrepancy.key}`,
              ...stored,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        // The transfer's status counts what is open, without reading the list.
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.transferStateIds(transferId),
            UpdateExpression: 'ADD openDiscrepancies :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async ofTransfer(transferId) {
      const items = await queryAll(
        client,
        { TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.discrepancies(transferId) }, ConsistentRead: true },
        1000,
      );
      return items.map((item) => withoutKeys(item) as unknown as StoredDiscrepancy).sort((a, b) => a.observedAt.localeCompare(b.observedAt));
    },

    countOpen: (licenseeId) => countGsi1(client, tableName, keys.openDiscrepancies(licenseeId)),
  };
}
