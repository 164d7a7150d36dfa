/**
 * Transfers, their append-only events, manifest numbers and package-tag reservations in the hub
 * table. Every change is one DynamoDB transaction: the transfer (conditional on the version the
 * caller read) and its event together, plus the manifest counter and tag reservations when
 * manifesting. The model itself is the domain's; this module only needs the fields it indexes.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { reservesTags, transferStatuses } from '../domain/transfer/index.ts';
import { NotFoundError, StaleVersionError } from '../errors.ts';
import { processCursors, queryAll, queryPage } from '../repositories/paging.ts';
import type { Page, PageCursors } from '../repositories/paging.ts';
import { keys, withoutKeys } from '../repositories/keys.ts';
import type { Submission } from '../domain/submission/submission.ts';
import { stateIdsOf, submissionItem } from '../submissions/repository.ts';

/** What the repository reads of a transfer; the rest of the domain model is stored as it is. */
export interface TransferShape {
  readonly id: string;
  readonly version: number;
  readonly status: string;
  readonly shipperId: string;
  /** The receiving licensee when it is a tenant of the hub; it then sees the transfer as incoming. */
  readonly receiverLicenseeId?: string;
  /** The transporter when it is a tenant: it then sees the transfer as carrying. */
  readonly transporterLicenseeId?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly manifestedAt?: string;
  /** What lists show: the only attribute besides the keys that the list indexes copy. */
  readonly summary: object;
  readonly content: { readonly lines: readonly unknown[] };
  readonly receipt?: { readonly lines: readonly unknown[] };
  /** The ids the state system gave the transfer's objects, as the submission worker recorded them. */
  readonly stateIds?: object;
}

/** Which parts of a transfer a change rewrote, besides its header: lines change only in a draft, the receipt once. */
export interface ChangedParts {
  readonly lines?: boolean;
  readonly receipt?: boolean;
  /** Items the change creates beside the transfer (a receipt link's lookup); each must be new. */
  readonly newItems?: readonly Record<string, unknown>[];
}

/** A transfer's header item: everything but its package and receipt lines. */
export type TransferHeader<T extends TransferShape> = Omit<T, 'content' | 'receipt'> & { readonly content: Omit<T['content'], 'lines'> };

/** A transfer as a list index holds it. */
export type ListedTransfer = Pick<TransferShape, 'id' | 'shipperId' | 'status' | 'version' | 'createdAt' | 'updatedAt' | 'summary'>;

export interface EventShape {
  readonly sequence: number;
}

export interface ListOptions {
  readonly status?: string;
  /** Inclusive bounds on creation (outgoing) or manifest time (incoming), ISO-8601. */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * A transaction holds at most 100 actions: the transfer, its event, the counter, the number's
 * lookup, the submission and a receipt link's lookup leave room for this many tags.
 */
export const TAGS_PER_TRANSACTION = 94;

/** States in which a transfer holds its tags (the domain's rule); a reservation owned by a transfer in any other state is stale. */
const holdingStates = transferStatuses.filter(reservesTags);
const holdingValues = Object.fromEntries(holdingStates.map((status, i) => [`:holding${i}`, status]));

export interface TagConflict {
  readonly tag: string;
  readonly transferId: string;
}

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

export class TagsTakenError extends Error {
  override readonly name = 'TagsTakenError';
  readonly conflicts: readonly TagConflict[];
  constructor(conflicts: readonly TagConflict[]) {
    super(`Tags already on another open transfer: ${conflicts.map((c) => c.tag).join(', ')}`);
    this.conflicts = conflicts;
  }
}

/** An item that must be unique (a state-system transfer's lookup) exists already: another run created the transfer. */
export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';
  constructor() {
    super('Already recorded');
  }
}

/** A concurrent manifest of the same shipper took the number, or fenced this attempt: read again and retry. */
export class ManifestRaceError extends Error {
  override readonly name = 'ManifestRaceError';
  constructor() {
    super('A concurrent manifest got there first');
  }
}

/** Package or receipt lines per chunk item: 100 of the largest lines the schemas allow stay well under 400 KB. */
const LINES_PER_CHUNK = 100;

const chunkCount = (lines: readonly unknown[]) => Math.ceil(lines.length / LINES_PER_CHUNK);

/** The transfer without its lines, plus how many chunks hold them (older chunks beyond that are ignored). */
function transferItem(transfer: TransferShape): Record<string, unknown> {
  // State ids live in an item of their own, written by the submission worker.
  const { content, receipt, stateIds: _stateIds, ...header } = transfer;
  const { lines, ...contentHeader } = content;
  return {
    ...keys.transfer(transfer.id),
    GSI2PK: keys.outgoingTransfers(transfer.shipperId),
    GSI2SK: `${transfer.createdAt}#${transfer.id}`,
    ...(transfer.receiverLicenseeId && transfer.manifestedAt
      ? { GSI3PK: keys.incomingTransfers(transfer.receiverLicenseeId), GSI3SK: `${transfer.manifestedAt}#${transfer.id}` }
      : {}),
    ...(transfer.transporterLicenseeId && transfer.manifestedAt
      ? { GSI4PK: keys.carriedTransfers(transfer.transporterLicenseeId), GSI4SK: `${transfer.manifestedAt}#${transfer.id}` }
      : {}),
    ...header,
    content: contentHeader,
    lineChunks: chunkCount(lines),
    ...(receipt ? { receipt: receiptHeader(receipt), receiptChunks: chunkCount(receipt.lines) } : {}),
  };
}

function receiptHeader(receipt: { readonly lines: readonly unknown[] }): Record<string, unknown> {
  const { lines: _lines, ...rest } = receipt;
  return rest;
}

function chunkItems(transfer: TransferShape, part: 'lines' | 'receipt'): Record<string, unknown>[] {
  const lines = part === 'lines' ? transfer.content.lines : (transfer.receipt?.lines ?? []);
  const key = part === 'lines' ? keys.transferLines : keys.transferReceiptLines;
  return Array.from({ length: chunkCount(lines) }, (_, chunk) => ({
    ...key(transfer.id, chunk),
    lines: lines.slice(chunk * LINES_PER_CHUNK, (chunk + 1) * LINES_PER_CHUNK),
  }));
}

/** Reassembles a transfer from its header and chunk items (a header of an older layout carries its lines itself). */
function assemble(items: readonly Record<string, unknown>[]): unknown {
  const header = items.find((item) => item['SK'] === 'TRANSFER');
  if (!header) return undefined;
  const stateItem = items.find((item) => item['SK'] === keys.transferStateIds('').SK);
  const stateIds = stateItem ? stateIdsOf(stateItem) : undefined;
  const { lineChunks, receiptChunks, ...stored } = withoutKeys(header) as Record<string, unknown> & {
    lineChunks?: number;
    receiptChunks?: number;
    content: Record<string, unknown>;
    receipt?: Record<string, unknown>;
  };
  const linesOf = (prefix: string, count: number) =>
    items
      .filter((item) => String(item['SK']).startsWith(prefix) && Number(String(item['SK']).slice(prefix.length)) < count)
      .sort((a, b) => String(a['SK']).localeCompare(String(b['SK'])))
      .flatMap((item) => item['lines'] as unknown[]);
  return {
    ...stored,
    content: lineChunks === undefined ? stored.content : { ...stored.content, lines: linesOf('LINES#', lineChunks) },
    ...(stored.receipt && receiptChunks !== undefined ? { receipt: { ...stored.receipt, lines: linesOf('RECEIPT#', receiptChunks) } } : {}),
    ...(stateIds ? { stateIds } : {}),
  };
}

function chunks(items: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The reasons DynamoDB gave for each action of a cancelled transaction, in order. */
const cancellationCodes = (error: TransactionCanceledException) => (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');

export function createTransferRepository<T extends TransferShape, E extends EventShape>(
  client: DynamoDBDocumentClient,
  tableName: string,
  /** The hub's configured cursor key where cursors reach clients (see `shared/repositories/paging.ts`). */
  cursors: PageCursors = processCursors,
): TransferRepository<T, E> {
  const eventPut = (transferId: string, event: E) => ({
    Put: {
      TableName: tableName,
      Item: { ...keys.transferEvent(transferId, event.sequence), ...event },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  });

  /** Every item of one key condition, page after page, strongly consistent. */
  const queryPartition = (condition: string, values: Record<string, string>) =>
    queryAll(client, { TableName: tableName, KeyConditionExpression: condition, ExpressionAttributeValues: values, ConsistentRead: true });

  const submissionPuts = (submissions: readonly Submission[]) =>
    submissions.map((submission) => ({ Put: { TableName: tableName, Item: submissionItem(submission), ConditionExpression: 'attribute_not_exists(PK)' } }));

  const chunkPuts = (transfer: T, changed: ChangedParts) => [
    ...[...(changed.lines ? chunkItems(transfer, 'lines') : []), ...(changed.receipt ? chunkItems(transfer, 'receipt') : [])].map((Item) => ({
      Put: { TableName: tableName, Item },
    })),
    ...newPuts(changed.newItems ?? []),
  ];

  const newPuts = (items: readonly Record<string, unknown>[]) =>
    items.map((Item) => ({ Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' } }));

  const transferPut = (next: T, expectedVersion: number) => ({
    Put: {
      TableName: tableName,
      Item: transferItem(next),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': expectedVersion },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  });

  /** Turns a failed transfer condition into 404 or 412, as the caller asked for a version that is gone. */
  async function versionFailure(id: string): Promise<never> {
    const current = await client.send(new GetCommand({ TableName: tableName, Key: keys.transfer(id), ConsistentRead: true }));
    if (!current.Item) throw new NotFoundError('transfer');
    throw new StaleVersionError(Number(current.Item['version']));
  }

  const reservationPut = (tag: string, transferId: string, attempt: string, at: string) => ({
    Put: {
      TableName: tableName,
      Item: { ...keys.tagReservation(tag), tag, transferId, attempt, reservedAt: at },
      ConditionExpression: 'attribute_not_exists(PK) OR attribute_exists(releasedAt) OR transferId = :self',
      ExpressionAttributeValues: { ':self': transferId },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  });

  /**
   * A reservation whose owner no longer holds tags (crashed mid-manifest, or closed without
   * releasing) is taken over, fencing the owner: its `manifestAttempt` changes in the same
   * transaction, so a manifest it might still be finishing can no longer commit.
   */
  async function takeOver(tag: string, owner: string, ownerAttempt: unknown, transferId: string, attempt: string, at: string): Promise<boolean> {
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.transfer(owner),
                UpdateExpression: 'SET manifestAttempt = :fenced',
                ConditionExpression: `NOT #status IN (${Object.keys(holdingValues).join(', ')})`,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':fenced': `fenced-by-${transferId}`, ...holdingValues },
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: { ...keys.tagReservation(tag), tag, transferId, attempt, reservedAt: at },
                ConditionExpression: 'transferId = :owner AND (attribute_not_exists(attempt) OR attempt = :ownerAttempt OR attribute_exists(releasedAt))',
                ExpressionAttributeValues: { ':owner': owner, ':ownerAttempt': ownerAttempt ?? '' },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  /** Reserves tags in transactions of at most 100 actions; returns the tags another open transfer holds. */
  async function reserve(tags: readonly string[], transferId: string, attempt: string, at: string): Promise<TagConflict[]> {
    const conflicts: TagConflict[] = [];
    for (const batch of chunks(tags, 100)) {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: batch.map((tag) => reservationPut(tag, transferId, attempt, at)) }));
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // The whole batch was refused: retry the free tags one by one, and see who holds the rest.
        for (const tag of batch) {
          try {
            await client.send(new TransactWriteCommand({ TransactItems: [reservationPut(tag, transferId, attempt, at)] }));
          } catch (single) {
            if (!(single instanceof TransactionCanceledException)) throw single;
            const held = await client.send(new GetCommand({ TableName: tableName, Key: keys.tagReservation(tag), ConsistentRead: true }));
            const owner = String(held.Item?.['transferId'] ?? '');
            if (!(await takeOver(tag, owner, held.Item?.['attempt'], transferId, attempt, at))) conflicts.push({ tag, transferId: owner });
          }
        }
      }
    }
    return conflicts;
  }

  async function release(transferId: string, tags: readonly string[], at: string): Promise<void> {
    for (const tag of tags) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
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

  const counterUpdate = (shipperId: string, manifestNumber: number) => ({
    Update: {
      TableName: tableName,
      Key: keys.manifestCounter(shipperId),
      UpdateExpression: 'SET #value = :number',
      ConditionExpression: manifestNumber === 1 ? 'attribute_not_exists(PK)' : '#value = :previous',
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: { ':number': manifestNumber, ...(manifestNumber === 1 ? {} : { ':previous': manifestNumber - 1 }) },
    },
  });

  const manifestNumberPut = (manifestNumber: string, transferId: string) => ({
    Put: {
      TableName: tableName,
      Item: { ...keys.manifestNumber(manifestNumber), transferId },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  });

  /** Maps the transfer's or the counter's failed condition in a manifest transaction. */
  async function manifestFailure(codes: readonly string[], id: string, expectedVersion: number): Promise<never> {
    if (codes[0] === 'ConditionalCheckFailed') {
      const current = await client.send(new GetCommand({ TableName: tableName, Key: keys.transfer(id), ConsistentRead: true }));
      if (!current.Item) throw new NotFoundError('transfer');
      if (Number(current.Item['version']) !== expectedVersion) throw new StaleVersionError(Number(current.Item['version']));
      // Same version but another attempt: a concurrent manifest fenced this one.
      throw new ManifestRaceError();
    }
    if (codes[2] === 'ConditionalCheckFailed') throw new ManifestRaceError();
    throw new Error(`Manifest transaction cancelled: ${codes.join(', ')}`);
  }

  /** The common case: transfer, event, counter and every reservation in one transaction. */
  async function manifestInOneTransaction(commit: ManifestCommit<T, E>): Promise<'committed' | 'tags-held'> {
    const { next, expectedVersion, event, sequence, manifestNumber, tags, at, submissions = [], newItems = [] } = commit;
    const reservations = tags.map((tag) => reservationPut(tag, next.id, `one-shot-${next.id}`, at));
    const outbox = [...submissionPuts(submissions), ...newPuts(newItems)];
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            transferPut(next, expectedVersion),
            eventPut(next.id, event),
            counterUpdate(next.shipperId, sequence),
            manifestNumberPut(manifestNumber, next.id),
            ...outbox,
            ...reservations,
          ],
        }),
      );
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = cancellationCodes(error);
      // Held tags may belong to a stale holder that the stepwise path can take over.
      const fixed = 4 + outbox.length;
      if (codes.slice(fixed).includes('ConditionalCheckFailed') && !codes.slice(0, fixed).includes('ConditionalCheckFailed')) return 'tags-held';
      return manifestFailure(codes, next.id, expectedVersion);
    }
  }

  /**
   * More tags than one transaction holds (up to the state's 1000 lines): stamp an attempt on the
   * draft, reserve the tags in transactions of 100, then commit the transfer on the condition that
   * its attempt was not fenced by a takeover meanwhile. On any failure the reservations are freed.
   */
  async function manifestInSteps(commit: ManifestCommit<T, E>): Promise<void> {
    const { next, expectedVersion, event, sequence, manifestNumber, tags, at, submissions = [], newItems = [] } = commit;
    const attempt = randomUUID();
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.transfer(next.id),
          UpdateExpression: 'SET manifestAttempt = :attempt',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':attempt': attempt, ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return versionFailure(next.id);
      throw error;
    }
    const conflicts = await reserve(tags, next.id, attempt, at);
    if (conflicts.length > 0) {
      await release(next.id, tags, at);
      throw new TagsTakenError(conflicts);
    }
    const transfer = transferPut(next, expectedVersion);
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                ...transfer.Put,
                ConditionExpression: 'version = :expected AND manifestAttempt = :attempt',
                ExpressionAttributeValues: { ':expected': expectedVersion, ':attempt': attempt },
              },
            },
            eventPut(next.id, event),
            counterUpdate(next.shipperId, sequence),
            manifestNumberPut(manifestNumber, next.id),
            ...submissionPuts(submissions),
            ...newPuts(newItems),
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      await release(next.id, tags, at);
      return manifestFailure(cancellationCodes(error), next.id, expectedVersion);
    }
  }

  async function list(index: 'GSI2' | 'GSI3' | 'GSI4', partition: string, options: ListOptions): Promise<Page<ListedTransfer>> {
    const pk = `${index}PK`;
    const sk = `${index}SK`;
    // The sort key starts with an ISO timestamp; '\uffff' closes the range after any id.
    const range =
      options.from && options.to
        ? { expression: `#sk BETWEEN :from AND :to`, values: { ':from': options.from, ':to': `${options.to}\uffff` } }
        : options.from
          ? { expression: `#sk >= :from`, values: { ':from': options.from } }
          : options.to
            ? { expression: `#sk <= :to`, values: { ':to': `${options.to}\uffff` } }
            : undefined;
    const page = await queryPage(
      client,
      cursors,
      {
        TableName: tableName,
        IndexName: index,
        KeyConditionExpression: `#pk = :pk${range ? ` AND ${range.expression}` : ''}`,
        ...(options.status ? { FilterExpression: '#status = :status' } : {}),
        ExpressionAttributeNames: { '#pk': pk, ...(range ? { '#sk': sk } : {}), ...(options.status ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: { ':pk': partition, ...range?.values, ...(options.status ? { ':status': options.status } : {}) },
      },
      {
        limit: options.limit,
        ...(options.cursor ? { cursor: options.cursor } : {}),
        list: `transfers/${index}`,
        partitionAttribute: pk,
        partition,
        keyShape: ['PK', 'SK', pk, sk],
      },
    );
    return { ...page, items: page.items.map((item) => withoutKeys(item) as ListedTransfer) };
  }

  return {
    async create(transfer, event, unique = []) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: transferItem(transfer), ConditionExpression: 'attribute_not_exists(PK)' } },
              eventPut(transfer.id, event),
              ...chunkPuts(transfer, { lines: true }),
              ...unique.map((Item) => ({ Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' } })),
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && unique.length > 0 && cancellationCodes(error).slice(-unique.length).includes('ConditionalCheckFailed')) {
          throw new DuplicateError();
        }
        throw error;
      }
    },

    async createWithHistory(transfer, events, unique, submissions) {
      const items = [
        { Put: { TableName: tableName, Item: transferItem(transfer), ConditionExpression: 'attribute_not_exists(PK)' } },
        ...events.map((event) => eventPut(transfer.id, event)),
        ...chunkPuts(transfer, { lines: true, receipt: true }),
        ...submissionPuts(submissions),
        ...unique.map((Item) => ({ Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' } })),
      ];
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        const codes = error instanceof TransactionCanceledException ? cancellationCodes(error) : [];
        if (unique.length > 0 && codes.slice(-unique.length).includes('ConditionalCheckFailed')) throw new DuplicateError();
        throw error;
      }
    },

    async get(id) {
      // The header, its line chunks and state ids: the partition from `LINES#` to `TRANSFER`, events excluded.
      const items = await queryPartition('PK = :pk AND SK BETWEEN :first AND :header', { ':pk': keys.transfer(id).PK, ':first': 'LINES#', ':header': 'TRANSFER' });
      return assemble(items) as T | undefined;
    },

    listOutgoing: (shipperId, options) => list('GSI2', keys.outgoingTransfers(shipperId), options),
    listIncoming: (receiverId, options) => list('GSI3', keys.incomingTransfers(receiverId), options),
    listCarrying: (transporterId, options) => list('GSI4', keys.carriedTransfers(transporterId), options),

    async events(id) {
      const items = await queryPartition('PK = :pk AND begins_with(SK, :prefix)', { ':pk': keys.transfer(id).PK, ':prefix': keys.transferEventPrefix });
      return items.map((item) => withoutKeys(item) as E);
    },

    async commit(next, expectedVersion, event, changed = {}, submissions = []) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [transferPut(next, expectedVersion), eventPut(next.id, event), ...chunkPuts(next, changed), ...submissionPuts(submissions)],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && cancellationCodes(error)[0] === 'ConditionalCheckFailed') {
          return versionFailure(next.id);
        }
        throw error;
      }
    },

    async commitWithNew(next, expectedVersion, event, created, createdEvent) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              transferPut(next, expectedVersion),
              eventPut(next.id, event),
              { Put: { TableName: tableName, Item: transferItem(created), ConditionExpression: 'attribute_not_exists(PK)' } },
              eventPut(created.id, createdEvent),
              ...chunkPuts(created, { lines: true }),
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && cancellationCodes(error)[0] === 'ConditionalCheckFailed') {
          return versionFailure(next.id);
        }
        throw error;
      }
    },

    async nextManifestNumber(shipperId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.manifestCounter(shipperId), ConsistentRead: true }),
      );
      return Number(Item?.['value'] ?? 0) + 1;
    },

    async commitManifest(commit) {
      if (commit.tags.length <= TAGS_PER_TRANSACTION && (await manifestInOneTransaction(commit)) === 'committed') return;
      await manifestInSteps(commit);
    },

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
      const header = items.find((item) => item['SK'] === keys.transfer(transferId).SK);
      const stateItem = items.find((item) => item['SK'] === keys.transferStateIds(transferId).SK);
      return header ? ({ ...withoutKeys(header), ...(stateItem ? { stateIds: stateIdsOf(stateItem) } : {}) } as TransferHeader<T>) : undefined;
    },

    releaseTags: release,
  };
}
