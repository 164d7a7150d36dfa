/**
 * BioTrack's record of one transfer at the state, as the hub keeps it for this adapter: each id in
 * the JSON type the recorded shapes give it (integers stay integers). Only this adapter reads it.
 */
import * as z from 'zod';
import type { StateFacts, StateRefs } from '../port.ts';

/** Ids kept before the recorded types were followed were strings: read them either way. */
const integer = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

const refsSchema = z.object({
  invoiceId: z.string().optional(),
  /** Invoices voided because the manifest that was to carry them was refused for good. */
  voidedInvoiceIds: z.array(z.string()).optional(),
  manifestId: z.string().optional(),
  /** The key the manifest was created under: an amendment updates it under the same key. */
  manifestExternalId: z.string().optional(),
  inventoryTransferIds: z.array(integer).optional(),
  driverIds: z.array(integer).optional(),
  vehicleId: integer.optional(),
  /** The receipt the state system recorded for the shipment has been seen: nothing more to follow. */
  receiptSeen: z.boolean().optional(),
});

export type BioTrackRefs = z.output<typeof refsSchema>;

export function bioTrackRefs(refs: StateRefs): BioTrackRefs {
  const parsed = refsSchema.safeParse(refs);
  // Refs are the hub's own record of what this adapter returned; unreadable ones are a hub bug.
  if (!parsed.success) throw new Error(`Unreadable BioTrack refs: ${parsed.error.message}`);
  return parsed.data;
}

/** The key of a state inventory transfer among the system's objects. */
export const inventoryTransferKey = (id: number) => `inventory-transfer:${id}`;

export function bioTrackFacts(refs: StateRefs): StateFacts {
  const ids = bioTrackRefs(refs);
  const shipments = ids.inventoryTransferIds ?? [];
  return {
    ...(ids.manifestId ? { manifestNumber: ids.manifestId } : {}),
    objectKeys: shipments.map(inventoryTransferKey),
    followUp: shipments.length > 0 && !ids.receiptSeen,
  };
}
