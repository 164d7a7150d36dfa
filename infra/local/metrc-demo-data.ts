/**
 * What our Metrc emulator holds for the demo tenants on Metrc: each one's facility (its type after
 * the tenant's license), a user key, 50 active packages of New York products, the drivers and van
 * the hub's registries hold, and New York's transfer types; the partner that is not a tenant is a
 * facility too, so that a template may name it. Pure and deterministic: the same tenants give the
 * same data on every start (a fixed seed draws items, quantities and batches).
 *
 * Packages 1–40 pass every pre-flight, to any receiver (finished goods, `TestPassed` or
 * `RetestPassed`, a Retail Item ID on every unit); 41–50 carry one problem each, the ones a
 * shipper meets (see `PROBLEMS`).
 */
import { createHash } from 'node:crypto';
import type { FacilityRole } from './metrc/config.ts';
import type { FacilitySeed, MetrcSeed, PackageSeed, TransferTypeSeed } from './metrc/seed.ts';
import { typeSeed } from './metrc/model.ts';
import { seededRandom } from './seeded-random.ts';

/** A demo tenant as Metrc knows it. */
export interface MetrcDemoFacility {
  readonly licenseNumber: string;
  readonly name: string;
  readonly role: FacilityRole;
}

export const DEMO_PACKAGES_PER_FACILITY = 50;
/** Packages from this number on carry a problem each. */
export const FIRST_PROBLEM_PACKAGE = 41;


/** One seed per facility, from its license number: adding a tenant changes no other tenant's data. */
const seedOf = (licenseNumber: string): number => createHash('sha256').update(`metrc-demo:${licenseNumber}`).digest().readUInt32BE(0);

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const between = (random: () => number, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

/** The six digits of a license number's sequence (`OCM-DIST-24-000114-DX1` → `000114`). */
export function licenseDigits(licenseNumber: string): string {
  const digits = /-(\d{6})(?:-|$)/.exec(licenseNumber)?.[1];
  return digits ?? createHash('sha256').update(licenseNumber).digest().readUInt32BE(0).toString().slice(-6).padStart(6, '0');
}

/**
 * The label of a demo package: `1A4` `0100` + the license's six digits + `00000` + a six-digit
 * sequence (24 characters `[0-9A-Z]`, as Metrc's labels are).
 */
export function demoPackageLabel(licenseNumber: string, n: number): string {
  return `1A40100${licenseDigits(licenseNumber)}00000${String(n).padStart(6, '0')}`;
}

/** A user key as Metrc shows one (48 characters); fixed per facility, so the banner's key stays valid across restarts. */
export function demoUserKey(licenseNumber: string): string {
  const random = seededRandom(seedOf(`user-key:${licenseNumber}`));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 48 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

interface Product {
  readonly category: string;
  readonly names: readonly string[];
  readonly unit: 'Each';
  /** Units (or grams) per package, low and high. */
  readonly quantity: readonly [number, number];
}

const STRAINS = ['Hudson Haze', 'Empire Kush', 'Catskill Cookies', 'Adirondack OG', 'Finger Lakes Gelato', 'Seneca Sour Diesel', 'Borscht Belt Biscotti', 'Mohawk Mints'];

/** What a distributor carries to dispensaries and a dispensary holds: packaged for sale, counted in units. */
const RETAIL: readonly Product[] = [
  { category: 'Flower', names: STRAINS.map((s) => `${s} 3.5g Jar`), unit: 'Each', quantity: [24, 96]},
  { category: 'Flower', names: STRAINS.map((s) => `${s} 14g Pouch`), unit: 'Each', quantity: [12, 48]},
  { category: 'Pre-Roll', names: STRAINS.map((s) => `${s} Pre-Roll 5-Pack 2.5g`), unit: 'Each', quantity: [40, 120]},
  { category: 'Pre-Roll', names: STRAINS.map((s) => `${s} Pre-Roll 1g`), unit: 'Each', quantity: [50, 200]},
  { category: 'Infused Pre-Roll', names: ['Diamond-Dusted Pre-Roll 1g', 'Hash-Infused Pre-Roll 0.5g 2-Pack'], unit: 'Each', quantity: [30, 100]},
  { category: 'Vape Cartridge', names: STRAINS.map((s) => `${s} Live Resin Cart 0.5g`), unit: 'Each', quantity: [30, 120]},
  { category: 'Vape Cartridge', names: ['All-In-One Disposable 1g Blue Dream', 'All-In-One Disposable 1g Mango'], unit: 'Each', quantity: [30, 100]},
  { category: 'Edible', names: ['Concord Grape Gummies 10 x 10mg', 'Hudson Honey Chocolate Bar 100mg', 'Sour Apple Chews 20 x 5mg', 'Maple Drops 10 x 10mg'], unit: 'Each', quantity: [36, 144]},
  { category: 'Tincture', names: ['Full Spectrum Tincture 1000mg 30mL', '1:1 CBD:THC Tincture 500mg'], unit: 'Each', quantity: [12, 48]},
  { category: 'Concentrate', names: ['Live Rosin 1g Jar', 'Badder 1g Jar'], unit: 'Each', quantity: [20, 60]},
];


/** What packages 41–50 carry, in order: each one refused somewhere between pre-flight and registration. */
export const PROBLEMS: readonly { readonly what: string; readonly change: (quantity: number) => Partial<PackageSeed> }[] = [
  { what: 'lab test failed', change: () => ({ labTestingState: 'TestFailed' }) },
  { what: 'lab test failed', change: () => ({ labTestingState: 'TestFailed' }) },
  { what: 'retest failed', change: () => ({ labTestingState: 'RetestFailed' }) },
  { what: 'not submitted for testing', change: () => ({ labTestingState: 'NotSubmitted' }) },
  { what: 'not submitted for testing', change: () => ({ labTestingState: 'NotSubmitted' }) },
  { what: 'submitted for testing, no result yet', change: () => ({ labTestingState: 'SubmittedForTesting' }) },
  { what: 'on hold', change: () => ({ isOnHold: true }) },
  { what: 'Retail Item IDs on half its units', change: (quantity) => ({ retailIdCount: Math.floor(quantity / 2) }) },
  { what: 'not a Finished Good', change: () => ({ isFinishedGood: false }) },
  { what: 'no Retail Item IDs', change: () => ({ retailIdCount: 0 }) },
];

/** Packaged between these New York dates (fixed, so the data does not move with the clock). */
const PACKAGED_FROM = Date.parse('2026-09-01T00:00:00Z');
const PACKAGED_DAYS = 75;

export function demoPackages(facility: MetrcDemoFacility): PackageSeed[] {
  const random = seededRandom(seedOf(facility.licenseNumber));
    return Array.from({ length: DEMO_PACKAGES_PER_FACILITY }, (_, i) => {
    const n = i + 1;
    const product = pick(random, RETAIL);
    const quantity = between(random, product.quantity[0], product.quantity[1]);
    const packagedDate = new Date(PACKAGED_FROM + between(random, 0, PACKAGED_DAYS) * 86_400_000).toISOString().slice(0, 10);
    const base: PackageSeed = {
      label: demoPackageLabel(facility.licenseNumber, n),
      licenseNumber: facility.licenseNumber,
      quantity,
      unitOfMeasure: product.unit,
      itemName: pick(random, product.names),
      itemCategory: product.category,
      isFinishedGood: true,
      // About one in ten passed on a retest.
      labTestingState: random() < 0.1 ? 'RetestPassed' : 'TestPassed',
      // A Retail Item ID (QR code) on every unit.
      retailIdCount: quantity,
      packagedDate,
      productionBatchNumber: `B-${packagedDate.slice(2, 4)}${packagedDate.slice(5, 7)}-${String(between(random, 1, 999)).padStart(3, '0')}`,
    };
    const problem = n >= FIRST_PROBLEM_PACKAGE ? PROBLEMS[n - FIRST_PROBLEM_PACKAGE] : undefined;
    return problem ? { ...base, ...problem.change(quantity) } : base;
  });
}

/**
 * New York's transfer types as the emulator lists them per facility [inferred names, as Metrc's
 * NY bulletins use them]: `Transfer` (the adapter's default, unpriced), `Wholesale` (priced, the
 * invoice and the vehicle's registration required), `Unaffiliated` (trade samples, NY_IB_0009)
 * and external incoming shipments for a dispensary.
 */
export function demoTransferTypes(role: FacilityRole): TransferTypeSeed[] {
  return [
    typeSeed({ Name: 'Transfer', TransactionType: 'Standard' }),
    typeSeed({ Name: 'Wholesale', TransactionType: 'Wholesale', RequiresInvoiceNumber: true, RequiresVehicleRegistrationNumber: true }),
    typeSeed({ Name: 'Unaffiliated', TransactionType: 'Wholesale', RequiresVehicleRegistrationNumber: true, priced: true }),
    ...(role === 'dispensary' ? [typeSeed({ Name: 'External Incoming', TransactionType: 'Standard', ForLicensedShipments: false, ForExternalIncomingShipments: true })] : []),
  ];
}

/** Metrc's facility type flags for a facility of this kind [inferred: the flags a NY license of the kind has]. */
function facilityTypeOf(role: FacilityRole): FacilitySeed['facilityType'] {
  switch (role) {
    case 'dispensary':
      return { IsRetail: true, CanSellToConsumers: true, CanOnlyReceiveFinishedGoods: true, CanTrackFinishedGoods: true, CanTransferFromExternalFacilities: true };
    case 'processor':
      return { CanCreateDerivedPackages: true, CanInfuseProducts: true, CanRecordProcessingJobs: true, CanSubmitPackagesForTesting: true, CanTrackFinishedGoods: true };
    case 'distributor':
      return { CanTrackFinishedGoods: true, CanCreateTradeSamplePackages: true };
    default:
      return {};
  }
}

/** The drivers and the van the hub's demo registries hold, as Metrc's transporter records. */
export interface DemoTransport {
  readonly drivers: readonly { readonly name: string; readonly employeeId: string; readonly driversLicenseNumber: string }[];
  readonly vehicles: readonly { readonly make: string; readonly model: string; readonly plate?: string }[];
}

/**
 * The emulator's seed: the Metrc tenants with keys, packages, drivers and vehicles; `others`
 * (counterparties that are on Metrc without connecting the hub) as facilities only.
 */
export function metrcDemoSeed(tenants: readonly MetrcDemoFacility[], others: readonly MetrcDemoFacility[], transport: DemoTransport): MetrcSeed {
  const facility = (f: MetrcDemoFacility) => ({ licenseNumber: f.licenseNumber, name: f.name, role: f.role, facilityType: facilityTypeOf(f.role), transferTypes: demoTransferTypes(f.role) });
  return {
    facilities: [...tenants, ...others].map(facility),
    userKeys: tenants.map((t) => ({ key: demoUserKey(t.licenseNumber), userName: `compliance@${licenseDigits(t.licenseNumber)}`, facilities: [{ licenseNumber: t.licenseNumber, permissions: 'all' as const }] })),
    packages: tenants.flatMap(demoPackages),
    drivers: tenants.flatMap((t) => transport.drivers.map((d) => ({ licenseNumber: t.licenseNumber, ...d }))),
    vehicles: tenants.flatMap((t) => transport.vehicles.flatMap((v) => (v.plate ? [{ licenseNumber: t.licenseNumber, make: v.make, model: v.model, licensePlateNumber: v.plate }] : []))),
  };
}
