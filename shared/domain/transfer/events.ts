/**
 * The append-only history of a transfer: one event per accepted change, written in the same
 * transaction as the change. The payload itself is not kept in the event; its SHA-256 over a
 * canonical JSON shows later exactly what was sent.
 */
import { createHash } from 'node:crypto';
import type { TransferAction, TransferStatus } from './lifecycle.ts';

/**
 * Who made the change: the licensee and the API key it used. A receiver that is not a tenant and
 * confirms through a receipt link acts as `receipt-link:<license number>` with `receipt-link:<link id>`.
 */
export interface Actor {
  readonly licenseeId: string;
  readonly apiKeyId: string;
  /** The person who acted, when a person did (the console); absent for an API key's own calls. */
  readonly personId?: string;
}

/**
 * Lifecycle actions, plus changes that leave the state as it is (the receipt link, the state
 * system's manifest number learned).
 */
export type EventAction = 'create' | TransferAction | 'issue-receipt-link' | 'revoke-receipt-link' | 'record-state-manifest-number';

export interface TransferEvent {
  readonly transferId: string;
  /** The transfer's version after the change: 1 for its creation, one more per transition. */
  readonly sequence: number;
  readonly action: EventAction;
  /** `null` for the creation. */
  readonly from: TransferStatus | null;
  readonly to: TransferStatus;
  readonly at: string;
  readonly actor: Actor;
  readonly payloadHash: string;
  readonly summary: string;
}

/**
 * JSON with object keys sorted by UTF-16 code units and no whitespace (the RFC 8785 scheme for JSON
 * data), so equal data always gives equal text, whatever order its keys were built in. Members whose
 * value is `undefined` are left out, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

export const payloadHash = (payload: unknown): string => createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');

export const transferEvent = ({ payload, ...event }: Omit<TransferEvent, 'payloadHash'> & { readonly payload: unknown }): TransferEvent => ({
  ...event,
  payloadHash: payloadHash(payload),
});
