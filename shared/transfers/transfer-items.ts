/**
 * How a transfer lies in the hub table: a header item (everything but its lines, with the list
 * indexes' keys), its package and receipt lines in chunk items beside it, and its events; the
 * items a change writes, each with its role in the transaction, and the transfer read back.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, StaleVersionError } from '../errors.ts';
import { keys, withoutKeys } from '../repositories/keys.ts';
import type { Submission } from '../domain/submission/submission.ts';
import { stateIdsOf, submissionItem } from '../submissions/repository.ts';
import type { ItemRole, TransactionItem, TransferTable } from './transactions.ts';

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

export interface EventShape {
  readonly sequence: number;
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
export function assemble(items: readonly Record<string, unknown>[]): unknown {
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

/** The header with its state ids, from the items between `STATE` and `TRANSFER`: a transfer without its lines. */
export function assembleHeader(items: readonly Record<string, unknown>[], transferId: string): Record<string, unknown> | undefined {
  const header = items.find((item) => item['SK'] === keys.transfer(transferId).SK);
  const stateItem = items.find((item) => item['SK'] === keys.transferStateIds(transferId).SK);
  return header ? { ...withoutKeys(header), ...(stateItem ? { stateIds: stateIdsOf(stateItem) } : {}) } : undefined;
}

/** The items a transfer's changes write, each with its role; every item but the changed transfer and its chunks must be new. */
export function transferWrites(tableName: string) {
  const mustBeNew = (role: ItemRole, Item: Record<string, unknown>): TransactionItem => ({
    role,
    item: { Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' } },
  });
  return {
    /** `next` over the version the caller read; with an `attempt`, also only while no takeover fenced that attempt. */
    changed: (next: TransferShape, expectedVersion: number, attempt?: string): TransactionItem => ({
      role: 'transfer',
      item: {
        Put: {
          TableName: tableName,
          Item: transferItem(next),
          ConditionExpression: attempt === undefined ? 'version = :expected' : 'version = :expected AND manifestAttempt = :attempt',
          ExpressionAttributeValues: { ':expected': expectedVersion, ...(attempt === undefined ? {} : { ':attempt': attempt }) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    }),
    created: (transfer: TransferShape) => mustBeNew('new-transfer', transferItem(transfer)),
    event: (transferId: string, event: EventShape) => mustBeNew('event', { ...keys.transferEvent(transferId, event.sequence), ...event }),
    chunks: (transfer: TransferShape, changed: ChangedParts): TransactionItem[] =>
      [...(changed.lines ? chunkItems(transfer, 'lines') : []), ...(changed.receipt ? chunkItems(transfer, 'receipt') : [])].map((Item) => ({
        role: 'chunk',
        item: { Put: { TableName: tableName, Item } },
      })),
    newItems: (items: readonly Record<string, unknown>[]) => items.map((Item) => mustBeNew('new-item', Item)),
    unique: (items: readonly Record<string, unknown>[]) => items.map((Item) => mustBeNew('unique', Item)),
    outbox: (submissions: readonly Submission[]) => submissions.map((submission) => mustBeNew('outbox', submissionItem(submission))),
  };
}

/** The version the stored transfer is at; one that is gone is a 404. */
export async function currentVersion(table: TransferTable, id: string): Promise<number> {
  const current = await table.client.send(new GetCommand({ TableName: table.tableName, Key: keys.transfer(id), ConsistentRead: true }));
  if (!current.Item) throw new NotFoundError('transfer');
  return Number(current.Item['version']);
}

/** Turns a failed transfer condition into 404 or 412, as the caller asked for a version that is gone. */
export async function versionFailure(table: TransferTable, id: string): Promise<never> {
  throw new StaleVersionError(await currentVersion(table, id));
}
