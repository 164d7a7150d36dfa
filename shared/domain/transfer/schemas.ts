/**
 * Request bodies of the transfer API: strict (unknown fields are refused), every string bounded,
 * every date-time ISO-8601 with an offset, and no transforms, so `z.toJSONSchema` can publish them
 * as the OpenAPI document. Checks across fields carry the path of the offending field.
 *
 * Two kinds of check are not here because a schema cannot know their inputs: the tag format of the
 * shipper's state system, and the rules an operator may configure (`rules.ts`). The domain
 * operations check those and report them with the same pointers.
 */
import * as z from 'zod';
import { addressFields, note, text, usStateCode } from '../../schemas/common.ts';
import { draftInvariantProblems, duplicateTagProblems, lineProblems, thcBases } from './content.ts';
import type { DraftInvariantFields } from './content.ts';
import type { Problem } from './problems.ts';
import { MAX_QUANTITY, hasAtMostDecimals, units, weightUnits } from './quantities.ts';
import { defaultTransferRules } from './rules.ts';
import { anyPackageTag } from './tags.ts';

const id = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, { error: 'An id: 1 to 64 letters, digits, _ or -' });
// 35 characters fit nanoseconds and an offset.
const dateTime = z.iso
  .datetime({ offset: true, error: 'An ISO-8601 date-time with an offset, e.g. 2026-03-02T09:30:00-05:00' })
  .max(35);
// Out of bounds, nothing else is checked: the exact arithmetic on quantities relies on the bounds.
const decimal = (bounded: z.ZodNumber, places: number) =>
  bounded.refine((value) => hasAtMostDecimals(value, places), { error: `At most ${places} decimals` });
const quantity = decimal(z.number().positive({ abort: true }).max(MAX_QUANTITY, { abort: true }), 3);
const packageTag = z.string().regex(anyPackageTag, {
  error: 'A package tag: 16 digits (BioTrack) or 24 upper-case letters and digits (Metrc)',
});

/** Adds problems as issues that let the enclosing checks run too, so one answer names every problem. */
export function report<T>(ctx: z.core.ParsePayload<T>, problems: readonly Problem[]): void {
  for (const { path, message } of problems) ctx.issues.push({ code: 'custom', input: ctx.value, path: [...path], message, continue: true });
}

/** Transfer types a shipper may create; `return` drafts are made from a received transfer, so they stay linked to it. */
export const requestableTransferTypes = ['wholesale', 'transfer', 'sample'] as const;
export const transferTypes = [...requestableTransferTypes, 'return'] as const;
export type TransferType = (typeof transferTypes)[number];

export const labTestStatuses = ['passed', 'failed', 'pending', 'not-required'] as const;
export const rejectionReasons = [
  'damaged',
  'wrong-product',
  'quantity-mismatch',
  'expired',
  'failed-lab-test',
  'missing-lab-test',
  'not-ordered',
  'other',
] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export const addressSchema = z.strictObject({ ...addressFields, state: usStateCode });
export type Address = z.output<typeof addressSchema>;

const weight = z.strictObject({ value: quantity, unit: z.enum(weightUnits) });

export const transferLine = z
  .strictObject({
    tag: packageTag,
    productName: text(200),
    category: text(100),
    brand: text(200).optional(),
    strain: text(200).optional(),
    productionBatch: text(100),
    quantity,
    unit: z.enum(units),
    netWeight: weight.optional(),
    grossWeight: weight.optional(),
    unitPrice: decimal(z.number().min(0, { abort: true }).max(10_000_000, { abort: true }), 2)
      .describe('US dollars per unit; required on wholesale lines')
      .optional(),
    totalThc: z
      .strictObject({
        value: decimal(z.number().min(0, { abort: true }).max(MAX_QUANTITY, { abort: true }), 3),
        unit: z.enum(['%', 'mg', 'mg/g']),
        per: z.enum(thcBases).describe('With mg: whether the figure is for each unit or for the whole package (required with mg)').optional(),
      })
      .optional(),
    labTestStatus: z.enum(labTestStatuses),
    coaReference: text(200).describe('The certificate of analysis the lab test status rests on').optional(),
    finishedGoods: z.boolean(),
    sample: z.boolean(),
    notes: note(1000).optional(),
  })
  .check((ctx) => report(ctx, lineProblems(ctx.value)))
  .meta({ id: 'TransferLine', description: 'One package on the manifest' });
export type TransferLine = z.output<typeof transferLine>;

const taxPayer = z
  .discriminatedUnion('taxPaid', [
    z.strictObject({ taxPaid: z.literal(true) }),
    z.strictObject({ taxPaid: z.literal(false).optional(), name: text(200), address: addressSchema }),
  ])
  .meta({ description: 'Who pays (or will pay) the cannabis tax, by name and address; or `taxPaid: true`' });

const layover = z.strictObject({ location: text(300), at: dateTime });
const invoiceNumbers = z.array(text(64)).min(1).max(20);
const driverIds = z.array(id).min(1).max(10);

const draftShape = z.strictObject({
  type: z.enum(requestableTransferTypes),
  receiverPartnerId: id.describe("The receiver's id in the shipper's partner registry"),
  transporterPartnerId: id.describe('The carrier, when not the shipper itself').optional(),
  invoiceNumbers: invoiceNumbers.optional(),
  taxPayer: taxPayer.optional(),
  driverIds: driverIds.optional(),
  vehicleId: id.optional(),
  estimatedDeparture: dateTime.optional(),
  estimatedArrival: dateTime.optional(),
  plannedRoute: note(2000).optional(),
  layover: layover.optional(),
  lines: z.array(transferLine).min(1).max(defaultTransferRules.maxLines.max),
});

export const createTransferBody = draftShape
  .check((ctx) => report(ctx, draftInvariantProblems(ctx.value)))
  .meta({
    id: 'TransferDraft',
    description:
      'A transfer draft. Parties, drivers, vehicle, tax payer, route and estimated times may be filled in later; all are required to manifest.',
  });
export type CreateTransferBody = z.output<typeof createTransferBody>;

/** What a draft holds: a created body, or a return drafted from a received transfer. */
export type TransferContent = Omit<CreateTransferBody, 'type'> & { readonly type: TransferType };

const clearable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** A patch's fields the invariants read, where `null` clears a field. */
type InvariantPatch = { readonly [K in keyof DraftInvariantFields]?: DraftInvariantFields[K] | null };

/** A patch changes at least one field, and what it sets keeps the draft's invariants. */
function checkPatch(ctx: z.core.ParsePayload<InvariantPatch>): void {
  if (Object.keys(ctx.value).length === 0) {
    ctx.issues.push({ code: 'custom', input: ctx.value, path: [], message: 'Send at least one field to change', continue: true });
  }
  report(ctx, draftInvariantProblems(withoutNulls(ctx.value)));
}

export const updateTransferBody = draftShape
  .partial()
  .extend({
    transporterPartnerId: clearable(id),
    invoiceNumbers: clearable(invoiceNumbers),
    taxPayer: clearable(taxPayer),
    driverIds: clearable(driverIds),
    vehicleId: clearable(id),
    estimatedDeparture: clearable(dateTime),
    estimatedArrival: clearable(dateTime),
    plannedRoute: clearable(note(2000)),
    layover: clearable(layover),
  })
  .check(checkPatch)
  .meta({
    id: 'TransferDraftPatch',
    description:
      'Changes to a draft. An absent field stays as it is; null clears an optional field; arrays and objects (lines, driverIds, taxPayer, layover) are replaced whole.',
  });
export type UpdateTransferBody = z.output<typeof updateTransferBody>;


function withoutNulls(patch: InvariantPatch): DraftInvariantFields {
  return {
    ...(patch.lines ? { lines: patch.lines } : {}),
    ...(patch.driverIds ? { driverIds: patch.driverIds } : {}),
    ...(patch.estimatedDeparture ? { estimatedDeparture: patch.estimatedDeparture } : {}),
    ...(patch.estimatedArrival ? { estimatedArrival: patch.estimatedArrival } : {}),
    ...(patch.layover ? { layover: patch.layover } : {}),
  };
}

/** What an amendment may change: the crew, the vehicle and the trip; never the packages or the receiver. */
export const amendBody = z
  .strictObject({
    transporterPartnerId: clearable(id).describe('null: the shipper carries the goods itself'),
    invoiceNumbers: clearable(invoiceNumbers),
    taxPayer: taxPayer.optional(),
    driverIds: driverIds.optional(),
    vehicleId: id.optional(),
    estimatedDeparture: dateTime.optional(),
    estimatedArrival: dateTime.optional(),
    plannedRoute: note(2000).optional(),
    layover: clearable(layover),
  })
  .check(checkPatch)
  .meta({
    id: 'ManifestAmendment',
    description:
      'A correction to a manifested transfer before departure: issues the next version of the same manifest number and keeps every earlier version. Packages and receiver cannot change (void and create a new transfer instead).',
  });
export type AmendBody = z.output<typeof amendBody>;

const actualTime = (schemaId: string, description: string) =>
  z.strictObject({ at: dateTime.optional() }).meta({ id: schemaId, description: `${description} Without \`at\`, the time of the request.` });

export const departBody = actualTime('DepartInput', 'The shipment left.');
export type DepartBody = z.output<typeof departBody>;
export const arriveBody = actualTime('ArriveInput', 'The shipment arrived at the receiver.');
export type ArriveBody = z.output<typeof arriveBody>;

const acceptedReceiptLine = z.strictObject({
  tag: packageTag,
  outcome: z.literal('accepted'),
  acceptedQuantity: quantity.describe('In the unit of the shipped line'),
  confirmVariance: z.boolean().describe('Required when the accepted quantity differs from the shipped one').optional(),
  note: note(1000).optional(),
});

const rejectedReceiptLine = z
  .strictObject({ tag: packageTag, outcome: z.literal('rejected'), reason: z.enum(rejectionReasons), note: note(1000).optional() })
  .check((ctx) => {
    if (ctx.value.reason === 'other' && ctx.value.note === undefined) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: ['note'], message: 'Explain the rejection in a note when the reason is other', continue: true });
    }
  });

export const receiptBody = z
  .strictObject({
    lines: z
      .array(z.discriminatedUnion('outcome', [acceptedReceiptLine, rejectedReceiptLine]))
      .min(1)
      .max(defaultTransferRules.maxLines.max),
    receivedBy: z.strictObject({ name: text(200), title: text(200) }),
    at: dateTime.optional(),
  })
  .check((ctx) => report(ctx, duplicateTagProblems(ctx.value.lines)))
  .meta({ id: 'ReceiptInput', description: 'The receiver accepts or rejects every package of the transfer, each exactly once.' });
export type ReceiptBody = z.output<typeof receiptBody>;
export type ReceiptLineInput = ReceiptBody['lines'][number];

export const voidBody = z
  .strictObject({ reason: note(500) })
  .meta({ id: 'VoidInput', description: 'Void a manifested transfer before it departs.' });
export type VoidBody = z.output<typeof voidBody>;

export const returnBody = z
  .strictObject({
    receiverPartnerId: id.describe("The original shipper, as it appears in the returning licensee's partner registry"),
    estimatedDeparture: dateTime.optional(),
    estimatedArrival: dateTime.optional(),
    overages: z
      .array(
        z.strictObject({
          tag: packageTag.describe('A package accepted with more than was shipped'),
          newTag: packageTag.describe('The new package the excess was repackaged into, which goes back'),
        }),
      )
      .max(1000)
      .optional()
      .describe("Unwanted overage (New York's transfer variance rule): the excess of each package is repackaged under a new tag and returned on this draft"),
  })
  .check((ctx) => report(ctx, draftInvariantProblems(ctx.value)))
  .meta({ id: 'ReturnInput', description: 'Draft a return of the rejected packages, and of any unwanted overage under new packages, to the original shipper.' });
export type ReturnBody = z.output<typeof returnBody>;
