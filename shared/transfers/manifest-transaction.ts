/**
 * Manifesting in the table: the transfer, its event, the shipper's manifest counter (conditional on
 * the number read), the number's lookup, the submissions, the new items and one reservation per tag,
 * in one transaction up to 94 tags; beyond that in steps, fenced by an attempt id stamped on the draft.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { StaleVersionError } from '../errors.ts';
import { keys } from '../repositories/keys.ts';
import type { Submission } from '../domain/submission/submission.ts';
import { cancellationOf, onlyConflicts, transact } from './transactions.ts';
import type { Cancellation, TransactionItem, TransferTable } from './transactions.ts';
import { currentVersion, transferWrites, versionFailure } from './transfer-items.ts';
import type { EventShape, TransferShape } from './transfer-items.ts';
import { releaseTags, reservationItem, reserveTags, TagsTakenError } from './tag-reservations.ts';

/**
 * A transaction holds at most 100 actions: the transfer, its event, the counter, the number's
 * lookup, the submission and a receipt link's lookup leave room for this many tags.
 */
export const TAGS_PER_TRANSACTION = 94;

export interface ManifestCommit<T extends TransferShape, E extends EventShape> {
  readonly next: T;
  readonly expectedVersion: number;
  readonly event: E;
  /** The shipper's sequence the manifest number carries. */
  readonly sequence: number;
  /** The manifest number as printed, unique statewide; the verification page finds the transfer by it. */
  readonly manifestNumber: string;
  readonly tags: readonly string[];
  /** When the reservations are made (the manifest time). */
  readonly at: string;
  /** What the manifest owes the state system: written in the same transaction (the outbox). */
  readonly submissions?: readonly Submission[];
  /** Items created with the manifest (its receipt link's lookup); each must be new. */
  readonly newItems?: readonly Record<string, unknown>[];
}

/** A concurrent manifest of the same shipper took the number, or fenced this attempt: read again and retry. */
export class ManifestRaceError extends Error {
  override readonly name = 'ManifestRaceError';
  constructor() {
    super('A concurrent manifest got there first');
  }
}

/** The manifest number the shipper's next manifest would take. */
export async function nextManifestNumber(table: TransferTable, shipperId: string): Promise<number> {
  const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: keys.manifestCounter(shipperId), ConsistentRead: true }));
  return Number(Item?.['value'] ?? 0) + 1;
}

/** Everything of a manifest but its reservations; `attempt` fences the transfer in the stepwise path. */
function manifestItems(tableName: string, commit: ManifestCommit<TransferShape, EventShape>, attempt?: string): TransactionItem[] {
  const writes = transferWrites(tableName);
  const { next, expectedVersion, event, sequence, manifestNumber, submissions = [], newItems = [] } = commit;
  return [
    writes.changed(next, expectedVersion, attempt),
    writes.event(next.id, event),
    {
      role: 'manifest-counter',
      item: {
        Update: {
          TableName: tableName,
          Key: keys.manifestCounter(next.shipperId),
          UpdateExpression: 'SET #value = :number',
          ConditionExpression: sequence === 1 ? 'attribute_not_exists(PK)' : '#value = :previous',
          ExpressionAttributeNames: { '#value': 'value' },
          ExpressionAttributeValues: { ':number': sequence, ...(sequence === 1 ? {} : { ':previous': sequence - 1 }) },
        },
      },
    },
    {
      role: 'manifest-number',
      item: { Put: { TableName: tableName, Item: { ...keys.manifestNumber(manifestNumber), transferId: next.id }, ConditionExpression: 'attribute_not_exists(PK)' } },
    },
    ...writes.outbox(submissions),
    ...writes.newItems(newItems),
  ];
}

/** Maps the transfer's or the counter's failed condition in a manifest transaction. */
async function manifestFailure(table: TransferTable, cancelled: Cancellation, id: string, expectedVersion: number): Promise<never> {
  if (cancelled.failed.has('transfer')) {
    const version = await currentVersion(table, id);
    if (version !== expectedVersion) throw new StaleVersionError(version);
    // Same version but another attempt: a concurrent manifest fenced this one.
    throw new ManifestRaceError();
  }
  // Still meeting a concurrent manifest after transact's own tries: the same race, taken from the top.
  if (cancelled.failed.has('manifest-counter') || onlyConflicts(cancelled)) throw new ManifestRaceError();
  throw new Error(`Manifest transaction cancelled: ${cancelled.codes.join(', ')}`);
}

/** The common case: transfer, event, counter and every reservation in one transaction. */
async function inOneTransaction(table: TransferTable, commit: ManifestCommit<TransferShape, EventShape>): Promise<'committed' | 'tags-held'> {
  const { next, expectedVersion, tags, at } = commit;
  const items = [...manifestItems(table.tableName, commit), ...tags.map((tag) => reservationItem(table.tableName, tag, next.id, `one-shot-${next.id}`, at))];
  try {
    await transact(table.client, items);
    return 'committed';
  } catch (error) {
    const cancelled = cancellationOf(error, items);
    if (!cancelled) throw error;
    // Held tags may belong to a stale holder that the stepwise path can take over.
    if (cancelled.failed.has('tag') && cancelled.failed.size === 1) return 'tags-held';
    return manifestFailure(table, cancelled, next.id, expectedVersion);
  }
}

/**
 * More tags than one transaction holds (up to the state's 1000 lines): stamp an attempt on the
 * draft, reserve the tags in transactions of 100, then commit the transfer on the condition that
 * its attempt was not fenced by a takeover meanwhile. On any failure the reservations are freed.
 */
async function inSteps(table: TransferTable, commit: ManifestCommit<TransferShape, EventShape>): Promise<void> {
  const { next, expectedVersion, tags, at } = commit;
  const attempt = randomUUID();
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.transfer(next.id),
        UpdateExpression: 'SET manifestAttempt = :attempt',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':attempt': attempt, ':expected': expectedVersion },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return versionFailure(table, next.id);
    throw error;
  }
  const conflicts = await reserveTags(table, tags, next.id, attempt, at);
  if (conflicts.length > 0) {
    await releaseTags(table, next.id, tags, at);
    throw new TagsTakenError(conflicts);
  }
  const items = manifestItems(table.tableName, commit, attempt);
  try {
    await transact(table.client, items);
  } catch (error) {
    const cancelled = cancellationOf(error, items);
    if (!cancelled) throw error;
    await releaseTags(table, next.id, tags, at);
    return manifestFailure(table, cancelled, next.id, expectedVersion);
  }
}

/**
 * Manifests: the transfer, its event, the shipper's manifest counter and a reservation of every
 * tag. Throws `TagsTakenError` naming the tags another open transfer holds, and
 * `ManifestRaceError` when a concurrent manifest of the same shipper took the number.
 */
export async function commitManifest(table: TransferTable, commit: ManifestCommit<TransferShape, EventShape>): Promise<void> {
  if (commit.tags.length <= TAGS_PER_TRANSACTION && (await inOneTransaction(table, commit)) === 'committed') return;
  await inSteps(table, commit);
}
