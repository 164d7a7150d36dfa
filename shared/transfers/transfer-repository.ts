/**
 * The transfer repository: transfers, their append-only events, manifest numbers and package-tag
 * reservations in the hub table, composed from the stored layout, the tag reservations, the
 * manifest transaction and the list indexes. Every change is one DynamoDB transaction: the
 * transfer (conditional on the version the caller read) and its event together.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { processCursors, queryAll } from '../repositories/paging.ts';
import type { Page, PageCursors } from '../repositories/paging.ts';
import { keys, withoutKeys } from '../repositories/keys.ts';
import type { Submission } from '../domain/submission/submission.ts';
import { cancellationOf, transact } from './transactions.ts';
import type { TransactionItem } from './transactions.ts';
import { assemble, assembleHeader, transferWrites, versionFailure } from './transfer-items.ts';
import type { ChangedParts, EventShape, TransferHeader, TransferShape } from './transfer-items.ts';
import { releaseTags } from './tag-reservations.ts';
import { commitManifest, nextManifestNumber } from './manifest-transaction.ts';
import type { ManifestCommit } from './manifest-transaction.ts';
import { listPage } from './transfer-lists.ts';
import type { ListedTransfer, ListOptions } from './transfer-lists.ts';

export interface TransferRepository<T extends TransferShape, E extends EventShape> {
  /** Creates the transfer; `unique` items are written with it, each only if its key is new (else `DuplicateError`). */
  create(transfer: T, event: E, unique?: readonly Record<string, unknown>[]): Promise<void>;
  /**
   * Creates a transfer that arrives with a history of several changes (a paper manifest recorded,
   * then received): the transfer, its events, its line and receipt chunks, the submissions it owes
   * and the `unique` items, in one transaction. A `unique` key that exists already is a `DuplicateError`.
   */
  createWithHistory(transfer: T, events: readonly E[], unique: readonly Record<string, unknown>[], submissions: readonly Submission[]): Promise<void>;
  get(id: string): Promise<T | undefined>;
  listOutgoing(shipperId: string, options: ListOptions): Promise<Page<ListedTransfer>>;
  listIncoming(receiverId: string, options: ListOptions): Promise<Page<ListedTransfer>>;
  /** Transfers whose manifest names the licensee as transporter. */
  listCarrying(transporterId: string, options: ListOptions): Promise<Page<ListedTransfer>>;
  events(id: string): Promise<E[]>;
  /**
   * Writes `next` and `event` if the stored transfer is still at `expectedVersion`, with the
   * submissions the change owes the state system in the same transaction (the outbox).
   */
  commit(next: T, expectedVersion: number, event: E, changed?: ChangedParts, submissions?: readonly Submission[]): Promise<void>;
  /** Writes `next` (from `expectedVersion`) and creates `created`, both with their events, all or nothing. */
  commitWithNew(next: T, expectedVersion: number, event: E, created: T, createdEvent: E): Promise<void>;
  /** The manifest number the shipper's next manifest would take. */
  nextManifestNumber(shipperId: string): Promise<number>;
  /**
   * Manifests: the transfer, its event, the shipper's manifest counter and a reservation of every
   * tag. Throws `TagsTakenError` naming the tags another open transfer holds, and
   * `ManifestRaceError` when a concurrent manifest of the same shipper took the number.
   */
  commitManifest(commit: ManifestCommit<T, E>): Promise<void>;
  /** The transfer that issued a manifest number, without its lines, with its state ids: what the public verification page reads. */
  findByManifestNumber(manifestNumber: string): Promise<(TransferHeader<T> & Pick<TransferShape, 'stateIds'>) | undefined>;
  /** Frees the tags of a transfer that no longer holds them (voided, received). */
  releaseTags(transferId: string, tags: readonly string[], at: string): Promise<void>;
}

/** An item that must be unique (a state-system transfer's lookup) exists already: another run created the transfer. */
export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';
  constructor() {
    super('Already recorded');
  }
}

export function createTransferRepository<T extends TransferShape, E extends EventShape>(
  client: DynamoDBDocumentClient,
  tableName: string,
  /** The hub's configured cursor key where cursors reach clients (see `shared/repositories/paging.ts`). */
  cursors: PageCursors = processCursors,
): TransferRepository<T, E> {
  const table = { client, tableName };
  const writes = transferWrites(tableName);

  /** Every item of one key condition, page after page, strongly consistent. */
  const queryPartition = (condition: string, values: Record<string, string>) =>
    queryAll(client, { TableName: tableName, KeyConditionExpression: condition, ExpressionAttributeValues: values, ConsistentRead: true });

  /** Writes a new transfer with what goes with it; a `unique` item that exists already means another run recorded it. */
  async function createAll(items: readonly TransactionItem[]): Promise<void> {
    try {
      await transact(client, items);
    } catch (error) {
      if (cancellationOf(error, items)?.failed.has('unique')) throw new DuplicateError();
      throw error;
    }
  }

  /** Writes a change of the transfer `id`; its failed version condition is a 404 or 412. */
  async function change(id: string, items: readonly TransactionItem[]): Promise<void> {
    try {
      await transact(client, items);
    } catch (error) {
      if (cancellationOf(error, items)?.failed.has('transfer')) return versionFailure(table, id);
      throw error;
    }
  }

  return {
    create: async (transfer, event, unique = []) =>
      createAll([writes.created(transfer), writes.event(transfer.id, event), ...writes.chunks(transfer, { lines: true }), ...writes.unique(unique)]),

    createWithHistory: async (transfer, events, unique, submissions) =>
      createAll([
        writes.created(transfer),
        ...events.map((event) => writes.event(transfer.id, event)),
        ...writes.chunks(transfer, { lines: true, receipt: true }),
        ...writes.outbox(submissions),
        ...writes.unique(unique),
      ]),

    async get(id) {
      // The header, its line chunks and state ids: the partition from `LINES#` to `TRANSFER`, events excluded.
      const items = await queryPartition('PK = :pk AND SK BETWEEN :first AND :header', { ':pk': keys.transfer(id).PK, ':first': 'LINES#', ':header': 'TRANSFER' });
      return assemble(items) as T | undefined;
    },

    listOutgoing: (shipperId, options) => listPage(table, cursors, 'GSI2', keys.outgoingTransfers(shipperId), options),
    listIncoming: (receiverId, options) => listPage(table, cursors, 'GSI3', keys.incomingTransfers(receiverId), options),
    listCarrying: (transporterId, options) => listPage(table, cursors, 'GSI4', keys.carriedTransfers(transporterId), options),

    async events(id) {
      const items = await queryPartition('PK = :pk AND begins_with(SK, :prefix)', { ':pk': keys.transfer(id).PK, ':prefix': keys.transferEventPrefix });
      return items.map((item) => withoutKeys(item) as E);
    },

    commit: async (next, expectedVersion, event, changed = {}, submissions = []) =>
      change(next.id, [
        writes.changed(next, expectedVersion),
        writes.event(next.id, event),
        ...writes.chunks(next, changed),
        ...writes.newItems(changed.newItems ?? []),
        ...writes.outbox(submissions),
      ]),

    commitWithNew: async (next, expectedVersion, event, created, createdEvent) =>
      change(next.id, [
        writes.changed(next, expectedVersion),
        writes.event(next.id, event),
        writes.created(created),
        writes.event(created.id, createdEvent),
        ...writes.chunks(created, { lines: true }),
      ]),

    nextManifestNumber: (shipperId) => nextManifestNumber(table, shipperId),

    commitManifest: (commit) => commitManifest(table, commit),

    async findByManifestNumber(manifestNumber) {
      const lookup = await client.send(new GetCommand({ TableName: tableName, Key: keys.manifestNumber(manifestNumber) }));
      const transferId: unknown = lookup.Item?.['transferId'];
      if (typeof transferId !== 'string') return undefined;
      // The header and the state ids (`STATE` sorts just before `TRANSFER`), without the lines.
      const items = await queryPartition('PK = :pk AND SK BETWEEN :state AND :header', {
        ':pk': keys.transfer(transferId).PK,
        ':state': keys.transferStateIds(transferId).SK,
        ':header': keys.transfer(transferId).SK,
      });
      return assembleHeader(items, transferId) as TransferHeader<T> | undefined;
    },

    releaseTags: (transferId, tags, at) => releaseTags(table, transferId, tags, at),
  };
}
