/** What `POST /_emulator/seed` takes: facilities, user keys and their grants, packages, drivers and vehicles. */
import * as z from 'zod';
import { facilityRoles } from './config.ts';
import { FACILITY_TYPE_FLAGS } from './shapes.ts';

/** Permission names as Metrc's route documentation lists them. */
export const PERMISSIONS = [
  'View Packages',
  'Manage Packages Inventory',
  'View Transfers',
  'Manage Transfers',
  'View Transfer Templates',
  'Manage Transfer Templates',
  'Transporters',
  'Manage Transporters',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const LAB_TESTING_STATES = ['NotSubmitted', 'SubmittedForTesting', 'TestPassed', 'TestFailed', 'RetestPassed', 'RetestFailed', 'NotRequired'] as const;

/** metrc.md §4: a package label is 24 characters `[0-9A-Z]` (case-insensitive on input). */
export const packageLabel = z
  .string()
  .regex(/^[0-9A-Za-z]{24}$/, { error: 'a package label is 24 characters [0-9A-Z]' })
  .transform((label) => label.toUpperCase());

export const transferTypeSeedSchema = z.strictObject({
  Name: z.string().min(1),
  TransactionType: z.string().min(1).prefault('Standard'),
  ForLicensedShipments: z.boolean().prefault(true),
  ForExternalIncomingShipments: z.boolean().prefault(false),
  ForExternalOutgoingShipments: z.boolean().prefault(false),
  RequiresDestinationGrossWeight: z.boolean().prefault(false),
  RequiresPackagesGrossWeight: z.boolean().prefault(false),
  RequiresInvoiceNumber: z.boolean().prefault(false),
  RequiresPDFDocument: z.boolean().prefault(false),
  RequiresVehicleRegistrationNumber: z.boolean().prefault(false),
  /** [inferred] Whether a `WholesalePrice` is required on each package; defaults to TransactionType Wholesale. */
  priced: z.boolean().optional(),
});
export type TransferTypeSeed = z.output<typeof transferTypeSeedSchema>;

const flagName = z.enum(FACILITY_TYPE_FLAGS);

export const facilitySeedSchema = z.strictObject({
  licenseNumber: z.string().min(1),
  name: z.string().min(1),
  /** Which NY rules apply between two facilities. */
  role: z.enum(facilityRoles).prefault('other'),
  /** Metrc's `License.LicenseType` text; defaults after the role. */
  licenseType: z.string().min(1).optional(),
  /** Capability flags of `FacilityType` (e.g. `CanOnlyReceiveFinishedGoods`, `CanTransferFromExternalFacilities`); unnamed ones are false. */
  facilityType: z.partialRecord(flagName, z.boolean()).prefault({}),
  /** The facility's transfer types; absent: the emulator's default set. */
  transferTypes: z.array(transferTypeSeedSchema).optional(),
});

export const userKeySeedSchema = z.strictObject({
  key: z.string().min(1),
  userName: z.string().min(1).prefault('Emulator User'),
  facilities: z.array(
    z.strictObject({
      licenseNumber: z.string().min(1),
      permissions: z.union([z.literal('all'), z.array(z.enum(PERMISSIONS))]).prefault('all'),
    }),
  ),
});

export const packageSeedSchema = z.strictObject({
  label: packageLabel,
  licenseNumber: z.string().min(1),
  quantity: z.number().nonnegative(),
  unitOfMeasure: z.string().min(1).prefault('Grams'),
  itemName: z.string().min(1).prefault('Buds'),
  itemCategory: z.string().min(1).prefault('Flower'),
  isFinishedGood: z.boolean().prefault(false),
  labTestingState: z.enum(LAB_TESTING_STATES).prefault('TestPassed'),
  isOnHold: z.boolean().prefault(false),
  /** On recall (`IsOnRecall`): active, but it cannot be transferred. */
  isOnRecall: z.boolean().prefault(false),
  /** Retail Item IDs (QR codes) associated with the package: `ProductLabel.QrCount`. */
  retailIdCount: z.int().nonnegative().prefault(0),
  isTradeSample: z.boolean().prefault(false),
  /** Finished (inactive): not active, cannot be transferred. */
  finished: z.boolean().prefault(false),
  packagedDate: z.iso.date().optional(),
  productionBatchNumber: z.string().optional(),
});

export const driverSeedSchema = z.strictObject({ licenseNumber: z.string().min(1), name: z.string().min(1), employeeId: z.string().min(1), driversLicenseNumber: z.string().min(1) });
export const vehicleSeedSchema = z.strictObject({ licenseNumber: z.string().min(1), make: z.string().min(1), model: z.string().min(1), licensePlateNumber: z.string().min(1) });

export const seedSchema = z.strictObject({
  facilities: z.array(facilitySeedSchema).prefault([]),
  userKeys: z.array(userKeySeedSchema).prefault([]),
  packages: z.array(packageSeedSchema).prefault([]),
  drivers: z.array(driverSeedSchema).prefault([]),
  vehicles: z.array(vehicleSeedSchema).prefault([]),
});

export type FacilitySeed = z.input<typeof facilitySeedSchema>;
export type UserKeySeed = z.input<typeof userKeySeedSchema>;
export type PackageSeed = z.input<typeof packageSeedSchema>;
export type MetrcSeed = z.input<typeof seedSchema>;
export type MetrcSeedData = z.output<typeof seedSchema>;
