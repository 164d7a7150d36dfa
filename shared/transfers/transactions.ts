/**
 * The transfer table's transactions, built as items that carry their role. DynamoDB gives a
 * cancelled transaction's reasons one per item, in order; reading them back by role instead of by
 * position means adding an item to a transaction can never change what a failure is taken to mean.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

export interface TransferTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** What an item is to the change it is written in. */
export type ItemRole =
  /** The transfer changed, conditional on the version the caller read. */
  | 'transfer'
  /** A transfer created (a draft, a return, a transfer recorded from elsewhere). */
  | 'new-transfer'
  | 'event'
  /** A chunk of package or receipt lines. */
  | 'chunk'
  /** A submission the change owes the state system. */
  | 'outbox'
  /** An item the change creates beside the transfer (a receipt link's lookup). */
  | 'new-item'
  /** An item whose key existing already means another run recorded the transfer. */
  | 'unique'
  | 'manifest-counter'
  | 'manifest-number'
  /** A package tag's reservation. */
  | 'tag'
  /** The transfer whose stale reservation is taken over, fenced in the same transaction. */
  | 'fenced-owner';

export interface TransactionItem {
  readonly role: ItemRole;
  readonly item: NonNullable<TransactWriteCommandInput['TransactItems']>[number];
}

/** Tries of a transaction that another transaction on one of its items got in the way of. */
const CONFLICT_ATTEMPTS = 4;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes the items in one transaction. DynamoDB cancels a transaction with `TransactionConflict`
 * when another one is writing one of its items at that moment (two manifests of one shipper both
 * bump its counter); the SDK does not retry that, and nothing was written, so it is tried again
 * after a short jittered pause. A condition that failed is never retried: it is the caller's answer.
 */
export async function transact(client: DynamoDBDocumentClient, items: readonly TransactionItem[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items.map(({ item }) => item) }));
      return;
    } catch (error) {
      const cancelled = cancellationOf(error, items);
      if (!cancelled || !onlyConflicts(cancelled) || attempt === CONFLICT_ATTEMPTS) throw error;
      await pause(Math.random() * 20 * 2 ** attempt);
    }
  }
}

/** The transaction met another one and no condition of its own failed. */
export function onlyConflicts(cancelled: Cancellation): boolean {
  return cancelled.failed.size === 0 && cancelled.codes.includes('TransactionConflict');
}

export interface Cancellation {
  /** The roles of the items whose condition failed. */
  readonly failed: ReadonlySet<ItemRole>;
  /** DynamoDB's reason for each item, in the order written (`None` for an item that was fine). */
  readonly codes: readonly string[];
}

/** The reasons of a cancelled transaction of `items`, by role; undefined when `error` is not a cancellation. */
export function cancellationOf(error: unknown, items: readonly TransactionItem[]): Cancellation | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  return { failed: new Set(items.filter((_, i) => codes[i] === 'ConditionalCheckFailed').map(({ role }) => role)), codes };
}
