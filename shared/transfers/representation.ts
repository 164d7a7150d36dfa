/**
 * What the API answers about transfers, as zod schemas for the OpenAPI document. Requests are
 * validated by the domain's schemas; these describe responses and are built from the same parts.
 */
import * as z from 'zod';
import * as domain from '../domain/transfer/index.ts';
import { rangeInOrder } from '../schemas/common.ts';
import { linkableStateSystems } from '../state-system/capabilities.ts';
import { stateSystemView } from '../submissions/representation.ts';

const at = z.iso.datetime({ offset: true });

/** A bound of a list's range, read as the instant it names: the index keys hold UTC times. */
const instant = at.transform((value) => new Date(value).toISOString());

export const transferListQuery = z
  .strictObject({
    direction: z
      .enum(['outgoing', 'incoming', 'carrying'])
      .default('outgoing')
      .meta({ description: 'outgoing: you ship; incoming: you receive; carrying: your manifests name you as transporter (no prices shown)' }),
    status: z.enum(domain.transferStatuses).optional(),
    from: instant.optional().meta({ description: 'Created (outgoing) or manifested (incoming) at or after' }),
    to: instant.optional().meta({ description: 'At or before; not before `from`' }),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(2048).optional(),
  })
  .superRefine(rangeInOrder);
const party = z
  .object({
    licenseeId: z.string().optional(),
    partnerId: z.string().optional(),
    legalName: z.string(),
    dba: z.string().optional(),
    licenseNumber: z.string(),
    premisesAddress: domain.addressSchema,
    phone: z.string(),
    stateSystem: z.enum(linkableStateSystems),
    stateAccessLost: z.boolean(),
  })
  .meta({ id: 'PartySnapshot', description: 'A licensee as printed on the manifest' });

const manifestFile = z
  .object({ sha256: z.string(), bytes: z.int() })
  .meta({ id: 'ManifestFile', description: 'The SHA-256 and size of the rendered PDF of a manifest version' });

const receiptLinkState = z
  .object({ linkId: z.string(), issuedAt: at, validUntil: at, revokedAt: at.optional() })
  .meta({ id: 'ReceiptLinkState', description: 'The current receipt link of a transfer to a receiver that is not integrated (its URL is given only when issued)' });

/** What the shipper sends the receiver: the URL exists only in this answer, never on the printed manifest. */
export const issuedReceiptLink = z
  .object({ url: z.url(), validUntil: at })
  .meta({ id: 'IssuedReceiptLink', description: 'The receipt link to send the receiver by e-mail or text' });

export const transferRepresentation = z
  .object({
    id: z.string(),
    shipperId: z.string(),
    status: z.enum(domain.transferStatuses),
    version: z.int().meta({ description: 'Also sent as the ETag; send it back in If-Match' }),
    allowedActions: z.array(z.enum(domain.transferActions)),
    content: z.looseObject({ type: z.enum(domain.transferTypes), lines: z.array(domain.transferLine) }),
    manifest: z
      .object({
        number: z.string(),
        version: z.int(),
        manifestedAt: at,
        contentHash: z.string(),
        parties: z.looseObject({ shipper: party, receiver: party, transporter: party.optional() }),
        file: manifestFile.optional(),
        receiptLinkId: z.string().optional().meta({ description: 'The receipt link current when this version was issued (sent to the receiver, never printed on the manifest)' }),
        stateManifestNumber: z.string().optional().meta({ description: "The state system's manifest number, printed on this version" }),
        onlyAddsStateNumber: z.literal(true).optional().meta({ description: "This version was issued only to print the state system's manifest number: otherwise it says what the version before it says" }),
      })
      .optional(),
    manifestHistory: z
      .array(z.looseObject({ manifest: z.looseObject({ number: z.string(), version: z.int(), manifestedAt: at, contentHash: z.string(), file: manifestFile.optional() }) }))
      .optional()
      .meta({ description: 'Earlier manifest versions an amendment replaced, oldest first, each with the terms it carried' }),
    stateManifestNumber: z.string().optional().meta({ description: "The state system's manifest number, once the hub learned it (printed only on versions issued before departure)" }),
    departedAt: at.optional(),
    arrivedAt: at.optional(),
    arrivalReport: z
      .object({
        by: z.literal('receiver-through-receipt-link'),
        linkId: z.string(),
        at,
        stateSystemReportedBy: z.enum(['shipper', 'nobody']).optional(),
        note: z.string(),
      })
      .optional()
      .meta({ description: 'Present when no driver or carrier recorded the arrival: the receiver reported it by confirming its receipt link while the shipment was in transit' }),
    receipt: z
      .looseObject({
        at,
        lines: z.array(z.looseObject({ tag: z.string(), outcome: z.enum(['accepted', 'rejected']) })),
        confirmation: z
          .looseObject({
            method: z.literal('receipt-link'),
            linkId: z.string(),
            photos: z.array(z.looseObject({ key: z.string(), contentType: z.string(), bytes: z.int() })),
            submittedFrom: z
              .object({ userAgent: z.string(), address: z.string() })
              .optional()
              .meta({ description: "The browser (its user agent) and the network address the receipt was submitted from" }),
            reportedToStateSystemByReceiver: z.literal(false),
            note: z.string(),
          })
          .optional()
          .meta({ description: 'Present when the receiver confirmed through its receipt link rather than its own system' }),
      })
      .optional(),
    receiptLink: receiptLinkState.optional(),
    voided: z.object({ at, reason: z.string() }).optional(),
    discardedAt: at.optional(),
    returnOf: z.object({ transferId: z.string(), manifestNumber: z.string(), shipperLicenseNumber: z.string() }).optional(),
    origin: z
      .looseObject({ kind: z.enum(['state-system', 'paper-manifest']).optional() })
      .optional()
      .meta({ description: 'Set when the hub did not issue the transfer: taken from the state system, or recorded from a paper manifest (`POST /v1/inbound-transfers`)' }),
    returnIds: z.array(z.string()),
    stateSystem: stateSystemView,
    createdAt: at,
    updatedAt: at,
  })
  .meta({ id: 'Transfer' });

export const transferSummaryRepresentation = z
  .object({
    id: z.string(),
    shipperId: z.string(),
    status: z.enum(domain.transferStatuses),
    version: z.int(),
    allowedActions: z.array(z.enum(domain.transferActions)),
    type: z.enum(domain.transferTypes),
    lineCount: z.int(),
    receiverPartnerId: z.string().optional(),
    manifestNumber: z.string().optional(),
    shipperName: z.string().optional(),
    receiverName: z.string().optional(),
    estimatedDeparture: at.optional(),
    departedAt: at.optional(),
    arrivedAt: at.optional(),
    returnOf: z.string().optional().meta({ description: 'The transfer this one returns packages of' }),
    stateSystem: stateSystemView,
    createdAt: at,
    updatedAt: at,
  })
  .meta({ id: 'TransferSummary', description: 'A transfer as lists show it; GET the transfer for everything' });

export const transferPage = z.object({ items: z.array(transferSummaryRepresentation), cursor: z.string().optional() }).meta({ id: 'TransferPage' });

export const transferEventRepresentation = z
  .object({
    transferId: z.string(),
    sequence: z.int(),
    action: z.string(),
    from: z.enum(domain.transferStatuses).nullable(),
    to: z.enum(domain.transferStatuses),
    at,
    actor: z.object({ licenseeId: z.string(), apiKeyId: z.string(), personId: z.string().optional() }),
    payloadHash: z.string().meta({ description: 'SHA-256 of the canonical JSON of what the change carried' }),
    summary: z.string(),
  })
  .meta({ id: 'TransferEvent' });

export const transferEventList = z.object({ items: z.array(transferEventRepresentation) }).meta({ id: 'TransferEventList' });
