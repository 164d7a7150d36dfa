/**
 * Where the inbound pull of one license stopped, as the adapter keeps it (opaque to the rest of the
 * hub): the latest inventory-transfer TransactionID it has read the list up to, the transfers still
 * on the road (followed by their manifest until they arrive), and those it could not read last time.
 */
import { readCheckpoint } from '../checkpoint.ts';
import * as z from 'zod';

const checkpointSchema = z.object({
  v: z.literal(1),
  transactionId: z.number().int().optional(),
  onTheRoad: z.array(z.tuple([z.number().int(), z.string()])),
  retry: z.array(z.number().int()),
});

export interface InboundCheckpoint {
  /** Absent: nothing read yet, the whole list is read. */
  readonly transactionId: number | undefined;
  /** Inventory transfer id → its manifest id. */
  readonly onTheRoad: readonly (readonly [number, string])[];
  readonly retry: readonly number[];
}

/** A missing or unreadable checkpoint starts from the beginning: the pull is idempotent, so that is safe. */
export function decodeCheckpoint(text: string | undefined): InboundCheckpoint {
  const read = readCheckpoint(text, checkpointSchema);
  return read ? { transactionId: read.transactionId, onTheRoad: read.onTheRoad, retry: read.retry } : { transactionId: undefined, onTheRoad: [], retry: [] };
}

export function encodeCheckpoint(checkpoint: InboundCheckpoint): string {
  return JSON.stringify({
    v: 1,
    ...(checkpoint.transactionId === undefined ? {} : { transactionId: checkpoint.transactionId }),
    onTheRoad: checkpoint.onTheRoad,
    retry: checkpoint.retry,
  });
}
