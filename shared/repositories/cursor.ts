/**
 * Opaque paging cursors. A cursor carries DynamoDB's LastEvaluatedKey; on the way back in it must
 * belong to the caller's own partition, so a cursor can never open another tenant's data.
 */
import { InvalidCursorError } from '../errors.ts';

export type PageKey = Record<string, string | number>;

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
