/**
 * Lists, newest first, one page at a time. A cursor is the hub's own: DynamoDB's LastEvaluatedKey
 * sealed with AES-256-GCM under the hub's cursor key, with the list, the caller's partition and the
 * query's own values as associated data. A client can neither read it (no key names, no ids) nor
 * edit it, and a cursor opens only the list, the caller and the query it came from; inside, it must
 * have exactly the key shape of that query. Anything else is an `InvalidCursorError` (400).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '../errors.ts';

export type PageKey = Record<string, string>;

export interface Page<T> {
  readonly items: readonly T[];
  readonly cursor?: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
  /** What the list is (`drivers`, `transfers/outgoing`, …): a cursor of one list never opens another. */
  readonly list: string;
  /** The key attribute and value of the partition the caller may read. */
  readonly partitionAttribute: string;
  readonly partition: string;
  /**
   * The attributes of the LastEvaluatedKey this query returns: the table's key, plus the index's
   * key on an index query. A cursor must carry exactly these, all strings.
   */
  readonly keyShape: readonly string[];
}

/** Seals and opens cursors. The key is resolved once (from KMS in AWS) and kept for the process. */
export interface PageCursors {
  seal(key: PageKey, scope: string): Promise<string>;
  open(cursor: string, scope: string): Promise<readonly string[]>;
}

/** Version 1: one byte of version, a 12-byte nonce, the ciphertext, a 16-byte tag; base64url. */
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** No cursor of ours comes near it; a longer one is not worth decrypting. */
export const MAX_CURSOR_LENGTH = 2048;

/** Cursors sealed under a key derived from `secret` (32 bytes or more, from KMS or `.local/data/`). */
export function createPageCursors(secret: () => Promise<Buffer>): PageCursors {
  let aesKey: Promise<Buffer> | undefined;
  const key = () => {
    aesKey ??= secret().then((bytes) => {
      if (bytes.length < 32) throw new Error('The cursor secret must be at least 32 bytes');
      return Buffer.from(hkdfSync('sha256', bytes, '', 'ny-transfer-hub/cursors/v1', 32));
    });
    aesKey.catch(() => (aesKey = undefined));
    return aesKey;
  };
  const aad = (scope: string) => Buffer.from(`v${VERSION}\n${scope}`, 'utf8');
  return {
    async seal(pageKey, scope) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', await key(), nonce).setAAD(aad(scope));
      const body = Buffer.concat([cipher.update(JSON.stringify(Object.values(pageKey)), 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]).toString('base64url');
    },
    async open(cursor, scope) {
      if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length < 1 + NONCE_BYTES + TAG_BYTES + 2 || raw[0] !== VERSION) throw new InvalidCursorError();
      const nonce = raw.subarray(1, 1 + NONCE_BYTES);
      const tag = raw.subarray(raw.length - TAG_BYTES);
      let values: unknown;
      try {
        const decipher = createDecipheriv('aes-256-gcm', await key(), nonce, { authTagLength: TAG_BYTES }).setAAD(aad(scope)).setAuthTag(tag);
        const plain = Buffer.concat([decipher.update(raw.subarray(1 + NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
        values = JSON.parse(plain.toString('utf8'));
      } catch {
        throw new InvalidCursorError();
      }
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) throw new InvalidCursorError();
      return values;
    },
  };
}

/**
 * Cursors that open only in the process that sealed them (a random key): for code that pages
 * internally (the report, seeds, tests). Lambda handlers that hand cursors to clients use the
 * configured key, so that any instance opens a cursor another made.
 */
export const processCursors: PageCursors = createPageCursors(() => Promise.resolve(randomBytes(32)));

/** What a cursor is bound to besides its list and caller: the query's own values (range, prefix, filter). */
function scopeOf(page: PageRequest, query: Pick<QueryCommandInput, 'IndexName' | 'ExpressionAttributeValues'>): string {
  const values = Object.entries(query.ExpressionAttributeValues ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([page.list, page.partitionAttribute, page.partition, query.IndexName ?? '', page.keyShape, values]);
}

/** One page of a query, newest (highest sort key) first. */
export async function queryPage(
  client: DynamoDBDocumentClient,
  cursors: PageCursors,
  query: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey' | 'ScanIndexForward'>,
  page: PageRequest,
): Promise<Page<Record<string, unknown>>> {
  const scope = scopeOf(page, query);
  const startKey = page.cursor === undefined ? undefined : startKeyOf(await cursors.open(page.cursor, scope), page);
  let result;
  try {
    result = await client.send(
      new QueryCommand({ ...query, ScanIndexForward: false, Limit: page.limit, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
  } catch (error) {
    // A sealed cursor of the right shape cannot cause this; still, a start key DynamoDB refuses is the cursor's fault.
    if (startKey && error instanceof Error && error.name === 'ValidationException') throw new InvalidCursorError();
    throw error;
  }
  const last = result.LastEvaluatedKey as Record<string, unknown> | undefined;
  const cursor = last ? await cursors.seal(pageKeyOf(last, page), scope) : undefined;
  return { items: result.Items ?? [], ...(cursor ? { cursor } : {}) };
}

/** The key a cursor names, checked against the query's key shape and the caller's partition. */
function startKeyOf(values: readonly string[], page: PageRequest): PageKey {
  if (values.length !== page.keyShape.length || values.some((v) => v.length === 0 || v.length > 1024)) throw new InvalidCursorError();
  const key = Object.fromEntries(page.keyShape.map((name, i) => [name, values[i] as string]));
  if (key[page.partitionAttribute] !== page.partition) throw new InvalidCursorError();
  return key;
}

/** DynamoDB's LastEvaluatedKey in the order of the key shape. */
function pageKeyOf(last: Record<string, unknown>, page: PageRequest): PageKey {
  const names = Object.keys(last);
  if (names.length !== page.keyShape.length || !page.keyShape.every((name) => typeof last[name] === 'string')) {
    throw new Error(`LastEvaluatedKey ${names.join(',')} does not have the declared key shape ${page.keyShape.join(',')}`);
  }
  return Object.fromEntries(page.keyShape.map((name) => [name, last[name] as string]));
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

/** How many GSI1 entries a partition holds (those sorting before `before`, when given), page after page. */
export async function countGsi1(client: DynamoDBDocumentClient, tableName: string, partition: string, before?: string): Promise<number> {
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
}
