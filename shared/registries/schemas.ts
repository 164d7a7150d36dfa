/**
 * What a shipper keeps on file: drivers, vehicles and partners (counterparties, tenants of the hub
 * or not). Request bodies are strict: unknown fields are refused and every string is bounded.
 */
import * as z from 'zod';
import { conveyanceTypes } from '../domain/transfer/index.ts';
import { addressFields, phone, text, usStateCode } from '../schemas/common.ts';
import { licenseNumberSchema } from '../schemas/common.ts';

const addressSchema = z.strictObject({ ...addressFields, state: usStateCode.default('NY') });

export const driverBody = z
  .strictObject({
    name: text(200),
    /** The ID an employee carries, showing the license they drive for (9 NYCRR 125.10(c)). */
    employeeId: text(64),
    driversLicenseNumber: text(32),
    driversLicenseState: usStateCode.default('NY'),
    phone,
    email: z.email().max(254).optional(),
  })
  .meta({ id: 'DriverInput', description: 'A driver employed by the licensee' });

/** Passenger and commercial vehicles since 1981 carry a 17-character VIN without I, O or Q. */
const vin = z.string().trim().toUpperCase().regex(/^[A-HJ-NPR-Z0-9]{17}$/, { error: 'A 17-character VIN (no I, O or Q)' });

export const vehicleBody = z
  .strictObject({
    conveyance: z.enum(conveyanceTypes),
    make: text(64),
    model: text(64),
    year: z.int().min(1950).max(2100),
    color: text(32),
    plate: z.string().trim().toUpperCase().regex(/^[A-Z0-9 -]{1,10}$/, { error: 'Up to 10 letters, digits, spaces or dashes' }).optional(),
    plateState: usStateCode.default('NY'),
    vin: vin.optional(),
    /** 9 NYCRR 125.10(e): the attestations printed on every manifest. */
    attestations: z.strictObject({
      gpsFitted: z.boolean(),
      lockedBox: z.boolean(),
      temperatureControl: z.boolean(),
    }),
  })
  .check((ctx) => {
    if (ctx.value.conveyance !== 'bicycle' && ctx.value.plate === undefined) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: ['plate'], message: 'A plate is required unless the conveyance is a bicycle' });
    }
  })
  .meta({ id: 'VehicleInput', description: 'A vehicle the licensee transports with' });

export const partnerBody = z
  .strictObject({
    legalName: text(200),
    dba: text(200).optional(),
    licenseNumber: licenseNumberSchema,
    licenseType: text(64).optional(),
    premisesAddress: addressSchema,
    phone,
    contactName: text(200).optional(),
    email: z.email().max(254).optional(),
    /** Whether the partner reports to the state system itself; non-integrated partners confirm receipt by link. */
    integrated: z.boolean(),
  })
  .meta({ id: 'PartnerInput', description: 'A counterparty: a licensee you ship to, receive from, or hire to transport' });

export const registryKinds = ['driver', 'vehicle', 'partner'] as const;
export type RegistryKind = (typeof registryKinds)[number];

export const registryBodies = { driver: driverBody, vehicle: vehicleBody, partner: partnerBody } as const;

export type DriverData = z.infer<typeof driverBody>;
export type VehicleData = z.infer<typeof vehicleBody>;
export type PartnerData = z.infer<typeof partnerBody>;
export interface RegistryData {
  driver: DriverData;
  vehicle: VehicleData;
  partner: PartnerData;
}

export const registryListQuery = z.strictObject({
  status: z.enum(['active', 'inactive', 'all']).default('active'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

/** What every stored record adds to what was entered. */
const recordShape = {
  id: z.string(),
  active: z.boolean(),
  version: z.int().meta({ description: 'Also sent as the ETag' }),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  deactivatedAt: z.iso.datetime({ offset: true }).optional(),
};

/** A driver's or vehicle's link to its copy in the license's state system (the registries' sync). */
function stateLinkShape<T extends z.ZodType>(fields: T, id: string) {
  const at = z.iso.datetime({ offset: true });
  return z
    .object({
      system: z.string(),
      origin: z.enum(['hub', 'state-system']).meta({ description: 'Made in the hub, or in the state system (added by the sync)' }),
      syncedAt: at,
      incomplete: z
        .array(z.string())
        .optional()
        .meta({ description: 'Fields only the hub keeps, still to be entered: the entry stays inactive until a PUT gives them' }),
      conflict: z
        .object({ hub: fields, stateSystem: fields, seenAt: at })
        .optional()
        .meta({ description: 'Both sides changed since the last sync: neither is changed until a PUT with the chosen values clears it' }),
    })
    .meta({ id });
}
const driverSyncFields = z.object({ name: z.string(), employeeId: z.string(), driversLicenseNumber: z.string() });
const vehicleSyncFields = z.object({ make: z.string(), model: z.string(), plate: z.string() });

export const driverRecord = z
  .object({ ...recordShape, ...driverBody.shape, stateSystem: stateLinkShape(driverSyncFields, 'DriverStateLink').optional() })
  .meta({ id: 'Driver' });
export const vehicleRecord = z
  .object({ ...recordShape, ...vehicleBody.shape, stateSystem: stateLinkShape(vehicleSyncFields, 'VehicleStateLink').optional() })
  .meta({ id: 'Vehicle' });
export const partnerRecord = z.object({ ...recordShape, ...partnerBody.shape }).meta({ id: 'Partner' });
export const registryRecords = { driver: driverRecord, vehicle: vehicleRecord, partner: partnerRecord } as const;
