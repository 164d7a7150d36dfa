/**
 * Where the polling of one license stopped, as the adapter keeps it (opaque to the rest of the
 * hub): the end of the last lastModified window read (the next poll starts a little before it),
 * the outgoing rows no watched transfer claimed yet (the reconciler hands over a bounded watch
 * list, so the transfer a row belongs to may come in a later run), and the inbound rows that could
 * not be read last time.
 */
import { readCheckpoint } from '../checkpoint.ts';
import * as z from 'zod';

const rowSummary = z.object({
  id: z.number().int(),
  lastModified: z.string(),
  manifestNumber: z.string().optional(),
  templateId: z.number().int().optional(),
  name: z.string().optional(),
  created: z.string().optional(),
  voided: z.boolean().optional(),
});
/** An outgoing row, as much of it as matching and observing need. */
export type RowSummary = z.output<typeof rowSummary>;

const inboundRow = z.looseObject({ Id: z.number().int(), DeliveryId: z.number().int(), LastModified: z.string() });

const checkpointSchema = z.object({
  v: z.literal(1),
  through: z.string().optional(),
  unclaimed: z.array(rowSummary),
  retryInbound: z.array(inboundRow).default([]),
});

export interface PollCheckpoint {
  /** Absent: nothing read yet; the first poll reaches back the configured lookback. */
  readonly through: string | undefined;
  readonly unclaimed: readonly RowSummary[];
  /** Incoming rows as Metrc listed them, to read again. */
  readonly retryInbound: readonly Readonly<Record<string, unknown>>[];
}

/** A missing or unreadable checkpoint starts over: observing is idempotent, so that is safe. */
export function decodeCheckpoint(text: string | undefined): PollCheckpoint {
  const read = readCheckpoint(text, checkpointSchema);
  return read ? { through: read.through, unclaimed: read.unclaimed, retryInbound: read.retryInbound } : { through: undefined, unclaimed: [], retryInbound: [] };
}

export function encodeCheckpoint(checkpoint: PollCheckpoint): string {
  return JSON.stringify({ v: 1, ...(checkpoint.through ? { through: checkpoint.through } : {}), unclaimed: checkpoint.unclaimed, retryInbound: checkpoint.retryInbound });
}
