/**
 * Submissions in the hub table. They are written by the transfer repository inside the
 * transition's own transaction (`submissionItem`); afterwards only the worker changes them, each
 * update conditional on the version it read. While a submission is open it carries GSI1 keys:
 * the sweeper finds what was never enqueued there, and the oldest one is the pipeline's lag.
 * While it waits for a person it is listed per licensee by its deadline, so overdue ones are a
 * range query.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchGetCommandOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import type { Submission } from '../domain/submission/submission.ts';
import { keys, withoutKeys } from '../repositories/keys.ts';
import { queryAll } from '../repositories/paging.ts';
import type { StateIds } from '../state-system/port.ts';

const sortKey = (submission: Pick<Submission, 'sequence' | 'step'>) => `${String(submission.sequence).padStart(6, '0')}#${submission.step}`;

/** The GSI1 keys of a submission's status: open ones are listed for the sweeper, parked ones per licensee. */
function indexKeys(submission: Submission): Record<string, string> {
  if (submission.status === 'pending' || submission.status === 'retrying') {
    return { GSI1PK: keys.openSubmissions, GSI1SK: `${submission.createdAt}#${submission.id}` };
  }
  if (submission.status === 'awaiting-person' && submission.awaitingPerson) {
    return { GSI1PK: keys.awaitingPerson(submission.licenseeId), GSI1SK: `${submission.awaitingPerson.deadline}#${submission.id}` };
  }
  if (submission.status === 'consent-expired') {
    return { GSI1PK: keys.awaitingConsent(submission.licenseeId), GSI1SK: `${submission.createdAt}#${submission.id}` };
  }
  return {};
}

/** The item of a new submission, for the transition's transaction. */
export function submissionItem(submission: Submission): Record<string, unknown> {
  return { PK: keys.submissions(submission.transferId), SK: sortKey(submission), ...indexKeys(submission), ...submission };
}

export interface StoredSubmission extends Submission {
  /** When it was handed to the queue; absent: the sweeper hands it over. */
  readonly enqueuedAt?: string;
}

export interface SubmissionRepository {
  list(transferId: string): Promise<StoredSubmission[]>;
  /** Writes `next` if the stored one is still at `next.version - 1`; false when another writer got there first. */
  save(next: Submission): Promise<boolean>;
  markEnqueued(submission: Pick<Submission, 'transferId' | 'sequence' | 'step'>, at: string): Promise<void>;
  /** Open submissions, oldest first. */
  open(limit: number): Promise<StoredSubmission[]>;
  /** Open submissions created before `before` that were never handed to the queue, oldest first. */
  unenqueued(before: string, limit: number): Promise<StoredSubmission[]>;
  awaitingConsent(licenseeId: string): Promise<StoredSubmission[]>;
  /** The licensee's submissions waiting for a person in the state system's app, soonest deadline first. */
  awaitingPerson(licenseeId: string, limit: number): Promise<StoredSubmission[]>;
  /** How many of the licensee's awaited submissions are past their deadline at `now`. */
  countOverdue(licenseeId: string, now: Date): Promise<number>;
  /** How many transfers, of every licensee, wait for a person past the deadline (from their stored statuses). */
  countOverdueTransfers(now: Date): Promise<number>;
  stateIds(transferId: string): Promise<StateIds>;
  /** Merges ids into the transfer's state ids, and records which transfer a state inventory transfer is. */
  saveStateIds(transferId: string, system: string, ids: StateIds): Promise<void>;
  transferOfStateTransfer(system: string, inventoryTransferId: string | number): Promise<string | undefined>;
  /** Stores where the transfer stands with the state system, unless a view that saw more (a larger `basis`) stored it already. */
  saveStatus(transferId: string, status: StateSystemStatus, basis: number): Promise<void>;
  /** The stored statuses of these transfers (for list rows); a transfer never drained has none. */
  statuses(transferIds: readonly string[]): Promise<Map<string, StateSystemStatus>>;
  /** How many transfers wait on this licensee because the state system refused a step. */
  countRefused(licenseeId: string): Promise<number>;
}

/** BatchGetItem reads at most this many keys at once. */
const BATCH_GET = 100;

/** The state ids an item of the transfer's partition holds (its attributes besides the keys and the system). */
export function stateIdsOf(item: Record<string, unknown>): StateIds {
  const { system: _system, ...ids } = withoutKeys(item);
  return ids;
}

/** The items that tie a hub transfer to a state-system inventory transfer, for the transfer's creation. */
export function stateTransferItems(transferId: string, system: string, ids: StateIds & { inventoryTransferIds: readonly [number] }): Record<string, unknown>[] {
  const [inventoryTransferId] = ids.inventoryTransferIds;
  return [
    { ...keys.stateTransfer(system, inventoryTransferId), transferId, system, inventoryTransferId },
    { ...keys.transferStateIds(transferId), system, ...ids },
  ];
}

const toSubmission = (item: Record<string, unknown>) => withoutKeys(item) as unknown as StoredSubmission;

export function createSubmissionRepository(client: DynamoDBDocumentClient, tableName: string): SubmissionRepository {
  const queryIndex = async (partition: string, limit: number, unenqueuedBefore?: string): Promise<StoredSubmission[]> =>
    (
      await queryAll(
        client,
        {
          TableName: tableName,
          IndexName: 'GSI1',
          ...(unenqueuedBefore
            ? {
                KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :before',
                FilterExpression: 'attribute_not_exists(enqueuedAt)',
                ExpressionAttributeValues: { ':pk': partition, ':before': unenqueuedBefore },
              }
            : { KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': partition } }),
        },
        limit,
      )
    ).map(toSubmission);

  const countIndex = async (partition: string, before?: string): Promise<number> => {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const answer = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: before ? 'GSI1PK = :pk AND GSI1SK < :before' : 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': partition, ...(before ? { ':before': before } : {}) },
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      count += answer.Count ?? 0;
      start = answer.LastEvaluatedKey;
    } while (start);
    return count;
  };

  return {
    async list(transferId) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.submissions(transferId) },
        ConsistentRead: true,
      });
      return items.map(toSubmission);
    },

    async save(next) {
      try {
        const { enqueuedAt } = next as StoredSubmission;
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...submissionItem(next), ...(enqueuedAt ? { enqueuedAt } : {}) },
            ConditionExpression: 'version = :previous',
            ExpressionAttributeValues: { ':previous': next.version - 1 },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async markEnqueued(submission, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { PK: keys.submissions(submission.transferId), SK: sortKey(submission) },
            UpdateExpression: 'SET enqueuedAt = :at',
            ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(enqueuedAt)',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (error) {
        // Marked already (a sweep and the commit path raced): nothing to do.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    open: (limit) => queryIndex(keys.openSubmissions, limit),
    unenqueued: (before, limit) => queryIndex(keys.openSubmissions, limit, before),
    awaitingConsent: (licenseeId) => queryIndex(keys.awaitingConsent(licenseeId), 1000),

    async stateIds(transferId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.transferStateIds(transferId), ConsistentRead: true }));
      return Item ? stateIdsOf(Item) : {};
    },

    async saveStateIds(transferId, system, ids) {
      const entries = Object.entries(ids).filter(([, value]) => value !== undefined);
      if (entries.length === 0) return;
      // One attribute per id: a later step adds its ids without reading the earlier ones.
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.transferStateIds(transferId),
          UpdateExpression: `SET #system = :system, ${entries.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
          ExpressionAttributeNames: { '#system': 'system', ...Object.fromEntries(entries.map(([key], i) => [`#k${i}`, key])) },
          ExpressionAttributeValues: { ':system': system, ...Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])) },
        }),
      );
      for (const inventoryTransferId of ids.inventoryTransferIds ?? []) {
        await client.send(
          new PutCommand({ TableName: tableName, Item: { ...keys.stateTransfer(system, inventoryTransferId), transferId, system, inventoryTransferId } }),
        );
      }
    },

    async saveStatus(transferId, status, basis) {
      const refused = status.status === 'refused' && status.licenseeId;
      const awaited = status.status === 'awaiting-person' && status.deadline;
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.transferStateStatus(transferId),
              ...(refused ? { GSI1PK: keys.stateRefused(status.licenseeId ?? ''), GSI1SK: `${status.since ?? ''}#${transferId}` } : {}),
              ...(awaited ? { GSI1PK: keys.awaitingPersonTransfers, GSI1SK: `${status.deadline ?? ''}#${transferId}` } : {}),
              transferId,
              stateSystem: status,
              basis,
            },
            ConditionExpression: 'attribute_not_exists(basis) OR basis <= :basis',
            ExpressionAttributeValues: { ':basis': basis },
          }),
        );
      } catch (error) {
        // A writer that saw more of the transfer's submissions stored its status first.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async statuses(transferIds) {
      const found = new Map<string, StateSystemStatus>();
      for (let i = 0; i < transferIds.length; i += BATCH_GET) {
        let pending: Record<string, unknown>[] | undefined = transferIds.slice(i, i + BATCH_GET).map((id) => keys.transferStateStatus(id));
        // Unprocessed keys (throttling) are asked for again until none is left.
        while (pending && pending.length > 0) {
          const answer: BatchGetCommandOutput = await client.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ProjectionExpression: 'transferId, stateSystem' } } }),
          );
          for (const item of answer.Responses?.[tableName] ?? []) found.set(String(item['transferId']), item['stateSystem'] as StateSystemStatus);
          pending = answer.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      return found;
    },

    countRefused: (licenseeId) => countIndex(keys.stateRefused(licenseeId)),
    awaitingPerson: (licenseeId, limit) => queryIndex(keys.awaitingPerson(licenseeId), limit),
    // Keys sort by deadline: everything before now is overdue.
    countOverdue: (licenseeId, now) => countIndex(keys.awaitingPerson(licenseeId), now.toISOString()),
    countOverdueTransfers: (now) => countIndex(keys.awaitingPersonTransfers, now.toISOString()),

    async transferOfStateTransfer(system, inventoryTransferId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.stateTransfer(system, inventoryTransferId) }));
      const transferId: unknown = Item?.['transferId'];
      return typeof transferId === 'string' ? transferId : undefined;
    },
  };
}
