/**
 * Lists, newest first, one page at a time. A cursor is opaque to clients: it carries DynamoDB's
 * LastEvaluatedKey, and on the way back in it must belong to the caller's own partition, so a
 * cursor can never open another tenant's data.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '../errors.ts';

export type PageKey = Record<string, string | number>;

export interface Page<T> {
  readonly items: readonly T[];
  readonly cursor?: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
  /** The key attribute and value of the partition the caller may read. */
  readonly partitionAttribute: string;
  readonly partition: string;
}

/** One page of a query, newest (highest sort key) first. */
export async function queryPage(
  client: DynamoDBDocumentClient,
  query: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey' | 'ScanIndexForward'>,
  page: PageRequest,
): Promise<Page<Record<string, unknown>>> {
  const startKey = decodeCursor(page.cursor, page.partitionAttribute, page.partition);
  const { Items, LastEvaluatedKey } = await client.send(
    new QueryCommand({ ...query, ScanIndexForward: false, Limit: page.limit, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
  );
  const cursor = encodeCursor(LastEvaluatedKey as PageKey | undefined);
  return { items: Items ?? [], ...(cursor ? { cursor } : {}) };
}

export function encodeCursor(key: PageKey | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

/** Decodes a cursor and checks that `partitionAttribute` equals the partition the caller may read. */
export function decodeCursor(
  cursor: string | undefined,
  partitionAttribute: string,
  partition: string,
): PageKey | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw new InvalidCursorError();
  const entries = Object.entries(key);
  const wellFormed = entries.length <= 6 && entries.every(([, v]) => typeof v === 'string' || typeof v === 'number');
  if (!wellFormed || (key as PageKey)[partitionAttribute] !== partition) throw new InvalidCursorError();
  return key as PageKey;
}

/** Every item of a query, page after page, up to `limit` items when given. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  query: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        ...query,
        ...(Number.isFinite(limit) ? { Limit: limit - items.length } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return items;
}
