/**
 * Paper manifests taken in. A shipper without a connected system sends goods to an integrated
 * receiver with a paper manifest, so the state system never heard of the shipment. The receiver
 * records it in one step: the transfer as the paper describes it, arrived, then received through
 * the very receipt operation of the API, so the variance rule, confirmations, rejection reasons
 * and outcomes are the same. What the paper does not carry is marked, never guessed.
 */
import * as z from 'zod';
import { licenseNumberSchema, text } from '../../schemas/common.ts';
import { duplicateTagProblems, lineProblems } from './content.ts';
import { payloadHash, transferEvent } from './events.ts';
import { driversNamed, linesKnownAs, partnerIdOf } from './inbound.ts';
import { isSameLicensee } from './manifest.ts';
import type { FieldProblem } from './problems.ts';
import { receive } from './receipt.ts';
import type { ReceiveContext } from './receipt.ts';
import { defaultTransferRules } from './rules.ts';
import { addressSchema, receiptBody, report, transferLine } from './schemas.ts';
import type { ReceiptBody } from './schemas.ts';
import { noStateSystem, tagFormatProblems } from './tags.ts';
import type { PackageTagFormat } from './tags.ts';
import { actualTime, plural, refuse } from './transfer.ts';
import type { Change, PartySnapshot, Result, Transfer } from './transfer.ts';

/** What the hub does not know of a transfer it took from paper. */
export const NOT_ON_PAPER = 'Not recorded from the paper manifest';

const shipperLicenseNumber = licenseNumberSchema.meta({ description: "The shipper's OCM license number as printed, e.g. OCM-MICR-25-000207" });

// A line is the API receipt's answer plus what the paper says was shipped, in a transfer line's terms.
const [acceptedAnswer, rejectedAnswer] = receiptBody.shape.lines.element.options;
const shipped = {
  productName: transferLine.shape.productName,
  quantity: transferLine.shape.quantity.describe('As shipped, per the paper manifest'),
  unit: transferLine.shape.unit,
};

const intakeLine = z
  .discriminatedUnion('outcome', [
    acceptedAnswer.extend({
      ...shipped,
      acceptedQuantity: acceptedAnswer.shape.acceptedQuantity.describe('In the unit of the line; without it, the quantity shipped').optional(),
    }),
    rejectedAnswer.safeExtend(shipped),
  ])
  .check((ctx) => report(ctx, lineProblems(ctx.value)));

export const paperManifestBody = z
  .strictObject({
    shipperLicenseNumber,
    shipperName: text(200).describe("The shipper's legal name as printed"),
    shipperAddress: addressSchema.optional(),
    manifestNumber: text(64).describe('The number printed on the paper manifest, in the shipper’s own numbering'),
    departedAt: receiptBody.shape.at.describe('When the shipment left, when the paper says'),
    arrivedAt: receiptBody.shape.at.describe('When it arrived; without it, the time of the request'),
    driverNames: z.array(text(200)).min(1).max(10).optional(),
    receivedBy: receiptBody.shape.receivedBy,
    lines: z.array(intakeLine).min(1).max(defaultTransferRules.maxLines.max),
  })
  .check((ctx) => report(ctx, duplicateTagProblems(ctx.value.lines)))
  .meta({
    id: 'PaperManifestIntake',
    description:
      'A transfer that arrived with a paper manifest from a shipper without a connected system, as the receiver records it: what the paper says was shipped, and the receiver’s answer to every package.',
  });
export type PaperManifestBody = z.output<typeof paperManifestBody>;

/** The shipper of a paper manifest is not a tenant: this id stands for it. */
export const paperShipperId = (licenseNumber: string) => `paper:${licenseNumber}`;

export interface PaperIntakeInput {
  readonly id: string;
  /** The caller, as its profile says. */
  readonly receiver: PartySnapshot;
  readonly body: PaperManifestBody;
}

/** The transfer recorded from the paper (ARRIVED), then received: two changes, committed together. */
export interface PaperIntake {
  readonly recorded: Change;
  readonly received: Change;
}

/** A paper intake is the receiver's receipt; its tags follow the receiver's state system. */
export interface PaperIntakeContext extends ReceiveContext {
  readonly receiverTags: PackageTagFormat;
}

export function takeInPaperManifest(input: PaperIntakeInput, context: PaperIntakeContext): Result<PaperIntake> {
  const { body, receiver } = input;
  const at = context.now.toISOString();
  const shipper: PartySnapshot = {
    legalName: body.shipperName,
    licenseNumber: body.shipperLicenseNumber,
    premisesAddress: body.shipperAddress ?? { street: NOT_ON_PAPER, city: NOT_ON_PAPER, state: 'NY', zip: '00000' },
    phone: NOT_ON_PAPER,
    // Had it a connected system, the state system would know the transfer.
    stateSystem: noStateSystem,
    stateAccessLost: false,
  };

  const problems: FieldProblem[] = [];
  if (isSameLicensee(shipper, receiver)) {
    problems.push({ pointer: '/shipperLicenseNumber', code: 'shipper-is-receiver', message: 'The shipper must be another licensee than the receiver' });
  }
  problems.push(...tagFormatProblems(body.lines, context.receiverTags, 'receiver'));
  // A departure is refused only in the future: nothing on record comes before it.
  const departure = body.departedAt === undefined ? undefined : actualTime(body.departedAt, context, { time: Number.NEGATIVE_INFINITY, message: '' });
  if (departure && !departure.ok) problems.push(...departure.error.problems.map((p) => ({ ...p, pointer: '/departedAt' })));
  const departedAt = departure?.ok ? departure.at : undefined;
  const arrival = actualTime(body.arrivedAt, context, {
    time: departedAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(departedAt) + 1,
    message: `The arrival must be after the departure (${departedAt ?? ''})`,
  });
  if (!arrival.ok) problems.push(...arrival.error.problems.map((p) => ({ ...p, pointer: '/arrivedAt' })));
  // Within the clock skew an arrival may lie ahead of the hub's clock; the receipt (now) must not precede it.
  const arrivedAt = arrival.ok ? new Date(Math.min(Date.parse(arrival.at), context.now.getTime())).toISOString() : at;

  const lines = linesKnownAs(body.lines, NOT_ON_PAPER);
  const content = { type: 'transfer' as const, receiverPartnerId: partnerIdOf(shipper.licenseNumber), lines };
  const parties = { shipper, receiver, drivers: driversNamed(body.driverNames ?? [], NOT_ON_PAPER, 'paper') };
  const transfer: Transfer = {
    id: input.id,
    shipperId: paperShipperId(shipper.licenseNumber),
    status: 'ARRIVED',
    version: 1,
    content,
    manifest: { number: body.manifestNumber, version: 1, manifestedAt: at, contentHash: payloadHash({ number: body.manifestNumber, content, parties }), parties },
    ...(departedAt === undefined ? {} : { departedAt }),
    arrivedAt,
    origin: { kind: 'paper-manifest', manifestNumber: body.manifestNumber, shipperLicenseNumber: shipper.licenseNumber, recordedAt: at },
    returnIds: [],
    createdAt: at,
    updatedAt: at,
  };
  const recorded: Change = {
    transfer,
    event: transferEvent({
      transferId: input.id,
      sequence: 1,
      action: 'create',
      from: null,
      to: 'ARRIVED',
      at,
      actor: context.actor,
      payload: body,
      summary: `Recorded from paper manifest ${body.manifestNumber} of ${body.shipperName}, ${plural(lines.length, 'package')}`,
    }),
  };

  // The answers keep the order of the paper's lines, so the receipt's `/lines/{i}` pointers name the intake's lines.
  const received = receive(transfer, { lines: body.lines.map(answerOf), receivedBy: body.receivedBy }, context);
  if (!received.ok) {
    if (received.error.kind !== 'rule-violation') return received;
    return refuse([...problems, ...received.error.problems]);
  }
  if (problems.length > 0) return refuse(problems);
  return { ok: true, recorded, received: { transfer: received.transfer, event: received.event } };
}

function answerOf(line: PaperManifestBody['lines'][number]): ReceiptBody['lines'][number] {
  const note = line.note === undefined ? {} : { note: line.note };
  if (line.outcome === 'rejected') return { tag: line.tag, outcome: 'rejected', reason: line.reason, ...note };
  return {
    tag: line.tag,
    outcome: 'accepted',
    acceptedQuantity: line.acceptedQuantity ?? line.quantity,
    ...(line.confirmVariance === undefined ? {} : { confirmVariance: line.confirmVariance }),
    ...note,
  };
}
