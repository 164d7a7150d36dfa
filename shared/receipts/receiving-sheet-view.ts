/** The receiving sheet and the state system's receipt as the API shows them (OpenAPI). */
import * as z from 'zod';
import { units } from '../domain/transfer/quantities.ts';

const timestamp = z.iso.datetime({ offset: true });

export const receivingSheetView = z
  .object({
    transferId: z.string(),
    manifestNumber: z.string().meta({ description: "The hub's manifest number" }),
    stateManifestNumber: z.string().optional().meta({ description: "The state system's manifest number, once the hub knows it: the one to look for there" }),
    stateSystem: z.string().meta({ description: 'The state system the receipt must be recorded in, by its name' }),
    menuPath: z.array(z.string()).meta({ description: "Where in the state system's app" }),
    receive: z.string().meta({ description: 'What to receive there' }),
    instruction: z.string(),
    receivedAt: timestamp.meta({ description: "The hub's receipt" }),
    receivedBy: z.object({ name: z.string(), title: z.string() }),
    packages: z.array(
      z.object({
        tag: z.string(),
        productName: z.string(),
        shipped: z.object({ quantity: z.number(), unit: z.enum(units) }),
        decision: z.enum(['accept', 'reject']),
        receivedQuantity: z.number().optional().meta({ description: 'accept: the quantity to enter as received, in the shipped unit' }),
        confirmVariance: z.boolean().optional().meta({ description: 'accept: the received quantity differs from the shipped one; confirm the variance there' }),
        reason: z.string().optional().meta({ description: 'reject: the reason to enter' }),
        enter: z.string().meta({ description: 'The line in plain words' }),
      }),
    ),
  })
  .meta({ id: 'ReceivingSheet', description: "The hub's receipt as a person enters it in the state system's own app, package by package" });

export const stateReceiptView = z
  .object({
    at: timestamp.meta({ description: 'When the state system says it was received' }),
    seenAt: timestamp.meta({ description: 'When the hub saw it there' }),
    packages: z.array(z.object({ tag: z.string(), outcome: z.enum(['accepted', 'rejected']), quantity: z.number(), unit: z.enum(units).optional() })),
  })
  .meta({ id: 'StateReceipt', description: 'The receipt as the state system shows it, package by package; present once the hub has seen it there' });
