/**
 * Metrc's record of one transfer, as the hub keeps it for this adapter: the template it pushed
 * (id and the name a person registers it by), then what registration created (the transfer, its
 * deliveries, Metrc's manifest number) and what the adapter has already observed of it, so each
 * observation is reported once. Ids are integers, as Metrc gives them. Only this adapter reads it.
 */
import * as z from 'zod';
import type { StateFacts, StateRefs } from '../port.ts';

const id = z.number().int();
const line = z.object({ tag: z.string(), quantity: z.number() });

const refsSchema = z.object({
  templateId: id.optional(),
  /** Our `Name` on the template (`HUB-…`): what a person registers and what a lost answer is found by. */
  templateName: z.string().optional(),
  /** When the template was pushed: where lookups of its registration start. */
  templateCreatedAt: z.string().optional(),
  /** What the template asked for: the fallback match when Metrc does not name the originating template. */
  templateRecipient: z.string().optional(),
  templateLabels: z.array(z.string()).optional(),
  templateArchived: z.boolean().optional(),
  /** Learned once a person registered the template. */
  transferId: id.optional(),
  deliveryIds: z.array(id).optional(),
  manifestNumber: z.string().optional(),
  /** The receiver and packages last seen registered: a person's edit shows as a difference from them. */
  registeredReceiver: z.string().optional(),
  registeredLines: z.array(line).optional(),
  /** `LastModified` of the transfer row last looked at: an unchanged row has nothing new. */
  lastModified: z.string().optional(),
  departedSeen: z.boolean().optional(),
  arrivedSeen: z.boolean().optional(),
  receiptSeen: z.boolean().optional(),
  /** The receipt seen had rejected packages: the shipper's taking them back is watched for. */
  rejectedSeen: z.boolean().optional(),
  returnSeen: z.boolean().optional(),
  voidSeen: z.boolean().optional(),
});

export type MetrcRefs = z.output<typeof refsSchema>;
export type RegisteredLine = z.output<typeof line>;

export function metrcRefs(refs: StateRefs): MetrcRefs {
  const parsed = refsSchema.safeParse(refs);
  // Refs are the hub's own record of what this adapter returned; unreadable ones are a hub bug.
  if (!parsed.success) throw new Error(`Unreadable Metrc refs: ${parsed.error.message}`);
  return parsed.data;
}

export const templateKey = (templateId: number) => `template:${templateId}`;
export const transferKey = (transferId: number) => `transfer:${transferId}`;
export const deliveryKey = (deliveryId: number) => `delivery:${deliveryId}`;

export function metrcFacts(refs: StateRefs): StateFacts {
  const r = metrcRefs(refs);
  return {
    ...(r.manifestNumber ? { manifestNumber: r.manifestNumber } : {}),
    objectKeys: [
      ...(r.templateId === undefined ? [] : [templateKey(r.templateId)]),
      ...(r.transferId === undefined ? [] : [transferKey(r.transferId)]),
      ...(r.deliveryIds ?? []).map(deliveryKey),
    ],
    // From the template on, until the receipt (or a void) is seen, and after a receipt with a rejection until the shipper took the packages back.
    followUp: (r.templateId !== undefined || r.transferId !== undefined) && (!r.receiptSeen || (r.rejectedSeen === true && !r.returnSeen)) && !r.voidSeen && !r.templateArchived,
  };
}
