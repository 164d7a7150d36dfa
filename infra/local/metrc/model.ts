/**
 * The emulator's state and Metrc's rules, without HTTP: facilities, user keys and their grants,
 * packages, templates, registered transfers and their deliveries, drivers and vehicles. Every
 * refusal is a MetrcFailure carrying the status and body Metrc would answer.
 */
import type { EmulatorClock } from './clock.ts';
import type { FacilityRole, MetrcConfig } from './config.ts';
import { badRequest, MetrcFailure, RowProblems, unauthorized } from './errors.ts';
import type {
  AdjustInput,
  DestinationInput,
  DriverInput,
  DriverUpdateInput,
  ExternalDestinationInput,
  ExternalInput,
  ExternalUpdateInput,
  TemplateInput,
  TemplateUpdateInput,
  TransporterInput,
  VehicleInput,
  VehicleUpdateInput,
} from './requests.ts';
import { PERMISSIONS } from './seed.ts';
import type { MetrcSeedData, Permission, TransferTypeSeed } from './seed.ts';
import { localDate, parseRequestTime } from './time.ts';

export const UNITS_OF_MEASURE = [
  { QuantityType: 'CountBased', Name: 'Each', Abbreviation: 'ea' },
  { QuantityType: 'WeightBased', Name: 'Ounces', Abbreviation: 'oz' },
  { QuantityType: 'WeightBased', Name: 'Pounds', Abbreviation: 'lb' },
  { QuantityType: 'WeightBased', Name: 'Grams', Abbreviation: 'g' },
  { QuantityType: 'WeightBased', Name: 'Milligrams', Abbreviation: 'mg' },
  { QuantityType: 'WeightBased', Name: 'Kilograms', Abbreviation: 'kg' },
] as const;

/** [inferred] NY's adjustment reasons (a client counted 9 on NY production; names and flags are ours). */
export const ADJUST_REASONS = [
  { Name: 'Damage', RequiresNote: true },
  { Name: 'Drying', RequiresNote: false },
  { Name: 'Entry Error', RequiresNote: false },
  { Name: 'Incorrect Quantity', RequiresNote: true },
  { Name: 'Moisture Loss', RequiresNote: false },
  { Name: 'Scale Variance', RequiresNote: false },
  { Name: 'Shortage Found After Receipt', RequiresNote: true },
  { Name: 'Theft', RequiresNote: true },
  { Name: 'Waste', RequiresNote: false },
] as const;

/** [inferred] Transfer types a facility has when the seed names none; names differ per license in NY. */
export const DEFAULT_TRANSFER_TYPES: readonly TransferTypeSeed[] = [
  typeSeed({ Name: 'Transfer', TransactionType: 'Standard' }),
  typeSeed({ Name: 'Wholesale', TransactionType: 'Wholesale', RequiresVehicleRegistrationNumber: true }),
  typeSeed({ Name: 'Unaffiliated', TransactionType: 'Wholesale', RequiresVehicleRegistrationNumber: true }),
  typeSeed({ Name: 'External Incoming', TransactionType: 'Standard', ForLicensedShipments: false, ForExternalIncomingShipments: true }),
];

/** A transfer type for licensed shipments that requires nothing but what `partial` says. */
export function typeSeed(partial: Partial<TransferTypeSeed> & Pick<TransferTypeSeed, 'Name' | 'TransactionType'>): TransferTypeSeed {
  return {
    ForLicensedShipments: true,
    ForExternalIncomingShipments: false,
    ForExternalOutgoingShipments: false,
    RequiresDestinationGrossWeight: false,
    RequiresPackagesGrossWeight: false,
    RequiresInvoiceNumber: false,
    RequiresPDFDocument: false,
    RequiresVehicleRegistrationNumber: false,
    ...partial,
  };
}

export function isPriced(type: TransferTypeSeed): boolean {
  return type.priced ?? type.TransactionType === 'Wholesale';
}

const LICENSE_TYPES: Record<FacilityRole, string> = {
  cultivator: 'Adult-Use Cultivator',
  processor: 'Adult-Use Processor',
  distributor: 'Adult-Use Distributor',
  dispensary: 'Adult-Use Retail Dispensary',
  microbusiness: 'Adult-Use Microbusiness',
  laboratory: 'Testing Laboratory',
  other: 'Other',
};

export interface Facility {
  readonly id: number;
  readonly licenseNumber: string;
  readonly name: string;
  readonly role: FacilityRole;
  readonly licenseType: string;
  readonly flags: Readonly<Partial<Record<string, boolean>>>;
  readonly transferTypes: readonly TransferTypeSeed[];
}

export interface UserKey {
  readonly key: string;
  readonly userName: string;
  revoked: boolean;
  readonly grants: Map<string, ReadonlySet<Permission>>;
}

export interface PackageRecord {
  readonly id: number;
  readonly label: string;
  /** The facility that holds it; '' for an external shipper's package not yet received. */
  holder: string;
  quantity: number;
  originalQuantity: number;
  unitOfMeasure: string;
  readonly itemId: number;
  readonly itemName: string;
  readonly itemCategory: string;
  isFinishedGood: boolean;
  labTestingState: string;
  isOnHold: boolean;
  isOnRecall: boolean;
  qrCount: number;
  isTradeSample: boolean;
  finished: boolean;
  readonly packagedDate: string;
  readonly productionBatchNumber: string | null;
  readonly externalId: string | null;
  lastModifiedMs: number;
  received?: { manifestNumber: string; fromLicense: string; fromName: string; atMs: number };
  /** The delivery it travels on, from registration until it is accepted, or returned after a rejection. */
  transitDeliveryId?: number;
}

export interface LegPackage {
  readonly label: string;
  readonly wholesalePrice: number | null;
  readonly grossWeight: number | null;
  readonly grossUnitOfWeightName: string | null;
}

export interface TemplateDelivery {
  readonly id: number;
  recipientLicense: string;
  invoiceNumber: string | null;
  transferTypeName: string;
  plannedRoute: string | null;
  estimatedDeparture: string;
  estimatedArrival: string;
  transporters: readonly TransporterInput[];
  packages: readonly LegPackage[];
}

export interface Template {
  readonly id: number;
  readonly licenseNumber: string;
  name: string;
  header: Omit<TemplateInput, 'Destinations' | 'Name'>;
  deliveries: TemplateDelivery[];
  archived: boolean;
  readonly createdMs: number;
  readonly createdBy: string;
  lastModifiedMs: number;
}

export type ShipmentPackageState = 'Shipped' | 'Accepted' | 'Rejected' | 'Returned';
export const SHIPMENT_PACKAGE_STATES: readonly ShipmentPackageState[] = ['Shipped', 'Rejected', 'Accepted', 'Returned'];

export interface DeliveryPackage {
  readonly rowId: number;
  readonly packageId: number;
  readonly label: string;
  shippedQuantity: number;
  readonly shippedUnit: string;
  state: ShipmentPackageState;
  receivedQuantity: number | null;
  readonly wholesalePrice: number | null;
  readonly grossWeight: number | null;
  readonly grossUnitOfWeightName: string | null;
  rejectReason: string | null;
}

export interface Delivery {
  readonly id: number;
  readonly transferId: number;
  recipientLicense: string;
  readonly transferTypeName: string;
  readonly invoiceNumber: string | null;
  plannedRoute: string | null;
  estimatedDeparture: string;
  estimatedArrival: string;
  readonly transporters: readonly TransporterInput[];
  packages: DeliveryPackage[];
  actualDepartureMs: number | null;
  actualArrivalMs: number | null;
  receivedMs: number | null;
  rejectedPackagesReturned: boolean;
}

export interface Transfer {
  readonly id: number;
  readonly manifestNumber: string;
  readonly shipperLicense: string;
  readonly shipperName: string;
  readonly name: string | null;
  readonly originatingTemplateId: number | null;
  /** From a source outside Metrc: `POST /transfers/v2/external/incoming`. */
  readonly external: boolean;
  readonly createdMs: number;
  readonly createdBy: string;
  lastModifiedMs: number;
  voided: boolean;
  deliveries: Delivery[];
}

export interface Driver {
  readonly id: number;
  readonly facilityLicense: string;
  name: string;
  employeeId: string;
  driversLicenseNumber: string;
  archived: boolean;
  lastModifiedMs: number;
}

export interface Vehicle {
  readonly id: number;
  readonly facilityLicense: string;
  make: string;
  model: string;
  licensePlateNumber: string;
  archived: boolean;
  lastModifiedMs: number;
}

/** One package's decision at receipt, as the person enters it in Metrc's web app. */
export interface ReceiptLine {
  readonly label: string;
  readonly action: 'accept' | 'reject';
  readonly receivedQuantity?: number | undefined;
  readonly confirmVariance?: boolean | undefined;
  readonly rejectReason?: string | undefined;
}

export interface TransferEdit {
  readonly transferId: number;
  readonly deliveryId?: number | undefined;
  readonly recipientLicenseNumber?: string | undefined;
  readonly plannedRoute?: string | undefined;
  readonly estimatedDepartureDateTime?: string | undefined;
  readonly estimatedArrivalDateTime?: string | undefined;
  readonly packages?: readonly { readonly label: string; readonly quantity?: number | undefined }[] | undefined;
}

/** A human step refused: 409 for the wrong moment, 400 for a rule; `problems` names each package. */
export function stepRefused(status: 400 | 404 | 409, message: string, problems: readonly string[] = []): MetrcFailure {
  return new MetrcFailure(status, { Message: message, ...(problems.length ? { Problems: problems } : {}) });
}

function countBased(unit: string): boolean {
  return UNITS_OF_MEASURE.some((uom) => uom.Name === unit && uom.QuantityType === 'CountBased');
}

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export type Sequence = 'facility' | 'item' | 'package' | 'template' | 'templateDelivery' | 'transfer' | 'delivery' | 'deliveryPackage' | 'driver' | 'vehicle' | 'adjustment' | 'manifest' | 'externalLabel';

export class MetrcModel {
  readonly #clock: EmulatorClock;
  readonly #config: () => MetrcConfig;
  readonly facilities = new Map<string, Facility>();
  readonly userKeys = new Map<string, UserKey>();
  readonly packages = new Map<string, PackageRecord>();
  readonly templates = new Map<number, Template>();
  readonly transfers = new Map<number, Transfer>();
  readonly drivers = new Map<number, Driver>();
  readonly vehicles = new Map<number, Vehicle>();
  /** Each kind of id counts from its own base, so that a transfer Id is never mistaken for a delivery Id or a manifest number. */
  readonly #sequences: Record<Sequence, number> = { facility: 1000, item: 100, package: 300000, template: 5000, templateDelivery: 6000, transfer: 80000, delivery: 90000, deliveryPackage: 400000, driver: 7000, vehicle: 8000, adjustment: 9000, manifest: 12344, externalLabel: 0 };

  readonly #advanced: ((sequences: Readonly<Record<Sequence, number>>) => void) | undefined;

  /** `sequences`: where an earlier run's counters stopped (each kind goes on from the larger of it and its base). */
  constructor(clock: EmulatorClock, config: () => MetrcConfig, sequences: Readonly<Partial<Record<string, number>>> = {}, advanced?: (sequences: Readonly<Record<Sequence, number>>) => void) {
    this.#clock = clock;
    this.#config = config;
    this.#advanced = advanced;
    for (const kind of Object.keys(this.#sequences) as Sequence[]) this.#sequences[kind] = Math.max(this.#sequences[kind], sequences[kind] ?? 0);
  }

  #next(kind: Sequence): number {
    this.#sequences[kind] += 1;
    this.#advanced?.(this.#sequences);
    return this.#sequences[kind];
  }

  /** The id counters as they stand. */
  sequences(): Readonly<Record<Sequence, number>> {
    return { ...this.#sequences };
  }

  now(): number {
    return this.#clock.nowMs();
  }

  // ---- seeding ----

  seed(data: MetrcSeedData): { facilities: number; userKeys: number; packages: number; drivers: number; vehicles: number } {
    for (const facility of data.facilities) {
      if (this.facilities.has(facility.licenseNumber)) throw badRequest(`Facility ${facility.licenseNumber} is already seeded.`);
      this.facilities.set(facility.licenseNumber, {
        id: this.#next('facility'),
        licenseNumber: facility.licenseNumber,
        name: facility.name,
        role: facility.role,
        licenseType: facility.licenseType ?? LICENSE_TYPES[facility.role],
        flags: facility.facilityType,
        transferTypes: facility.transferTypes ?? DEFAULT_TRANSFER_TYPES,
      });
    }
    const known = (license: string) => {
      if (!this.facilities.has(license)) throw badRequest(`Facility ${license} is not seeded.`);
    };
    for (const user of data.userKeys) {
      const grants = new Map<string, ReadonlySet<Permission>>();
      for (const grant of user.facilities) {
        known(grant.licenseNumber);
        grants.set(grant.licenseNumber, new Set(grant.permissions === 'all' ? PERMISSIONS : grant.permissions));
      }
      this.userKeys.set(user.key, { key: user.key, userName: user.userName, revoked: false, grants });
    }
    const now = this.now();
    for (const seeded of data.packages) {
      known(seeded.licenseNumber);
      if (this.packages.has(seeded.label)) throw badRequest(`Package ${seeded.label} is already seeded.`);
      if (!UNITS_OF_MEASURE.some((uom) => uom.Name === seeded.unitOfMeasure)) throw badRequest(`Unit of measure ${seeded.unitOfMeasure} is not active.`);
      this.packages.set(seeded.label, {
        id: this.#next('package'),
        label: seeded.label,
        holder: seeded.licenseNumber,
        quantity: seeded.quantity,
        originalQuantity: seeded.quantity,
        unitOfMeasure: seeded.unitOfMeasure,
        itemId: this.#next('item'),
        itemName: seeded.itemName,
        itemCategory: seeded.itemCategory,
        isFinishedGood: seeded.isFinishedGood,
        labTestingState: seeded.labTestingState,
        isOnHold: seeded.isOnHold,
        isOnRecall: seeded.isOnRecall,
        qrCount: seeded.retailIdCount,
        isTradeSample: seeded.isTradeSample,
        finished: seeded.finished,
        packagedDate: seeded.packagedDate ?? localDate(now, this.#config().timeZone),
        productionBatchNumber: seeded.productionBatchNumber ?? null,
        externalId: null,
        lastModifiedMs: now,
      });
    }
    for (const driver of data.drivers) {
      known(driver.licenseNumber);
      this.#addDriver(driver.licenseNumber, { Name: driver.name, EmployeeId: driver.employeeId, DriversLicenseNumber: driver.driversLicenseNumber });
    }
    for (const vehicle of data.vehicles) {
      known(vehicle.licenseNumber);
      this.#addVehicle(vehicle.licenseNumber, { Make: vehicle.make, Model: vehicle.model, LicensePlateNumber: vehicle.licensePlateNumber });
    }
    return { facilities: data.facilities.length, userKeys: data.userKeys.length, packages: data.packages.length, drivers: data.drivers.length, vehicles: data.vehicles.length };
  }

  revokeKey(key: string): boolean {
    const user = this.userKeys.get(key);
    if (!user) return false;
    user.revoked = true;
    return true;
  }

  /** Changes a seeded package as a person would in Metrc's web app (hold, recall, lab result, finished-good flag, Retail Item IDs). */
  updatePackage(label: string, change: { isOnHold?: boolean | undefined; isOnRecall?: boolean | undefined; labTestingState?: string | undefined; isFinishedGood?: boolean | undefined; retailIdCount?: number | undefined; finished?: boolean | undefined }): PackageRecord {
    const found = this.packages.get(label.toUpperCase());
    if (!found) throw stepRefused(404, `Package ${label} does not exist.`);
    if (change.isOnHold !== undefined) found.isOnHold = change.isOnHold;
    if (change.isOnRecall !== undefined) found.isOnRecall = change.isOnRecall;
    if (change.labTestingState !== undefined) found.labTestingState = change.labTestingState;
    if (change.isFinishedGood !== undefined) found.isFinishedGood = change.isFinishedGood;
    if (change.retailIdCount !== undefined) found.qrCount = change.retailIdCount;
    if (change.finished !== undefined) found.finished = change.finished;
    found.lastModifiedMs = this.now();
    return found;
  }

  // ---- lookups ----

  facility(license: string): Facility | undefined {
    return this.facilities.get(license);
  }

  facilityName(license: string): string {
    return this.facilities.get(license)?.name ?? license;
  }

  transferTypes(license: string): readonly TransferTypeSeed[] {
    return this.facilities.get(license)?.transferTypes ?? [];
  }

  /** A package held by the facility; any other package (unknown, elsewhere) is Metrc's 401. */
  packageAt(license: string, labelOrId: string): PackageRecord {
    const found = /^\d+$/.test(labelOrId) ? [...this.packages.values()].find((p) => String(p.id) === labelOrId) : this.packages.get(labelOrId.toUpperCase());
    if (!found || found.holder !== license) throw unauthorized();
    return found;
  }

  deliveryById(id: number): { transfer: Transfer; delivery: Delivery } | undefined {
    for (const transfer of this.transfers.values()) {
      const delivery = transfer.deliveries.find((d) => d.id === id);
      if (delivery) return { transfer, delivery };
    }
    return undefined;
  }

  templateDeliveryById(id: number): { template: Template; delivery: TemplateDelivery } | undefined {
    for (const template of this.templates.values()) {
      if (template.archived) continue;
      const delivery = template.deliveries.find((d) => d.id === id);
      if (delivery) return { template, delivery };
    }
    return undefined;
  }

  activePackages(license: string): PackageRecord[] {
    return [...this.packages.values()].filter((p) => p.holder === license && !p.finished && p.transitDeliveryId === undefined);
  }

  /** Packages on this facility's outgoing deliveries: shipped and not accepted, or rejected and not yet taken back. */
  inTransitPackages(license: string): PackageRecord[] {
    return [...this.packages.values()].filter((p) => {
      if (p.transitDeliveryId === undefined) return false;
      return this.deliveryById(p.transitDeliveryId)?.transfer.shipperLicense === license;
    });
  }

  outgoing(license: string): Transfer[] {
    return [...this.transfers.values()].filter((t) => t.shipperLicense === license && !t.external);
  }

  incoming(license: string): { transfer: Transfer; delivery: Delivery }[] {
    return [...this.transfers.values()].flatMap((transfer) => transfer.deliveries.filter((d) => d.recipientLicense === license).map((delivery) => ({ transfer, delivery })));
  }

  rejected(license: string): { transfer: Transfer; delivery: Delivery }[] {
    return [...this.transfers.values()]
      .filter((t) => t.shipperLicense === license)
      .flatMap((transfer) => transfer.deliveries.filter((d) => d.packages.some((p) => p.state === 'Rejected' || p.state === 'Returned')).map((delivery) => ({ transfer, delivery })));
  }

  // ---- templates ----

  #checkPackage(problems: RowProblems, row: number, license: string, label: string, recipient: Facility | undefined): PackageRecord | undefined {
    const found = this.packages.get(label.toUpperCase());
    if (!found || found.holder !== license) {
      problems.add(row, `Package ${label} does not exist in the current Facility.`);
      return undefined;
    }
    if (found.finished) problems.add(row, `Package ${label} is not active.`);
    else if (found.isOnHold) problems.add(row, `Package ${label} is on hold and cannot be transferred.`);
    else if (found.isOnRecall) problems.add(row, `Package ${label} is on recall and cannot be transferred.`);
    else if (found.transitDeliveryId !== undefined) {
      const manifest = this.deliveryById(found.transitDeliveryId)?.transfer.manifestNumber ?? '';
      problems.add(row, `Package ${label} is already in transit on manifest ${manifest}.`);
    } else if (found.quantity <= 0) problems.add(row, `Package ${label} has no quantity to transfer.`);
    if (recipient?.flags['CanOnlyReceiveFinishedGoods'] && !found.isFinishedGood) {
      problems.add(row, `Package ${label} is not a Finished Good; facility ${recipient.licenseNumber} can only receive Finished Goods.`);
    }
    return found;
  }

  #checkTime(problems: RowProblems, row: number, path: string, value: string | null | undefined): number | undefined {
    if (!present(value)) return undefined;
    const at = parseRequestTime(value, this.#config().timeZone);
    if (at === undefined) problems.add(row, `Error converting value ${JSON.stringify(value)} to type 'DateTime'. Path '[${row}].${path}'.`);
    return at;
  }

  #checkTransporters(problems: RowProblems, row: number, at: string, transporters: readonly TransporterInput[], type: TransferTypeSeed | undefined): void {
    if (transporters.length === 0) problems.add(row, `${at}: at least one transporter is required.`);
    transporters.forEach((leg, i) => {
      const path = `${at}.Transporters[${i}]`;
      if (!present(leg.TransporterFacilityLicenseNumber)) problems.add(row, `The ${path}.TransporterFacilityLicenseNumber field is required.`);
      else if (!this.facilities.has(leg.TransporterFacilityLicenseNumber)) problems.add(row, `Transporter Facility license number ${leg.TransporterFacilityLicenseNumber} is not valid.`);
      if (!present(leg.DriverName)) problems.add(row, `The ${path}.DriverName field is required.`);
      if (!present(leg.DriverLicenseNumber)) problems.add(row, `The ${path}.DriverLicenseNumber field is required.`);
      if (type?.RequiresVehicleRegistrationNumber && !present(leg.VehicleRegistrationNumber)) {
        problems.add(row, `The ${path}.VehicleRegistrationNumber field is required for transfer type ${type.Name}.`);
      }
      this.#checkTime(problems, row, `${path}.EstimatedDepartureDateTime`, leg.EstimatedDepartureDateTime);
      this.#checkTime(problems, row, `${path}.EstimatedArrivalDateTime`, leg.EstimatedArrivalDateTime);
    });
  }

  #checkDestination(problems: RowProblems, row: number, index: number, license: string, destination: DestinationInput, labels: Set<string>): void {
    const at = `Destinations[${index}]`;
    const recipient = this.facilities.get(destination.RecipientLicenseNumber);
    if (!recipient) problems.add(row, `Recipient Facility license number ${destination.RecipientLicenseNumber} is not valid.`);
    else if (recipient.licenseNumber === license) problems.add(row, `${at}: a Facility cannot transfer to itself.`);
    const type = this.transferTypes(license).find((t) => t.Name === destination.TransferTypeName && t.ForLicensedShipments);
    if (!type) problems.add(row, `Transfer Type ${destination.TransferTypeName} is not valid for licensed shipments from the current Facility.`);
    if (type?.RequiresInvoiceNumber && !present(destination.InvoiceNumber)) problems.add(row, `The ${at}.InvoiceNumber field is required for transfer type ${type.Name}.`);
    if (!present(destination.PlannedRoute)) problems.add(row, `The ${at}.PlannedRoute field is required.`);
    const departure = this.#checkTime(problems, row, `${at}.EstimatedDepartureDateTime`, destination.EstimatedDepartureDateTime);
    const arrival = this.#checkTime(problems, row, `${at}.EstimatedArrivalDateTime`, destination.EstimatedArrivalDateTime);
    if (departure !== undefined && arrival !== undefined && arrival < departure) problems.add(row, `${at}: the estimated arrival cannot be before the estimated departure.`);
    this.#checkTransporters(problems, row, at, destination.Transporters, type);
    if (destination.Packages.length === 0) problems.add(row, `${at}: at least one package is required.`);
    destination.Packages.forEach((line, i) => {
      const label = line.PackageLabel.toUpperCase();
      if (labels.has(label)) problems.add(row, `Package ${line.PackageLabel} is listed more than once.`);
      labels.add(label);
      this.#checkPackage(problems, row, license, line.PackageLabel, recipient);
      const path = `${at}.Packages[${i}]`;
      if (type && isPriced(type) && (line.WholesalePrice === null || line.WholesalePrice === undefined)) problems.add(row, `The ${path}.WholesalePrice field is required for transfer type ${type.Name}.`);
      if (line.WholesalePrice !== null && line.WholesalePrice !== undefined && line.WholesalePrice < 0) problems.add(row, `${path}.WholesalePrice cannot be negative.`);
      if (type?.RequiresPackagesGrossWeight && (line.GrossWeight === null || line.GrossWeight === undefined || !present(line.GrossUnitOfWeightName))) {
        problems.add(row, `${path}: GrossWeight and GrossUnitOfWeightName are required for transfer type ${type.Name}.`);
      }
      if (present(line.GrossUnitOfWeightName) && !UNITS_OF_MEASURE.some((u) => u.Name === line.GrossUnitOfWeightName && u.QuantityType === 'WeightBased')) {
        problems.add(row, `Unit of weight ${line.GrossUnitOfWeightName} is not valid.`);
      }
    });
  }

  #templateDeliveries(destinations: readonly (DestinationInput & { TransferDestinationId?: number | null | undefined })[], previous: readonly TemplateDelivery[] = []): TemplateDelivery[] {
    return destinations.map((destination) => {
      const kept = previous.find((d) => d.id === destination.TransferDestinationId);
      return {
        id: kept?.id ?? this.#next('templateDelivery'),
        recipientLicense: destination.RecipientLicenseNumber,
        invoiceNumber: destination.InvoiceNumber ?? null,
        transferTypeName: destination.TransferTypeName,
        plannedRoute: destination.PlannedRoute ?? null,
        estimatedDeparture: destination.EstimatedDepartureDateTime,
        estimatedArrival: destination.EstimatedArrivalDateTime,
        transporters: destination.Transporters,
        packages: destination.Packages.map((line) => ({
          label: line.PackageLabel.toUpperCase(),
          wholesalePrice: line.WholesalePrice ?? null,
          grossWeight: line.GrossWeight ?? null,
          grossUnitOfWeightName: line.GrossUnitOfWeightName ?? null,
        })),
      };
    });
  }

  #templateHeader(row: TemplateInput | TemplateUpdateInput): Template['header'] {
    return {
      TransporterFacilityLicenseNumber: row.TransporterFacilityLicenseNumber,
      DriverOccupationalLicenseNumber: row.DriverOccupationalLicenseNumber,
      DriverName: row.DriverName,
      DriverLicenseNumber: row.DriverLicenseNumber,
      PhoneNumberForQuestions: row.PhoneNumberForQuestions,
      VehicleMake: row.VehicleMake,
      VehicleModel: row.VehicleModel,
      VehicleLicensePlateNumber: row.VehicleLicensePlateNumber,
    };
  }

  #checkTemplateRow(problems: RowProblems, row: number, license: string, input: TemplateInput): void {
    if (!present(input.Name)) problems.add(row, 'The Name field is required.');
    if (input.Destinations.length === 0) problems.add(row, 'At least one destination is required.');
    const labels = new Set<string>();
    input.Destinations.forEach((destination, index) => {
      this.#checkDestination(problems, row, index, license, destination, labels);
    });
  }

  createTemplates(license: string, user: UserKey, rows: readonly TemplateInput[]): number[] {
    const problems = new RowProblems();
    rows.forEach((row, i) => {
      this.#checkTemplateRow(problems, i, license, row);
    });
    problems.throwIfAny();
    const now = this.now();
    return rows.map((row) => {
      const id = this.#next('template');
      this.templates.set(id, {
        id,
        licenseNumber: license,
        name: row.Name ?? '',
        header: this.#templateHeader(row),
        deliveries: this.#templateDeliveries(row.Destinations),
        archived: false,
        createdMs: now,
        createdBy: user.userName,
        lastModifiedMs: now,
      });
      return id;
    });
  }

  updateTemplates(license: string, rows: readonly TemplateUpdateInput[]): void {
    const problems = new RowProblems();
    rows.forEach((row, i) => {
      const template = this.templates.get(row.TransferTemplateId);
      if (!template || template.archived || template.licenseNumber !== license) {
        problems.add(i, `Transfer Template ${row.TransferTemplateId} does not exist in the current Facility.`);
        return;
      }
      row.Destinations.forEach((destination, index) => {
        if (destination.TransferDestinationId !== null && destination.TransferDestinationId !== undefined && destination.TransferDestinationId !== 0 && !template.deliveries.some((d) => d.id === destination.TransferDestinationId)) {
          problems.add(i, `Destinations[${index}]: Transfer Destination ${destination.TransferDestinationId} does not belong to Transfer Template ${row.TransferTemplateId}.`);
        }
      });
      this.#checkTemplateRow(problems, i, license, row);
    });
    problems.throwIfAny();
    const now = this.now();
    for (const row of rows) {
      const template = this.templates.get(row.TransferTemplateId);
      if (!template) continue;
      template.name = row.Name ?? '';
      template.header = this.#templateHeader(row);
      template.deliveries = this.#templateDeliveries(row.Destinations, template.deliveries);
      template.lastModifiedMs = now;
    }
  }

  archiveTemplate(license: string, id: number): void {
    const template = this.templates.get(id);
    if (!template || template.archived || template.licenseNumber !== license) throw unauthorized();
    template.archived = true;
    template.lastModifiedMs = this.now();
  }

  activeTemplates(license: string): Template[] {
    return [...this.templates.values()].filter((t) => t.licenseNumber === license && !t.archived);
  }

  // ---- the human steps (Metrc's web app) ----

  /** NY rules by date for one package going from one facility to another; each problem names the package. */
  #nyRuleProblems(shipper: Facility, recipient: Facility, pkg: PackageRecord): string[] {
    const config = this.#config();
    const today = localDate(this.now(), config.timeZone);
    const problems: string[] = [];
    const retailIdsOnEveryUnit = pkg.qrCount >= (countBased(pkg.unitOfMeasure) ? Math.ceil(pkg.quantity) : 1) && pkg.qrCount > 0;
    let retailIdsReported = false;
    const ib11 = config.rules.finishedGoodsToDispensary;
    if (ib11 && today >= ib11.effective && shipper.role === 'distributor' && recipient.role === 'dispensary') {
      if (!pkg.isFinishedGood) problems.push(`NY_IB_0011: Package ${pkg.label} must be flagged as a Finished Good to go from a distributor to a dispensary.`);
      if (!retailIdsOnEveryUnit) {
        problems.push(`NY_IB_0011: Package ${pkg.label} must carry Retail Item IDs on every unit (it has ${pkg.qrCount}).`);
        retailIdsReported = true;
      }
      if (pkg.labTestingState !== 'TestPassed' && pkg.labTestingState !== 'RetestPassed') {
        problems.push(`NY_IB_0011: Package ${pkg.label} has lab testing state ${pkg.labTestingState}; TestPassed or RetestPassed is required.`);
      }
    }
    for (const rule of config.rules.retailIds) {
      if (!retailIdsReported && today >= rule.effective && shipper.role === rule.from && recipient.role === rule.to && !retailIdsOnEveryUnit) {
        problems.push(`Package ${pkg.label} must carry Retail Item IDs on every unit to go from a ${rule.from} to a ${rule.to} (it has ${pkg.qrCount}).`);
        retailIdsReported = true;
      }
    }
    return problems;
  }

  /** A person opens the template in Metrc's web app and registers it: the transfer and its manifest number come to be. */
  register(templateId: number): Transfer {
    const template = this.templates.get(templateId);
    if (!template || template.archived) throw stepRefused(404, `Transfer Template ${templateId} does not exist.`);
    const shipper = this.facilities.get(template.licenseNumber);
    if (!shipper) throw stepRefused(404, `Facility ${template.licenseNumber} does not exist.`);
    const problems: string[] = [];
    for (const delivery of template.deliveries) {
      const recipient = this.facilities.get(delivery.recipientLicense);
      if (!recipient) {
        problems.push(`Recipient Facility license number ${delivery.recipientLicense} is not valid.`);
        continue;
      }
      for (const line of delivery.packages) {
        const rowProblems = new RowProblems();
        const pkg = this.#checkPackage(rowProblems, 0, shipper.licenseNumber, line.label, recipient);
        try {
          rowProblems.throwIfAny();
        } catch (failure) {
          if (failure instanceof MetrcFailure && Array.isArray(failure.body)) problems.push(...(failure.body as { message: string }[]).map((p) => p.message));
        }
        if (pkg) problems.push(...this.#nyRuleProblems(shipper, recipient, pkg));
      }
    }
    if (problems.length) throw stepRefused(400, 'The transfer cannot be registered.', problems);
    const config = this.#config();
    const now = this.now();
    const transferId = this.#next('transfer');
    const transfer: Transfer = {
      id: transferId,
      manifestNumber: String(this.#next('manifest')).padStart(10, '0'),
      shipperLicense: shipper.licenseNumber,
      shipperName: shipper.name,
      name: config.registration.keepTemplateName ? template.name : null,
      originatingTemplateId: config.registration.fillOriginatingTemplateId ? template.id : null,
      external: false,
      createdMs: now,
      createdBy: template.createdBy,
      lastModifiedMs: now,
      voided: false,
      deliveries: [],
    };
    transfer.deliveries = template.deliveries.map((leg) => {
      const deliveryId = this.#next('delivery');
      return {
        id: deliveryId,
        transferId,
        recipientLicense: leg.recipientLicense,
        transferTypeName: leg.transferTypeName,
        invoiceNumber: leg.invoiceNumber,
        plannedRoute: leg.plannedRoute,
        estimatedDeparture: leg.estimatedDeparture,
        estimatedArrival: leg.estimatedArrival,
        transporters: leg.transporters,
        packages: leg.packages.map((line) => this.#ship(line, deliveryId, now)),
        actualDepartureMs: null,
        actualArrivalMs: null,
        receivedMs: null,
        rejectedPackagesReturned: false,
      };
    });
    this.transfers.set(transferId, transfer);
    return transfer;
  }

  #ship(line: LegPackage, deliveryId: number, now: number): DeliveryPackage {
    const pkg = this.packages.get(line.label);
    if (!pkg) throw new Error(`package ${line.label} vanished between its check and its shipment`);
    pkg.transitDeliveryId = deliveryId;
    pkg.lastModifiedMs = now;
    return {
      rowId: this.#next('deliveryPackage'),
      packageId: pkg.id,
      label: pkg.label,
      shippedQuantity: pkg.quantity,
      shippedUnit: pkg.unitOfMeasure,
      state: 'Shipped',
      receivedQuantity: null,
      wholesalePrice: line.wholesalePrice,
      grossWeight: line.grossWeight,
      grossUnitOfWeightName: line.grossUnitOfWeightName,
      rejectReason: null,
    };
  }

  #transfer(id: number): Transfer {
    const transfer = this.transfers.get(id);
    if (!transfer) throw stepRefused(404, `Transfer ${id} does not exist.`);
    return transfer;
  }

  #delivery(id: number): { transfer: Transfer; delivery: Delivery } {
    const found = this.deliveryById(id);
    if (!found) throw stepRefused(404, `Delivery ${id} does not exist.`);
    return found;
  }

  depart(transferId: number, deliveryId?: number, at?: string): Transfer {
    const transfer = this.#transfer(transferId);
    if (transfer.voided) throw stepRefused(409, `Transfer ${transfer.manifestNumber} is voided.`);
    const legs = transfer.deliveries.filter((d) => deliveryId === undefined || d.id === deliveryId);
    if (legs.length === 0) throw stepRefused(404, `Delivery ${String(deliveryId)} is not part of transfer ${transfer.manifestNumber}.`);
    if (legs.some((d) => d.actualDepartureMs !== null)) throw stepRefused(409, `Transfer ${transfer.manifestNumber} has already departed.`);
    const now = this.now();
    for (const leg of legs) leg.actualDepartureMs = at === undefined ? now : Date.parse(at);
    transfer.lastModifiedMs = now;
    return transfer;
  }

  arrive(deliveryId: number, at?: string): Transfer {
    const { transfer, delivery } = this.#delivery(deliveryId);
    if (transfer.voided) throw stepRefused(409, `Transfer ${transfer.manifestNumber} is voided.`);
    if (delivery.actualDepartureMs === null) throw stepRefused(409, `Delivery ${deliveryId} has not departed.`);
    if (delivery.actualArrivalMs !== null) throw stepRefused(409, `Delivery ${deliveryId} has already arrived.`);
    const now = this.now();
    delivery.actualArrivalMs = at === undefined ? now : Date.parse(at);
    transfer.lastModifiedMs = now;
    return transfer;
  }

  /** The receiver accepts, adjusts or rejects every package of the delivery, under NY_IB_0010 once it is in effect. */
  receive(deliveryId: number, lines: readonly ReceiptLine[]): Transfer {
    const { transfer, delivery } = this.#delivery(deliveryId);
    if (transfer.voided) throw stepRefused(409, `Transfer ${transfer.manifestNumber} is voided.`);
    if (delivery.receivedMs !== null) throw stepRefused(409, `Delivery ${deliveryId} has already been received.`);
    const config = this.#config();
    const variance = config.rules.variance;
    const varianceInForce = variance !== null && localDate(this.now(), config.timeZone) >= variance.effective;
    const problems: string[] = [];
    const byLabel = new Map(lines.map((line) => [line.label.toUpperCase(), line]));
    if (byLabel.size !== lines.length) problems.push('A package is listed more than once.');
    for (const label of byLabel.keys()) {
      if (!delivery.packages.some((p) => p.label === label)) problems.push(`Package ${label} is not on this delivery.`);
    }
    for (const shipped of delivery.packages) {
      const line = byLabel.get(shipped.label);
      if (!line) {
        problems.push(`Package ${shipped.label} has no decision: accept or reject it.`);
        continue;
      }
      if (line.action === 'reject') {
        if (!present(line.rejectReason)) problems.push(`Package ${shipped.label}: a reason is required to reject it.`);
        continue;
      }
      const received = line.receivedQuantity ?? shipped.shippedQuantity;
      if (received < 0) problems.push(`Package ${shipped.label}: the received quantity cannot be negative.`);
      if (!varianceInForce || shipped.shippedQuantity === 0) continue;
      const percent = (Math.abs(received - shipped.shippedQuantity) / shipped.shippedQuantity) * 100;
      const limit = variance.confirmUpToPercent;
      const words = `shipped ${shipped.shippedQuantity} ${shipped.shippedUnit}, received ${received} (${percent.toFixed(2)}% variance)`;
      if (percent > limit) problems.push(`NY_IB_0010: Package ${shipped.label} ${words}: above ${limit}% it cannot be accepted; reject it.`);
      else if (percent > 0 && line.confirmVariance !== true) problems.push(`NY_IB_0010: Package ${shipped.label} ${words}: a variance up to ${limit}% must be explicitly confirmed.`);
    }
    if (problems.length) throw stepRefused(400, 'The delivery cannot be received.', problems);
    const now = this.now();
    const recipient = this.facilities.get(delivery.recipientLicense);
    for (const shipped of delivery.packages) {
      const line = byLabel.get(shipped.label);
      const pkg = this.packages.get(shipped.label);
      if (!line || !pkg) continue;
      pkg.lastModifiedMs = now;
      if (line.action === 'reject') {
        shipped.state = 'Rejected';
        shipped.rejectReason = line.rejectReason ?? null;
        continue;
      }
      shipped.state = 'Accepted';
      shipped.receivedQuantity = line.receivedQuantity ?? shipped.shippedQuantity;
      pkg.holder = delivery.recipientLicense;
      pkg.quantity = shipped.receivedQuantity;
      pkg.transitDeliveryId = undefined;
      pkg.received = { manifestNumber: transfer.manifestNumber, fromLicense: transfer.shipperLicense, fromName: transfer.shipperName, atMs: now };
      if (recipient?.flags['CanOnlyReceiveFinishedGoods']) pkg.isFinishedGood = true;
    }
    delivery.receivedMs = now;
    transfer.lastModifiedMs = now;
    return transfer;
  }

  void(transferId: number): Transfer {
    const transfer = this.#transfer(transferId);
    if (transfer.voided) throw stepRefused(409, `Transfer ${transfer.manifestNumber} is already voided.`);
    if (transfer.deliveries.some((d) => d.receivedMs !== null)) throw stepRefused(409, `Transfer ${transfer.manifestNumber} has a received delivery and cannot be voided.`);
    const now = this.now();
    for (const delivery of transfer.deliveries) {
      for (const line of delivery.packages) this.#release(line.label, now);
    }
    transfer.voided = true;
    transfer.lastModifiedMs = now;
    return transfer;
  }

  #release(label: string, now: number): void {
    const pkg = this.packages.get(label);
    if (!pkg) return;
    pkg.transitDeliveryId = undefined;
    pkg.lastModifiedMs = now;
  }

  /** A person changes a registered transfer in the web app (recipient, route, times, packages and quantities): what drift detection must notice. */
  edit(change: TransferEdit): Transfer {
    const transfer = this.#transfer(change.transferId);
    if (transfer.voided) throw stepRefused(409, `Transfer ${transfer.manifestNumber} is voided.`);
    const delivery = change.deliveryId === undefined ? transfer.deliveries[0] : transfer.deliveries.find((d) => d.id === change.deliveryId);
    if (!delivery) throw stepRefused(404, `Delivery ${String(change.deliveryId)} is not part of transfer ${transfer.manifestNumber}.`);
    if (delivery.receivedMs !== null) throw stepRefused(409, `Delivery ${delivery.id} has been received and cannot be edited.`);
    const problems: string[] = [];
    const recipient = this.facilities.get(change.recipientLicenseNumber ?? delivery.recipientLicense);
    if (!recipient) problems.push(`Recipient Facility license number ${String(change.recipientLicenseNumber)} is not valid.`);
    else if (recipient.licenseNumber === transfer.shipperLicense) problems.push('A Facility cannot transfer to itself.');
    for (const [field, value] of [['estimatedDepartureDateTime', change.estimatedDepartureDateTime], ['estimatedArrivalDateTime', change.estimatedArrivalDateTime]] as const) {
      if (value !== undefined && parseRequestTime(value, this.#config().timeZone) === undefined) problems.push(`${field} is not a valid date-time.`);
    }
    const staying = new Set(delivery.packages.map((p) => p.label));
    const wanted = change.packages?.map((p) => ({ ...p, label: p.label.toUpperCase() }));
    for (const line of wanted ?? []) {
      const pkg = this.packages.get(line.label);
      if (staying.has(line.label)) {
        if (line.quantity !== undefined && pkg && (line.quantity <= 0 || line.quantity > pkg.quantity)) problems.push(`Package ${line.label}: the quantity must be more than 0 and at most ${pkg.quantity}.`);
        continue;
      }
      const rowProblems = new RowProblems();
      const found = this.#checkPackage(rowProblems, 0, transfer.shipperLicense, line.label, recipient);
      try {
        rowProblems.throwIfAny();
      } catch (failure) {
        if (failure instanceof MetrcFailure && Array.isArray(failure.body)) problems.push(...(failure.body as { message: string }[]).map((p) => p.message));
      }
      if (found && line.quantity !== undefined && (line.quantity <= 0 || line.quantity > found.quantity)) problems.push(`Package ${line.label}: the quantity must be more than 0 and at most ${found.quantity}.`);
    }
    if (wanted && new Set(wanted.map((p) => p.label)).size !== wanted.length) problems.push('A package is listed more than once.');
    if (wanted?.length === 0) problems.push('A delivery needs at least one package.');
    if (problems.length) throw stepRefused(400, 'The transfer cannot be changed.', problems);

    const now = this.now();
    if (recipient) delivery.recipientLicense = recipient.licenseNumber;
    if (change.plannedRoute !== undefined) delivery.plannedRoute = change.plannedRoute;
    if (change.estimatedDepartureDateTime !== undefined) delivery.estimatedDeparture = change.estimatedDepartureDateTime;
    if (change.estimatedArrivalDateTime !== undefined) delivery.estimatedArrival = change.estimatedArrivalDateTime;
    if (wanted) {
      const keep = new Set(wanted.map((p) => p.label));
      for (const line of delivery.packages) if (!keep.has(line.label)) this.#release(line.label, now);
      delivery.packages = wanted.map((line) => {
        const existing = delivery.packages.find((p) => p.label === line.label);
        const shipped = existing ?? this.#ship({ label: line.label, wholesalePrice: null, grossWeight: null, grossUnitOfWeightName: null }, delivery.id, now);
        if (line.quantity !== undefined) shipped.shippedQuantity = line.quantity;
        return shipped;
      });
    }
    transfer.lastModifiedMs = now;
    return transfer;
  }

  /** The shipper takes back what the receiver rejected: the packages are active at the shipper again. */
  acceptRejected(deliveryId: number): Transfer {
    const { transfer, delivery } = this.#delivery(deliveryId);
    const rejected = delivery.packages.filter((p) => p.state === 'Rejected');
    if (rejected.length === 0) throw stepRefused(409, `Delivery ${deliveryId} has no rejected packages to accept back.`);
    const now = this.now();
    for (const line of rejected) {
      line.state = 'Returned';
      this.#release(line.label, now);
    }
    delivery.rejectedPackagesReturned = true;
    transfer.lastModifiedMs = now;
    return transfer;
  }

  // ---- external incoming ----

  #checkExternalRow(problems: RowProblems, row: number, license: string, input: ExternalInput): void {
    const facility = this.facilities.get(license);
    if (!facility?.flags['CanTransferFromExternalFacilities']) problems.add(row, 'The current Facility cannot receive transfers from external facilities.');
    if (input.Destinations.length === 0) problems.add(row, 'At least one destination is required.');
    input.Destinations.forEach((destination: ExternalDestinationInput, index) => {
      const at = `Destinations[${index}]`;
      if (destination.RecipientLicenseNumber !== license) problems.add(row, `${at}: the recipient of an external incoming transfer must be the current Facility (${license}).`);
      const type = this.transferTypes(license).find((t) => t.Name === destination.TransferTypeName && t.ForExternalIncomingShipments);
      if (!type) problems.add(row, `Transfer Type ${destination.TransferTypeName} is not valid for external incoming shipments to the current Facility.`);
      this.#checkTime(problems, row, `${at}.EstimatedDepartureDateTime`, destination.EstimatedDepartureDateTime);
      this.#checkTime(problems, row, `${at}.EstimatedArrivalDateTime`, destination.EstimatedArrivalDateTime);
      this.#checkTransporters(problems, row, at, destination.Transporters, type);
      if (destination.Packages.length === 0) problems.add(row, `${at}: at least one package is required.`);
      destination.Packages.forEach((line, i) => {
        if (!UNITS_OF_MEASURE.some((u) => u.Name === line.UnitOfMeasureName)) problems.add(row, `${at}.Packages[${i}]: unit of measure ${line.UnitOfMeasureName} is not valid.`);
        if (line.Quantity <= 0) problems.add(row, `${at}.Packages[${i}]: the quantity must be more than 0.`);
      });
    });
  }

  #externalDeliveries(transferId: number, input: ExternalInput, now: number): Delivery[] {
    return input.Destinations.map((destination) => {
      const deliveryId = this.#next('delivery');
      return {
        id: deliveryId,
        transferId,
        recipientLicense: destination.RecipientLicenseNumber,
        transferTypeName: destination.TransferTypeName,
        invoiceNumber: destination.InvoiceNumber ?? null,
        plannedRoute: destination.PlannedRoute ?? null,
        estimatedDeparture: destination.EstimatedDepartureDateTime,
        estimatedArrival: destination.EstimatedArrivalDateTime,
        transporters: destination.Transporters,
        packages: destination.Packages.map((line) => {
          // [inferred] Packages of an external shipment get their labels when the plan is created.
          const label = `1A4EXT${String(this.#next('externalLabel')).padStart(18, '0')}`;
          this.packages.set(label, {
            id: this.#next('package'),
            label,
            holder: '',
            quantity: line.Quantity,
            originalQuantity: line.Quantity,
            unitOfMeasure: line.UnitOfMeasureName,
            itemId: this.#next('item'),
            itemName: line.ItemName,
            itemCategory: 'External',
            isFinishedGood: line.IsFinishedGood ?? false,
            labTestingState: 'NotSubmitted',
            isOnHold: false,
            isOnRecall: false,
            qrCount: 0,
            isTradeSample: false,
            finished: false,
            packagedDate: line.PackagedDate.slice(0, 10),
            productionBatchNumber: null,
            externalId: line.ExternalId ?? null,
            lastModifiedMs: now,
            transitDeliveryId: deliveryId,
          });
          return this.#ship({ label, wholesalePrice: line.WholesalePrice ?? null, grossWeight: line.GrossWeight ?? null, grossUnitOfWeightName: line.GrossUnitOfWeightName ?? null }, deliveryId, now);
        }),
        actualDepartureMs: null,
        actualArrivalMs: null,
        receivedMs: null,
        rejectedPackagesReturned: false,
      };
    });
  }

  createExternal(license: string, user: UserKey, rows: readonly ExternalInput[]): number[] {
    const problems = new RowProblems();
    rows.forEach((row, i) => {
      this.#checkExternalRow(problems, i, license, row);
    });
    problems.throwIfAny();
    const now = this.now();
    return rows.map((row) => {
      const id = this.#next('transfer');
      const transfer: Transfer = {
        id,
        manifestNumber: String(this.#next('manifest')).padStart(10, '0'),
        shipperLicense: row.ShipperLicenseNumber,
        shipperName: row.ShipperName,
        name: null,
        originatingTemplateId: null,
        external: true,
        createdMs: now,
        createdBy: user.userName,
        lastModifiedMs: now,
        voided: false,
        deliveries: [],
      };
      transfer.deliveries = this.#externalDeliveries(id, row, now);
      this.transfers.set(id, transfer);
      return id;
    });
  }

  #externalAt(license: string, id: number): Transfer | undefined {
    const transfer = this.transfers.get(id);
    return transfer?.external && !transfer.voided && transfer.deliveries.every((d) => d.recipientLicense === license) ? transfer : undefined;
  }

  updateExternal(license: string, user: UserKey, rows: readonly ExternalUpdateInput[]): void {
    const problems = new RowProblems();
    rows.forEach((row, i) => {
      const transfer = this.#externalAt(license, row.TransferId);
      if (!transfer) problems.add(i, `Transfer ${row.TransferId} does not exist in the current Facility.`);
      else if (transfer.deliveries.some((d) => d.receivedMs !== null)) problems.add(i, `Transfer ${row.TransferId} has been received and cannot be changed.`);
      this.#checkExternalRow(problems, i, license, row);
    });
    problems.throwIfAny();
    const now = this.now();
    for (const row of rows) {
      const old = this.transfers.get(row.TransferId);
      if (!old) continue;
      for (const delivery of old.deliveries) for (const line of delivery.packages) this.packages.delete(line.label);
      const transfer: Transfer = { ...old, shipperLicense: row.ShipperLicenseNumber, shipperName: row.ShipperName, createdBy: user.userName, lastModifiedMs: now, deliveries: [] };
      transfer.deliveries = this.#externalDeliveries(transfer.id, row, now);
      this.transfers.set(transfer.id, transfer);
    }
  }

  voidExternal(license: string, id: number): void {
    const transfer = this.#externalAt(license, id);
    if (!transfer) throw unauthorized();
    if (transfer.deliveries.some((d) => d.receivedMs !== null)) throw badRequest(`Transfer ${id} has been received and cannot be voided.`);
    const now = this.now();
    for (const delivery of transfer.deliveries) for (const line of delivery.packages) this.packages.delete(line.label);
    transfer.voided = true;
    transfer.lastModifiedMs = now;
  }

  // ---- drivers and vehicles ----

  #addDriver(license: string, input: DriverInput): number {
    const id = this.#next('driver');
    this.drivers.set(id, { id, facilityLicense: license, name: input.Name, employeeId: input.EmployeeId, driversLicenseNumber: input.DriversLicenseNumber, archived: false, lastModifiedMs: this.now() });
    return id;
  }

  #addVehicle(license: string, input: VehicleInput): number {
    const id = this.#next('vehicle');
    this.vehicles.set(id, { id, facilityLicense: license, make: input.Make, model: input.Model, licensePlateNumber: input.LicensePlateNumber, archived: false, lastModifiedMs: this.now() });
    return id;
  }

  createDrivers(license: string, rows: readonly DriverInput[]): number[] {
    return rows.map((row) => this.#addDriver(license, row));
  }

  createVehicles(license: string, rows: readonly VehicleInput[]): number[] {
    return rows.map((row) => this.#addVehicle(license, row));
  }

  driverAt(license: string, id: number): Driver {
    const driver = this.drivers.get(id);
    if (!driver || driver.archived || driver.facilityLicense !== license) throw unauthorized();
    return driver;
  }

  vehicleAt(license: string, id: number): Vehicle {
    const vehicle = this.vehicles.get(id);
    if (!vehicle || vehicle.archived || vehicle.facilityLicense !== license) throw unauthorized();
    return vehicle;
  }

  updateDrivers(license: string, rows: readonly DriverUpdateInput[]): void {
    const problems = new RowProblems();
    rows.forEach((row, i) => {
      const driver = this.drivers.get(row.Id);
      if (!driver || driver.archived || driver.facilityLicense !== license) problems.add(i, `Driver ${row.Id} does not exist in the current Facility.`);
    });
    problems.throwIfAny();
    const now = this.now();
    for (const row of rows) {
      const driver = this.driverAt(license, row.Id);
      driver.name = row.Name;
      driver.employeeId = row.EmployeeId;
      driver.driversLicenseNumber = row.DriversLicenseNumber;
      driver.lastModifiedMs = now;
    }
  }

  updateVehicles(license: string, rows: readonly VehicleUpdateInput[]): void {
    const problems = new RowProblems();
    rows.forEach((row, i) => {
      const vehicle = this.vehicles.get(row.Id);
      if (!vehicle || vehicle.archived || vehicle.facilityLicense !== license) problems.add(i, `Vehicle ${row.Id} does not exist in the current Facility.`);
    });
    problems.throwIfAny();
    const now = this.now();
    for (const row of rows) {
      const vehicle = this.vehicleAt(license, row.Id);
      vehicle.make = row.Make;
      vehicle.model = row.Model;
      vehicle.licensePlateNumber = row.LicensePlateNumber;
      vehicle.lastModifiedMs = now;
    }
  }

  archiveDriver(license: string, id: number): void {
    const driver = this.driverAt(license, id);
    driver.archived = true;
    driver.lastModifiedMs = this.now();
  }

  archiveVehicle(license: string, id: number): void {
    const vehicle = this.vehicleAt(license, id);
    vehicle.archived = true;
    vehicle.lastModifiedMs = this.now();
  }

  // ---- adjustments ----

  adjust(license: string, rows: readonly AdjustInput[]): number[] {
    const problems = new RowProblems();
    const today = localDate(this.now(), this.#config().timeZone);
    const after = new Map<string, number>();
    rows.forEach((row, i) => {
      const pkg = this.packages.get(row.Label.toUpperCase());
      if (!pkg || pkg.holder !== license || pkg.transitDeliveryId !== undefined) {
        problems.add(i, `Package ${row.Label} does not exist in the current Facility.`);
        return;
      }
      const reason = ADJUST_REASONS.find((r) => r.Name === row.AdjustmentReason);
      if (!reason) problems.add(i, `Adjustment reason ${row.AdjustmentReason} is not valid.`);
      else if (reason.RequiresNote && !present(row.ReasonNote)) problems.add(i, `The ReasonNote field is required for adjustment reason ${reason.Name}.`);
      if (row.UnitOfMeasure !== pkg.unitOfMeasure) problems.add(i, `Package ${row.Label} is tracked in ${pkg.unitOfMeasure}; the adjustment must be in the same unit.`);
      if (row.AdjustmentDate > today) problems.add(i, 'The adjustment date cannot be in the future.');
      const quantity = (after.get(pkg.label) ?? pkg.quantity) + row.Quantity;
      if (quantity < 0) problems.add(i, `Package ${row.Label} cannot be adjusted below zero.`);
      after.set(pkg.label, quantity);
    });
    problems.throwIfAny();
    const now = this.now();
    return rows.map((row) => {
      const pkg = this.packages.get(row.Label.toUpperCase());
      if (pkg) {
        pkg.quantity += row.Quantity;
        pkg.lastModifiedMs = now;
      }
      return this.#next('adjustment');
    });
  }
}
