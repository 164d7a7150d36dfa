/**
 * What the manifest endpoints accept and answer, as zod schemas for validation and the OpenAPI
 * document.
 */
import * as z from 'zod';
import { stateSystemView } from '../submissions/representation.ts';
import * as domain from '../domain/transfer/index.ts';
import { MANIFEST_FORMAT } from './document.ts';
import { printedHash } from './use-cases.ts';

const at = z.iso.datetime({ offset: true });

export const manifestVersionQuery = z.strictObject({
  version: z.coerce.number().int().min(1).max(1000).optional().meta({ description: 'An earlier version; the current one without it' }),
});

export const verifyQuery = z.strictObject({
  h: z
    .string()
    .max(64)
    .transform((h) => h.toLowerCase())
    .pipe(z.string().regex(printedHash, { error: 'The 16 characters printed under the QR code, or a full SHA-256 in hex' }))
    .optional()
    .meta({ description: "The hash printed on the copy at hand: the footer's 16 characters, or the SHA-256 of its content or of the PDF" }),
});

/** Manifest numbers are license numbers with a sequence: upper-case letters, digits and dashes. */
export const manifestNumberPattern = /^[A-Z0-9-]{1,64}$/;

const file = { sha256: z.string(), bytes: z.int() };

export const manifestDownloadView = z
  .object({
    url: z.url().meta({ description: 'Presigned GET of the PDF; works until expiresAt' }),
    expiresAt: at,
    manifestNumber: z.string(),
    version: z.int(),
    current: z.boolean().meta({ description: 'False for a version an amendment replaced' }),
    contentType: z.literal('application/pdf'),
    ...file,
  })
  .meta({ id: 'ManifestDownload', description: 'A short-lived link to the PDF of a manifest version, with the hash to check it by' });

export const stateManifestDownloadView = z
  .object({
    url: z.url().meta({ description: 'Presigned GET of the PDF; works until expiresAt' }),
    expiresAt: at,
    system: z.string().meta({ description: "The state system's id, as a tenant's link names its adapter" }),
    displayName: z.string(),
    stateManifestNumber: z.string().meta({ description: 'The manifest number the state system issued' }),
    contentType: z.literal('application/pdf'),
    ...file,
    fetchedAt: at.meta({ description: 'When the hub fetched it from the state system (it keeps that copy)' }),
  })
  .meta({ id: 'StateManifestDownload', description: "A short-lived link to the state system's own manifest of the transfer, as the hub fetched and keeps it" });

const party = z.object({ legalName: z.string(), dba: z.string().optional(), licenseNumber: z.string(), premisesAddress: domain.addressSchema, phone: z.string(), integrated: z.boolean() });

export const manifestDocumentView = z
  .looseObject({
    format: z.literal(MANIFEST_FORMAT),
    manifestNumber: z.string(),
    version: z.int(),
    supersedes: z.object({ version: z.int(), contentHash: z.string() }).optional(),
    transferId: z.string(),
    transferType: z.enum(domain.transferTypes),
    invoiceNumbers: z.array(z.string()),
    issuedAt: at,
    contentHash: z.string(),
    shortHash: z.string(),
    verificationUrl: z.url(),
    shipper: party,
    receiver: party,
    transporter: party.nullable(),
    taxPayer: z.looseObject({ taxPaid: z.boolean() }),
    drivers: z.array(z.looseObject({ name: z.string(), employeeId: z.string(), driversLicenseNumber: z.string() })),
    vehicle: z.looseObject({ conveyance: z.enum(domain.conveyanceTypes), make: z.string(), model: z.string() }),
    timing: z.looseObject({ estimatedDeparture: at, estimatedArrival: at, plannedRoute: z.string() }),
    lines: z.array(z.looseObject({ lineNumber: z.int(), tag: z.string(), productName: z.string(), quantity: z.number(), unit: z.enum(domain.units) })),
    current: z.boolean(),
    pdf: z.object(file).optional(),
  })
  .meta({ id: 'ManifestDocument', description: 'The manifest as data: exactly what its PDF prints, for partner software to ingest' });

const counterparty = z.object({ name: z.string(), licenseNumber: z.string() });

const existenceView = z
  .object({
    manifestNumber: z.string(),
    hash: z.object({ result: z.enum(['not-given', 'mismatch']) }),
  })
  .meta({
    id: 'ManifestExistence',
    description: 'Without a hash that fits a version of the manifest (the one its QR code carries) only that the number was issued',
  });

const detailsView = z
  .object({
    manifestNumber: z.string(),
    status: z.enum(domain.transferStatuses),
    version: z.int(),
    issuedAt: at,
    shipper: counterparty,
    receiver: counterparty,
    estimatedDeparture: at.optional(),
    departedAt: at.optional(),
    arrivedAt: at.optional(),
    packageCount: z.int(),
    vehicle: z
      .object({ conveyance: z.enum(domain.conveyanceTypes), plate: z.string().optional(), plateState: z.string().optional() })
      .optional()
      .meta({ description: 'The vehicle of the current version: its plate, to match the truck' }),
    drivers: z.array(z.object({ name: z.string() })).meta({ description: 'The drivers of the current version' }),
    stateManifestId: z.string().optional().meta({ description: "The state tracking system's id of the manifest, once it has one" }),
    stateSystem: stateSystemView.pick({ status: true, step: true, code: true, message: true }).meta({
      description: 'Whether the state system has the manifest on record; `refused` means the shipment is not on record there',
    }),
    hash: z.object({
      result: z.enum(['current', 'superseded']),
      version: z.int().meta({ description: 'The version the given hash belongs to' }),
      newerPrint: z
        .object({ version: z.int(), stateManifestId: z.string().optional() })
        .optional()
        .meta({ description: "With `current` for an earlier version: the newer version differs from the copy only by the state system's manifest ID it prints" }),
    }),
  })
  .meta({
    id: 'ManifestDetails',
    description: 'With the hash of a printed copy: the shipment, its vehicle and drivers; no prices, no quantities beyond the package count',
  });

export const verificationView = z
  .union([detailsView, existenceView])
  .meta({ id: 'ManifestVerification', description: 'What the verification page tells: the details only to the holder of a copy (its hash)' });
