/**
 * The inventory report's query and answer, also published in the OpenAPI document.
 */
import * as z from 'zod';
import { movementColumns } from './inventory-movements.ts';
import { rejectionReasons } from '../domain/transfer/index.ts';
import { newYorkDayEnd, newYorkDayStart } from '../manifests/new-york-time.ts';
import { rangeInOrder } from '../schemas/common.ts';

const DAY_MS = 86_400_000;
/** A year (a leap year included) and a day of slack for time zones. */
export const MAX_REPORT_DAYS = 367;

const boundHint = 'a date such as 2026-01-01 (a whole New York day) or a date-time with an offset such as 2026-01-01T00:00:00-05:00';
const bound = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: (issue) => (issue.input === undefined ? `Required: ${boundHint}` : `Not a date or date-time: give ${boundHint}`),
  })
  .meta({ description: 'A date (a whole New York day) or a date-time with an offset' });

/** The query as published; `movementsQuery` also resolves the bounds to instants and checks the period. */
export const movementsQueryFields = z.strictObject({
  from: bound,
  to: bound,
  format: z.enum(['json', 'csv']).optional().meta({ description: 'Default: from the Accept header (text/csv), else json' }),
});

export const movementsQuery = movementsQueryFields.transform((query, ctx) => {
    // A bare date is a New York day, as the licensee's books count it; a bare `to` includes that whole day.
    const from = (query.from.length === 10 ? newYorkDayStart(query.from) : new Date(query.from)).toISOString();
    const to = (query.to.length === 10 ? newYorkDayEnd(query.to) : new Date(query.to)).toISOString();
    rangeInOrder({ from, to }, ctx);
    if (from <= to && Date.parse(to) - Date.parse(from) > MAX_REPORT_DAYS * DAY_MS) {
      ctx.issues.push({ code: 'custom', input: query, path: ['to'], message: `At most ${MAX_REPORT_DAYS} days per report` });
    }
    return { from, to, ...(query.format ? { format: query.format } : {}) };
  });

export const movementRowView = z
  .object({
    date: z.iso.datetime({ offset: true }),
    localDate: z.iso.date().meta({ description: 'The New York day of the movement' }),
    localDateTime: z.string().meta({ description: 'New York wall-clock time of the movement, YYYY-MM-DD HH:MM:SS' }),
    direction: z.enum(['out', 'in']),
    counterpartyLicense: z.string(),
    counterpartyName: z.string(),
    manifestNumber: z.string(),
    tag: z.string(),
    product: z.string(),
    category: z.string(),
    batch: z.string().meta({ description: 'The production batch or lot' }),
    quantity: z.number(),
    unit: z.string(),
    outcome: z.enum(['accepted', 'rejected', 'pending']),
    acceptedQuantity: z.number().optional(),
    rejectReason: z.enum(rejectionReasons).optional(),
    receivedDate: z.iso.date().optional().meta({ description: 'The New York day the receiver recorded its receipt' }),
    transferId: z.string(),
  })
  .meta({ id: 'InventoryMovement', description: `One package that left or arrived; the CSV has the columns ${movementColumns.join(', ')}` });

export const movementsReportView = z
  .object({ from: z.string(), to: z.string(), generatedAt: z.string(), count: z.int(), items: z.array(movementRowView) })
  .meta({ id: 'InventoryMovementsReport' });
