/**
 * Optimistic concurrency: the version a caller expects a record to be at (from `If-Match`), and the
 * one check every use-case applies before it writes.
 */
import { StaleVersionError } from './errors.ts';

/** `undefined`: nothing expected; `'*'`: any version; `null`: a tag that can never match. */
export type ExpectedVersion = number | '*' | null | undefined;

/** Throws `StaleVersionError` unless `current` is what the caller expects. */
export function requireVersion(current: number, expected: ExpectedVersion): void {
  if (expected !== undefined && expected !== '*' && expected !== current) throw new StaleVersionError(current);
}
