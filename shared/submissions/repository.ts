/**
 * Submissions in the hub table. They are written by the transfer repository inside the
 * transition's own transaction (`submissionItem`); afterwards only the worker changes them, each
 * update conditional on the version it read. While a submission is open it carries GSI1 keys:
 * the sweeper finds what was never enqueued there, and the oldest one is the pipeline's lag.
 * While it waits for a person it is listed per licensee by its deadline, so overdue ones are a
 * range query.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchGetCommandOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import type { Submission } from '../domain/submission/submission.ts';
import { keys, withoutKeys } from '../repositories/keys.ts';
import { countGsi1, queryAll } from '../repositories/paging.ts';
import type { StateFacts, StateRefs, WatchedTransfer } from '../state-system/port.ts';

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
  /** The adapter's refs of the transfer and the neutral facts kept from them (none yet: empty). */
  stateRefs(transferId: string): Promise<StateRecord>;
  /**
   * Merges `changed` into the transfer's refs field by field (no read, so two writers of different
   * fields lose nothing), stores the facts the adapter read from the merged refs, lists the transfer
   * for the reconciler while it wants following up, and records which transfer each state object is.
   */
  saveStateRefs(transferId: string, owner: StateRefsOwner, changed: StateRefs, facts: StateFacts): Promise<void>;
  /** The hub transfer a state object is (by a key its adapter gives). */
  transferOfStateObject(system: string, objectKey: string): Promise<string | undefined>;
  /** The licensee's transfers the state system may still show more of, longest unobserved first. */
  followUps(licenseeId: string, system: string, limit: number): Promise<WatchedTransfer[]>;
  /** Moves a followed transfer to the back of its watch list (looked at now, nothing new). */
  touchFollowUp(transferId: string, owner: StateRefsOwner): Promise<void>;
  /** Stores where the transfer stands with the state system, unless a view that saw more (a larger `basis`) stored it already. */
  saveStatus(transferId: string, status: StateSystemStatus, basis: number): Promise<void>;
  /** The stored statuses of these transfers (for list rows); a transfer never drained has none. */
  statuses(transferIds: readonly string[]): Promise<Map<string, StateSystemStatus>>;
  /** How many transfers wait on this licensee because the state system refused a step. */
  countRefused(licenseeId: string): Promise<number>;
}

/** BatchGetItem reads at most this many keys at once. */
const BATCH_GET = 100;

/** Whose refs they are: the state system's adapter, for the licensee that reports the transfer. */
export interface StateRefsOwner {
  readonly system: string;
  readonly licenseeId: string;
}

export interface StateRecord {
  readonly refs: StateRefs;
  /** The system and licensee the refs are of (the one that reports the transfer); none before any was kept. */
  readonly owner?: StateRefsOwner;
  /** The state's manifest number, as the adapter read it from the refs. */
  readonly manifestNumber?: string;
  /** Differences with the state system still to settle (kept by the discrepancy store). */
  readonly openDiscrepancies: number;
  /** The departure and arrival times the state system shows, once the reconciler saw them (kept by the discrepancy store). */
  readonly stateTimes?: { readonly departedAt?: string; readonly arrivedAt?: string };
  /** When the reconciler first saw the state system's receipt. */
  readonly receiptSeenAt?: string;
}

/** Attributes of the refs item that are the hub's own; every other one is a field of the adapter's refs. */
const hubAttributes = new Set(['system', 'licenseeId', 'stateManifestId', 'openDiscrepancies', 'stateDepartedAt', 'stateArrivedAt', 'stateReceiptSeenAt']);

/** The adapter's refs an item of the transfer's partition holds. */
export function stateIdsOf(item: Record<string, unknown>): StateRefs {
  return Object.fromEntries(Object.entries(withoutKeys(item)).filter(([name]) => !hubAttributes.has(name)));
}

const followUpKeys = (transferId: string, owner: StateRefsOwner, at: string) => ({ GSI1PK: keys.stateFollowUp(owner.licenseeId, owner.system), GSI1SK: `${at}#${transferId}` });

/** The items that tie a new hub transfer to the state's objects, for the transfer's creation. */
export function stateObjectItems(transferId: string, owner: StateRefsOwner, refs: StateRefs, facts: StateFacts, at: string): Record<string, unknown>[] {
  return [
    ...facts.objectKeys.map((objectKey) => ({ ...keys.stateObject(owner.system, objectKey), transferId, system: owner.system })),
    {
      ...keys.transferStateIds(transferId),
      ...(facts.followUp ? followUpKeys(transferId, owner, at) : {}),
      ...refs,
      ...owner,
      ...(facts.manifestNumber ? { stateManifestId: facts.manifestNumber } : {}),
    },
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

  const countIndex = (partition: string, before?: string) => countGsi1(client, tableName, partition, before);

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

    async stateRefs(transferId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.transferStateIds(transferId), ConsistentRead: true }));
      if (!Item) return { refs: {}, openDiscrepancies: 0 };
      const manifestNumber: unknown = Item['stateManifestId'];
      const open: unknown = Item['openDiscrepancies'];
      const system: unknown = Item['system'];
      const licenseeId: unknown = Item['licenseeId'];
      const departedAt: unknown = Item['stateDepartedAt'];
      const arrivedAt: unknown = Item['stateArrivedAt'];
      const receiptSeenAt: unknown = Item['stateReceiptSeenAt'];
      const times = { ...(typeof departedAt === 'string' ? { departedAt } : {}), ...(typeof arrivedAt === 'string' ? { arrivedAt } : {}) };
      return {
        refs: stateIdsOf(Item),
        ...(typeof system === 'string' && typeof licenseeId === 'string' ? { owner: { system, licenseeId } } : {}),
        ...(typeof manifestNumber === 'string' ? { manifestNumber } : {}),
        openDiscrepancies: typeof open === 'number' ? open : 0,
        ...(Object.keys(times).length > 0 ? { stateTimes: times } : {}),
        ...(typeof receiptSeenAt === 'string' ? { receiptSeenAt } : {}),
      };
    },

    async saveStateRefs(transferId, owner, changed, facts) {
      const entries = Object.entries(changed).filter(([name, value]) => value !== undefined && !hubAttributes.has(name));
      const hub: [string, unknown][] = [
        ['system', owner.system],
        ['licenseeId', owner.licenseeId],
        ...(facts.manifestNumber ? [['stateManifestId', facts.manifestNumber] as [string, unknown]] : []),
      ];
      const sets = [...hub, ...entries];
      // Listed for the reconciler while the state may still show more; the sort key is when it was last looked at.
      const follow = facts.followUp ? followUpKeys(transferId, owner, new Date().toISOString()) : undefined;
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.transferStateIds(transferId),
          UpdateExpression: [
            `SET ${[...sets.map((_, i) => `#k${i} = :v${i}`), ...(follow ? ['GSI1PK = :followPk', 'GSI1SK = :followSk'] : [])].join(', ')}`,
            ...(follow ? [] : ['REMOVE GSI1PK, GSI1SK']),
          ].join(' '),
          ExpressionAttributeNames: Object.fromEntries(sets.map(([name], i) => [`#k${i}`, name])),
          ExpressionAttributeValues: {
            ...Object.fromEntries(sets.map(([, value], i) => [`:v${i}`, value])),
            ...(follow ? { ':followPk': follow.GSI1PK, ':followSk': follow.GSI1SK } : {}),
          },
        }),
      );
      for (const objectKey of facts.objectKeys) {
        await client.send(new PutCommand({ TableName: tableName, Item: { ...keys.stateObject(owner.system, objectKey), transferId, system: owner.system } }));
      }
    },

    async touchFollowUp(transferId, owner) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.transferStateIds(transferId),
            UpdateExpression: 'SET GSI1SK = :sk',
            ConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': keys.stateFollowUp(owner.licenseeId, owner.system), ':sk': `${new Date().toISOString()}#${transferId}` },
          }),
        );
      } catch (error) {
        // Settled meanwhile: no longer followed.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async followUps(licenseeId, system, limit) {
      const items = await queryAll(
        client,
        { TableName: tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': keys.stateFollowUp(licenseeId, system) } },
        limit,
      );
      return items.map((item) => ({ transferId: String(item['PK']).slice('TRANSFER#'.length), refs: stateIdsOf(item) }));
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

    async transferOfStateObject(system, objectKey) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.stateObject(system, objectKey) }));
      const transferId: unknown = Item?.['transferId'];
      return typeof transferId === 'string' ? transferId : undefined;
    },
  };
}
