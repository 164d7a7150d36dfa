/**
 * The inventory report's query and answer, also published in the OpenAPI document.
 */
import { z } from 'zod';
import { movementColumns } from './inventory-movements.ts';
import { rangeInOrder } from '../schemas/common.ts';

const DAY_MS = 86_400_000;
/** A year (a leap year included) and a day of slack for time zones. */
export const MAX_REPORT_DAYS = 367;

const bound = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).meta({ description: 'A date (whole UTC day) or a date-time with an offset' });

/** The query as published; `movementsQuery` also resolves the bounds to instants and checks the period. */
export const movementsQueryFields = z.strictObject({
  from: bound,
  to: bound,
  format: z.enum(['json', 'csv']).optional().meta({ description: 'Default: from the Accept header (text/csv), else json' }),
});

export const movementsQuery = movementsQueryFields.transform((query, ctx) => {
    // A bare `to` date includes that whole day.
    const from = new Date(query.from.length === 10 ? `${query.from}T00:00:00.000Z` : query.from).toISOString();
    const to = new Date(query.to.length === 10 ? `${query.to}T23:59:59.999Z` : query.to).toISOString();
    rangeInOrder({ from, to }, ctx);
    if (from <= to && Date.parse(to) - Date.parse(from) > MAX_REPORT_DAYS * DAY_MS) {
      ctx.issues.push({ code: 'custom', input: query, path: ['to'], message: `At most ${MAX_REPORT_DAYS} days per report` });
    }
    return { from, to, ...(query.format ? { format: query.format } : {}) };
  });

export const movementRowView = z
  .object({
    date: z.iso.datetime({ offset: true }),
    direction: z.enum(['out', 'in']),
    counterpartyLicence: z.string(),
    counterpartyName: z.string(),
    manifestNumber: z.string(),
    tag: z.string(),
    product: z.string(),
    quantity: z.number(),
    unit: z.string(),
    outcome: z.enum(['accepted', 'rejected', 'pending']),
    acceptedQuantity: z.number().optional(),
    transferId: z.string(),
  })
  .meta({ id: 'InventoryMovement', description: `One package that left or arrived; the CSV has the columns ${movementColumns.join(', ')}` });

export const movementsReportView = z
  .object({ from: z.string(), to: z.string(), generatedAt: z.string(), count: z.int(), items: z.array(movementRowView) })
  .meta({ id: 'InventoryMovementsReport' });
