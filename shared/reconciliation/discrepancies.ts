/**
 * Discrepancies in the hub table: where the state system sees a transfer differently from the
 * hub. Each lives in its transfer's partition of them (read with the transfer's view) and, while
 * open, in the licensee's GSI1 list, so counts and consoles find them without scanning. Recording
 * the same difference twice keeps the first. The state system's receipt, once seen, is kept in
 * the same partition: the transfer's view shows whether the state shows it received.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Discrepancy } from '../domain/reconciliation/judge.ts';
import type { StateReceipt } from '../domain/reconciliation/state-receipt.ts';
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
  /** Keeps the departure or arrival time the state system shows, beside the transfer's state ids (read with them). */
  recordStateTime(transferId: string, which: 'departed' | 'arrived', at: string): Promise<void>;
  /** Keeps the receipt the state system shows (the last seen wins). */
  recordStateReceipt(transferId: string, receipt: StateReceipt): Promise<void>;
  stateReceipt(transferId: string): Promise<StateReceipt | undefined>;
}

const STATE_RECEIPT = 'STATE_RECEIPT';

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
        {
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :kind)',
          ExpressionAttributeValues: { ':pk': keys.discrepancies(transferId), ':kind': 'DISCREPANCY#' },
          ConsistentRead: true,
        },
        1000,
      );
      return items.map((item) => withoutKeys(item) as unknown as StoredDiscrepancy).sort((a, b) => a.observedAt.localeCompare(b.observedAt));
    },

    countOpen: (licenseeId) => countGsi1(client, tableName, keys.openDiscrepancies(licenseeId)),

    async recordStateTime(transferId, which, at) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.transferStateIds(transferId),
          UpdateExpression: 'SET #time = :at',
          ExpressionAttributeNames: { '#time': which === 'departed' ? 'stateDepartedAt' : 'stateArrivedAt' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    },

    async recordStateReceipt(transferId, receipt) {
      await client.send(new PutCommand({ TableName: tableName, Item: { PK: keys.discrepancies(transferId), SK: STATE_RECEIPT, ...receipt } }));
      // Beside the state ids too, where the stored status (list rows) reads it: the state shows it received.
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.transferStateIds(transferId),
          UpdateExpression: 'SET stateReceiptSeenAt = if_not_exists(stateReceiptSeenAt, :at)',
          ExpressionAttributeValues: { ':at': receipt.seenAt },
        }),
      );
    },

    async stateReceipt(transferId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { PK: keys.discrepancies(transferId), SK: STATE_RECEIPT }, ConsistentRead: true }));
      return Item ? (withoutKeys(Item) as unknown as StateReceipt) : undefined;
    },
  };
}
