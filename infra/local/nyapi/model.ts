/**
 * The emulator's state and the rules the state system enforces (ny-api.md §3–§4). No HTTP here: every
 * operation checks everything first, then mutates, and answers a value or an error code.
 */
import { randomInt } from 'node:crypto';
import type { EmulatorClock } from './clock.ts';
import type {
  EmployeeInput,
  EmployeeUpdate,
  IntakeInput,
  InvoiceInput,
  ManifestInput,
  ManifestType,
  ManifestUpdate,
  ReceiveInput,
  ShipInput,
  ValidationDetail,
  VehicleInput,
  VehicleUpdate,
} from './requests.ts';
import { validationFailure } from './requests.ts';
import type { EmulatorSeed } from './seed.ts';

export type ErrorCode =
  | 'VALIDATION'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'AUTH_EXPIRED'
  | 'CONSENT_EXPIRED'
  | 'USER_SESSION_REQUIRED'
  | 'FORBIDDEN'
  | 'NOT_RECEIVER'
  | 'NO_ITEMS'
  | 'TOO_MANY_PACKAGES'
  | 'DUPLICATE_ITEM'
  | 'ALREADY_ON_OPEN_MANIFEST'
  | 'ALREADY_SHIPPED'
  | 'NOT_SHIPPED'
  | 'ALREADY_ARRIVED'
  | 'NOT_ARRIVED'
  | 'ALREADY_RECEIVED'
  | 'MANIFEST_RECEIVED'
  | 'ALREADY_VOIDED'
  | 'IDEMPOTENCY_CONFLICT'
  | 'DRIVER_REQUIRED'
  | 'VEHICLE_REQUIRED'
  | 'TRANSPORTER_REQUIRED'
  | 'MISSING_PRICE'
  | 'INVALID_TIMES'
  | 'INVALID_QUANTITY'
  | 'DUPLICATE_STOP_LOCATION'
  | 'INVOICE_VOIDED'
  | 'INVOICE_BUYER_MISMATCH'
  | 'ITEMS_MISSING'
  | 'UNEXPECTED_ITEMS'
  | 'REJECT_REASON_REQUIRED'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR';

export interface ApiError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, details?: unknown): { readonly ok: false; readonly error: ApiError } {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

export const MAX_PACKAGES_PER_MANIFEST = 1000;

export interface User {
  readonly ID: number;
  Username: string;
  Password: string;
  Admin: boolean;
  TransactionID: number;
}

export interface Licensee {
  readonly ID: number;
  readonly LocationLicense: string;
  UBI: string;
  Name: string;
  Address?: string | undefined;
  City?: string | undefined;
  State?: string | undefined;
  Zip?: string | undefined;
  Phone?: string | undefined;
  Type: number;
  Retail: boolean;
  Processor: boolean;
  Producer: boolean;
  Transporter: boolean;
  TransactionID: number;
  readonly users: Map<string, User>;
}

/** A package held by one license; after a receipt the same ID also exists at the receiver. */
export interface InventoryLot {
  readonly ID: string;
  readonly LocationLicense: string;
  ProductName: string;
  UOM: string;
  RemainingAmount: number;
  Strain?: string | undefined;
  InventoryType: number;
  RoomID?: number | undefined;
  TransactionID: number;
}

export interface Employee {
  readonly ID: number;
  readonly LocationLicense: string;
  Name: string;
  Email?: string | undefined;
  BirthDate?: string | undefined;
  HireDate?: string | undefined;
  DriverLicense?: string | undefined;
  StateIssue?: string | undefined;
  ExternalID?: string | undefined;
  Deleted: boolean;
  TransactionID: number;
}

export interface Vehicle {
  readonly ID: number;
  readonly LocationLicense: string;
  Name: string;
  Make?: string | undefined;
  Model?: string | undefined;
  Year?: string | undefined;
  Color?: string | undefined;
  Plate?: string | undefined;
  Vin?: string | undefined;
  ExternalID?: string | undefined;
  Deleted: boolean;
  TransactionID: number;
}

export interface InvoiceLine {
  readonly ID: number;
  readonly InventoryID: string;
  readonly Amount: number;
  readonly Price: number;
  readonly TransactionID: number;
}

export interface Invoice {
  readonly InvoiceID: string;
  readonly LocationLicense: string;
  readonly BuyerLocationLicense: string;
  readonly ExternalID?: string | undefined;
  readonly Lines: readonly InvoiceLine[];
  readonly CreatedOn: string;
  Voided: boolean;
  TransactionID: number;
}

export interface ManifestItem {
  readonly ID: number;
  readonly InventoryID: string;
  readonly Quantity: number;
  readonly Description: string;
  QuantityReceived: number;
  TransactionID: number;
}

export interface ManifestStop {
  readonly ID: number;
  readonly StopNumber: number;
  readonly LocationLicense: string;
  readonly InvoiceID: string;
  ApproximateDeparture: string;
  ApproximateArrival: string;
  ApproximateRoute: string;
  DriverArrived: boolean;
  DriverArrivedTime?: string | undefined;
  readonly Items: readonly ManifestItem[];
}

export interface Manifest {
  readonly ManifestID: string;
  readonly LocationLicense: string;
  readonly Type: ManifestType;
  readonly ExternalID?: string | undefined;
  DriverIDs: number[];
  VehicleID: number;
  ThirdPartyTransporter?: { LicenseNumber: string; Name: string } | undefined;
  readonly Stops: readonly ManifestStop[];
  InTransit: boolean;
  Completed: boolean;
  CompletionDate?: string | undefined;
  Voided: boolean;
  readonly CreatedOn: string;
  UpdatedOn: string;
  TransactionID: number;
}

export interface TransferItem {
  readonly ID: number;
  readonly InventoryID: string;
  readonly Amount: number;
  readonly Description: string;
  /** The package as it left the shipper. */
  readonly Shipped: Readonly<InventoryLot>;
  Received: boolean;
  ReceivedAmount: number;
  ReceivedTime?: string | undefined;
  IsRejected: boolean;
  RejectReason?: string | undefined;
  TransactionID: number;
}

export interface InventoryTransfer {
  readonly ID: number;
  /** The ExternalID of the ship call that created it. */
  readonly ExternalID?: string | undefined;
  readonly ManifestID: string;
  readonly ManifestStopNumber: number;
  readonly OutboundLicense: string;
  readonly InboundLicense: string;
  readonly InvoiceID: string;
  readonly TransferType: ManifestType;
  readonly Items: readonly TransferItem[];
  Received: boolean;
  ReceivedTime?: string | undefined;
  ReceiveExternalID?: string | undefined;
  IsRejected: boolean;
  Voided: boolean;
  TransactionID: number;
  /** [inferred] Set on a transfer its receiver took in from a paper manifest; it then has no state manifest or invoice. */
  readonly PaperManifestNumber?: string | undefined;
  readonly DriverNames?: readonly string[] | undefined;
}

/** Objects and transitions actually created: what a benchmark compares with the hub's count. */
export interface CreatedCounts {
  employee: number;
  vehicle: number;
  invoice: number;
  manifest: number;
  inventoryTransfer: number;
  receipt: number;
  arrival: number;
  void: number;
  intake: number;
}

export interface ShipResult {
  readonly manifest: Manifest;
  readonly transfers: readonly InventoryTransfer[];
  readonly inventory: readonly InventoryLot[];
}

export interface IntakeResult {
  readonly transfer: InventoryTransfer;
  readonly inventory: readonly InventoryLot[];
}

export interface ReceiveResult {
  readonly transfer: InventoryTransfer;
  readonly manifest: Manifest;
  readonly inventory: readonly InventoryLot[];
}

const DEFAULT_INVENTORY_TYPE = 28;

type SequenceName = 'vendor' | 'user' | 'employee' | 'vehicle' | 'line' | 'stop' | 'item' | 'transfer';

function lotKey(license: string, inventoryId: string): string {
  return `${license}|${inventoryId}`;
}

export class NyModel {
  readonly clock: EmulatorClock;
  readonly licensees = new Map<string, Licensee>();
  readonly inventory = new Map<string, InventoryLot>();
  readonly employees = new Map<number, Employee>();
  readonly vehicles = new Map<number, Vehicle>();
  readonly invoices = new Map<string, Invoice>();
  readonly manifests = new Map<string, Manifest>();
  readonly transfers = new Map<number, InventoryTransfer>();
  readonly created: CreatedCounts = {
    employee: 0,
    vehicle: 0,
    invoice: 0,
    manifest: 0,
    inventoryTransfer: 0,
    receipt: 0,
    arrival: 0,
    void: 0,
    intake: 0,
  };
  #transactionId = 0;
  readonly #sequence: Record<SequenceName, number> = { vendor: 0, user: 0, employee: 0, vehicle: 0, line: 0, stop: 0, item: 0, transfer: 0 };

  constructor(clock: EmulatorClock) {
    this.clock = clock;
  }

  get lastTransactionId(): number {
    return this.#transactionId;
  }

  /** One global increasing TransactionID per successful write. */
  #commit(): number {
    this.#transactionId += 1;
    return this.#transactionId;
  }

  /** Numeric IDs: one increasing sequence per kind. */
  #next(sequence: SequenceName): number {
    this.#sequence[sequence] += 1;
    return this.#sequence[sequence];
  }

  /** 16-digit string IDs, random so that IDs never repeat across emulator resets. */
  #sixteenDigits(taken: (id: string) => boolean): string {
    for (;;) {
      const id = `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
      if (!taken(id)) return id;
    }
  }

  seed(seed: EmulatorSeed): { licensees: number; users: number; inventory: number } {
    const transactionId = this.#commit();
    const counts = { licensees: 0, users: 0, inventory: 0 };
    for (const entry of seed.licensees) {
      const existing = this.licensees.get(entry.LocationLicense);
      const licensee: Licensee = {
        ID: existing?.ID ?? this.#next('vendor'),
        LocationLicense: entry.LocationLicense,
        UBI: entry.UBI,
        Name: entry.Name,
        Address: entry.Address ?? existing?.Address,
        City: entry.City ?? existing?.City,
        State: entry.State ?? existing?.State ?? 'NY',
        Zip: entry.Zip ?? existing?.Zip,
        Phone: entry.Phone ?? existing?.Phone,
        Type: entry.Type ?? existing?.Type ?? 0,
        Retail: entry.Retail ?? existing?.Retail ?? false,
        Processor: entry.Processor ?? existing?.Processor ?? false,
        Producer: entry.Producer ?? existing?.Producer ?? false,
        Transporter: entry.Transporter ?? existing?.Transporter ?? false,
        TransactionID: transactionId,
        users: existing?.users ?? new Map<string, User>(),
      };
      this.licensees.set(licensee.LocationLicense, licensee);
      counts.licensees += 1;
      for (const user of entry.users ?? []) {
        const known = licensee.users.get(user.Username);
        licensee.users.set(user.Username, {
          ID: known?.ID ?? this.#next('user'),
          Username: user.Username,
          Password: user.Password,
          Admin: user.Admin ?? known?.Admin ?? false,
          TransactionID: transactionId,
        });
        counts.users += 1;
      }
      for (const item of entry.inventory ?? []) {
        this.inventory.set(lotKey(licensee.LocationLicense, item.ID), {
          ID: item.ID,
          LocationLicense: licensee.LocationLicense,
          ProductName: item.ProductName,
          UOM: item.UOM,
          RemainingAmount: item.RemainingAmount,
          Strain: item.Strain,
          InventoryType: item.InventoryType ?? DEFAULT_INVENTORY_TYPE,
          TransactionID: transactionId,
        });
        counts.inventory += 1;
      }
    }
    return counts;
  }

  // ---- Reads ----

  lot(license: string, inventoryId: string): InventoryLot | undefined {
    return this.inventory.get(lotKey(license, inventoryId));
  }

  inventoryOf(license: string): InventoryLot[] {
    return [...this.inventory.values()].filter((lot) => lot.LocationLicense === license);
  }

  vendorById(id: number): Licensee | undefined {
    return [...this.licensees.values()].find((licensee) => licensee.ID === id);
  }

  /** An object of the path: 404 when unknown, 403 when it belongs to another license. */
  owned<T extends { readonly LocationLicense: string }>(found: T | undefined, license: string, what: string, id: string | number): Outcome<T> {
    if (!found) return fail('NOT_FOUND', `${what} ${id} not found`, { ID: id });
    if (found.LocationLicense !== license) return fail('FORBIDDEN', `${what} ${id} belongs to another license`, { ID: id });
    return ok(found);
  }

  /** Readable by the shipper and by every stop's license. */
  visibleManifest(license: string, manifestId: string): Outcome<Manifest> {
    const manifest = this.manifests.get(manifestId);
    if (!manifest) return fail('NOT_FOUND', `Manifest ${manifestId} not found`, { ManifestID: manifestId });
    if (manifest.LocationLicense !== license && !manifest.Stops.some((stop) => stop.LocationLicense === license)) {
      return fail('FORBIDDEN', `Manifest ${manifestId} belongs to another license`, { ManifestID: manifestId });
    }
    return ok(manifest);
  }

  visibleTransfer(license: string, id: number): Outcome<InventoryTransfer> {
    const transfer = this.transfers.get(id);
    if (!transfer) return fail('NOT_FOUND', `Inventory transfer ${id} not found`, { ID: id });
    if (transfer.OutboundLicense !== license && transfer.InboundLicense !== license) {
      return fail('FORBIDDEN', `Inventory transfer ${id} belongs to another license`, { ID: id });
    }
    return ok(transfer);
  }

  transfersOf(manifestId: string): InventoryTransfer[] {
    return [...this.transfers.values()].filter((transfer) => transfer.ManifestID === manifestId);
  }

  /** Latest TransactionID per object type among what the license can see (`GET /v1/sync`). */
  sync(license: string): Record<string, number> {
    const latest = (objects: Iterable<{ TransactionID: number }>) => Math.max(0, ...[...objects].map((o) => o.TransactionID));
    const own = <T extends { LocationLicense: string }>(objects: Iterable<T>) => [...objects].filter((o) => o.LocationLicense === license);
    const licensee = this.licensees.get(license);
    return {
      Employee: latest(own(this.employees.values())),
      Inventory: latest(this.inventoryOf(license)),
      InventoryTransfer: latest(
        [...this.transfers.values()].filter((t) => t.OutboundLicense === license || t.InboundLicense === license),
      ),
      Invoice: latest([...this.invoices.values()].filter((i) => i.LocationLicense === license || i.BuyerLocationLicense === license)),
      Manifest: latest(own(this.manifests.values())),
      User: latest(licensee ? licensee.users.values() : []),
      Vehicle: latest(own(this.vehicles.values())),
      Vendor: latest(this.licensees.values()),
    };
  }

  // ---- Drivers and vehicles ----

  createEmployee(license: string, input: EmployeeInput): Employee {
    const employee: Employee = { ...input, ID: this.#next('employee'), LocationLicense: license, Deleted: false, TransactionID: this.#commit() };
    this.employees.set(employee.ID, employee);
    this.created.employee += 1;
    return employee;
  }

  updateEmployee(license: string, id: number, input: EmployeeUpdate): Outcome<Employee> {
    const found = this.owned(this.employees.get(id), license, 'Employee', id);
    if (!found.ok) return found;
    Object.assign(found.value, definedOnly(input), { TransactionID: this.#commit() });
    return found;
  }

  deleteEmployee(license: string, id: number): Outcome<Employee> {
    const found = this.owned(this.employees.get(id), license, 'Employee', id);
    if (!found.ok) return found;
    found.value.Deleted = true;
    found.value.TransactionID = this.#commit();
    return found;
  }

  createVehicle(license: string, input: VehicleInput): Vehicle {
    const vehicle: Vehicle = { ...input, ID: this.#next('vehicle'), LocationLicense: license, Deleted: false, TransactionID: this.#commit() };
    this.vehicles.set(vehicle.ID, vehicle);
    this.created.vehicle += 1;
    return vehicle;
  }

  updateVehicle(license: string, id: number, input: VehicleUpdate): Outcome<Vehicle> {
    const found = this.owned(this.vehicles.get(id), license, 'Vehicle', id);
    if (!found.ok) return found;
    Object.assign(found.value, definedOnly(input), { TransactionID: this.#commit() });
    return found;
  }

  deleteVehicle(license: string, id: number): Outcome<Vehicle> {
    const found = this.owned(this.vehicles.get(id), license, 'Vehicle', id);
    if (!found.ok) return found;
    found.value.Deleted = true;
    found.value.TransactionID = this.#commit();
    return found;
  }

  // ---- Invoices ----

  createInvoice(license: string, input: InvoiceInput): Outcome<Invoice> {
    if (input.LocationLicense !== license) {
      return fail('FORBIDDEN', `LocationLicense ${input.LocationLicense} is not the caller's license ${license}`);
    }
    if (input.Inventory.length === 0) return fail('NO_ITEMS', 'An invoice needs at least one inventory line');
    if (!this.licensees.has(input.BuyerLocationLicense)) {
      return fail('NOT_FOUND', `Vendor ${input.BuyerLocationLicense} not found`, { BuyerLocationLicense: input.BuyerLocationLicense });
    }
    const seen = new Set<string>();
    const lines: { InventoryID: string; Amount: number; Price: number }[] = [];
    for (const line of input.Inventory) {
      const lot = this.lot(license, line.InventoryID);
      if (!lot) return fail('NOT_FOUND', `Inventory ${line.InventoryID} is not inventory of ${license}`, { InventoryID: line.InventoryID });
      if (seen.has(line.InventoryID)) return fail('DUPLICATE_ITEM', `Inventory ${line.InventoryID} is listed twice`, { InventoryID: line.InventoryID });
      seen.add(line.InventoryID);
      if (line.Price === undefined || line.Price < 0) {
        return fail('MISSING_PRICE', `Inventory ${line.InventoryID} has no unit price`, { InventoryID: line.InventoryID });
      }
      if (line.Amount > lot.RemainingAmount) {
        return fail('INVALID_QUANTITY', `Inventory ${line.InventoryID}: amount ${line.Amount} exceeds the remaining ${lot.RemainingAmount}`, {
          InventoryID: line.InventoryID,
        });
      }
      lines.push({ InventoryID: line.InventoryID, Amount: line.Amount, Price: line.Price });
    }
    const transactionId = this.#commit();
    const invoice: Invoice = {
      InvoiceID: this.#sixteenDigits((id) => this.invoices.has(id)),
      LocationLicense: license,
      BuyerLocationLicense: input.BuyerLocationLicense,
      ExternalID: input.ExternalID,
      Lines: lines.map((line) => ({ ...line, ID: this.#next('line'), TransactionID: transactionId })),
      CreatedOn: this.clock.iso(),
      Voided: false,
      TransactionID: transactionId,
    };
    this.invoices.set(invoice.InvoiceID, invoice);
    this.created.invoice += 1;
    return ok(invoice);
  }

  voidInvoice(license: string, invoiceId: string): Outcome<Invoice> {
    const found = this.owned(this.invoices.get(invoiceId), license, 'Invoice', invoiceId);
    if (!found.ok) return found;
    const invoice = found.value;
    if (invoice.Voided) return fail('ALREADY_VOIDED', `Invoice ${invoiceId} is already voided`);
    const received = [...this.transfers.values()].some((t) => t.InvoiceID === invoiceId && t.Received && !t.Voided);
    if (received) return fail('MANIFEST_RECEIVED', `Goods of invoice ${invoiceId} have been received`);
    invoice.Voided = true;
    invoice.TransactionID = this.#commit();
    this.created.void += 1;
    return ok(invoice);
  }

  // ---- Manifests ----

  #driversAndVehicle(
    license: string,
    drivers: readonly { ID: number }[] | undefined,
    vehicle: { ID: number } | null | undefined,
  ): Outcome<{ driverIds: number[]; vehicleId: number }> {
    if (!drivers || drivers.length === 0) return fail('DRIVER_REQUIRED', 'A manifest needs at least one driver');
    for (const driver of drivers) {
      const employee = this.employees.get(driver.ID);
      if (!employee || employee.LocationLicense !== license || employee.Deleted) {
        return fail('NOT_FOUND', `Driver ${driver.ID} is not an employee of ${license}`, { DriverID: driver.ID });
      }
    }
    if (!vehicle) return fail('VEHICLE_REQUIRED', 'A manifest needs a vehicle');
    const found = this.vehicles.get(vehicle.ID);
    if (!found || found.LocationLicense !== license || found.Deleted) {
      return fail('NOT_FOUND', `Vehicle ${vehicle.ID} is not a vehicle of ${license}`, { VehicleID: vehicle.ID });
    }
    return ok({ driverIds: drivers.map((driver) => driver.ID), vehicleId: vehicle.ID });
  }

  /** The license's open manifests (neither voided nor completed) holding each package. */
  #openManifestsByPackage(license: string, except?: string): Map<string, string> {
    const holding = new Map<string, string>();
    for (const manifest of this.manifests.values()) {
      if (manifest.LocationLicense !== license || manifest.Voided || manifest.Completed || manifest.ManifestID === except) continue;
      for (const stop of manifest.Stops) for (const item of stop.Items) holding.set(item.InventoryID, manifest.ManifestID);
    }
    return holding;
  }

  createManifest(license: string, input: ManifestInput): Outcome<Manifest> {
    if (input.LocationLicense !== license) {
      return fail('FORBIDDEN', `LocationLicense ${input.LocationLicense} is not the caller's license ${license}`);
    }
    const itemCount = input.Stop.reduce((sum, stop) => sum + (stop.Item?.length ?? 0), 0);
    if (itemCount === 0) return fail('NO_ITEMS', 'A manifest needs at least one item');
    if (itemCount > MAX_PACKAGES_PER_MANIFEST) {
      return fail('TOO_MANY_PACKAGES', `A manifest holds at most ${MAX_PACKAGES_PER_MANIFEST} packages; this one has ${itemCount}`, {
        TotalItemCount: itemCount,
      });
    }
    const stopNumbers = new Set<number>();
    const destinations = new Set<string>();
    for (const [i, stop] of input.Stop.entries()) {
      if (stopNumbers.has(stop.StopNumber)) {
        return { ok: false, error: validationFailure([{ path: `Stop[${i}].StopNumber`, message: `Stop[${i}].StopNumber ${stop.StopNumber} is used by another stop` }]) };
      }
      stopNumbers.add(stop.StopNumber);
      if (destinations.has(stop.LocationLicense)) {
        return fail('DUPLICATE_STOP_LOCATION', `Two stops go to ${stop.LocationLicense}`, { LocationLicense: stop.LocationLicense });
      }
      destinations.add(stop.LocationLicense);
    }
    const crew = this.#driversAndVehicle(license, input.Driver, input.Vehicle);
    if (!crew.ok) return crew;
    if (input.Type === 'ThirdParty' && !input.ThirdPartyTransporter) {
      return fail('TRANSPORTER_REQUIRED', 'A ThirdParty manifest needs ThirdPartyTransporter');
    }

    const openManifests = this.#openManifestsByPackage(license);
    const onThisManifest = new Set<string>();
    for (const stop of input.Stop) {
      if (!this.licensees.has(stop.LocationLicense)) {
        return fail('NOT_FOUND', `Vendor ${stop.LocationLicense} not found`, { StopNumber: stop.StopNumber, LocationLicense: stop.LocationLicense });
      }
      const invoice = this.invoices.get(stop.InvoiceID);
      if (!invoice || invoice.LocationLicense !== license) {
        return fail('NOT_FOUND', `Invoice ${stop.InvoiceID} is not an invoice of ${license}`, { StopNumber: stop.StopNumber, InvoiceID: stop.InvoiceID });
      }
      if (invoice.Voided) return fail('INVOICE_VOIDED', `Invoice ${stop.InvoiceID} is voided`, { StopNumber: stop.StopNumber, InvoiceID: stop.InvoiceID });
      if (invoice.BuyerLocationLicense !== stop.LocationLicense) {
        return fail('INVOICE_BUYER_MISMATCH', `Invoice ${stop.InvoiceID} is to ${invoice.BuyerLocationLicense}, not to stop ${stop.StopNumber} (${stop.LocationLicense})`, {
          StopNumber: stop.StopNumber,
          InvoiceID: stop.InvoiceID,
        });
      }
      const items = stop.Item ?? [];
      if (items.length === 0) return fail('NO_ITEMS', `Stop ${stop.StopNumber} has no items`, { StopNumber: stop.StopNumber });
      for (const item of items) {
        const lot = this.lot(license, item.InventoryID);
        if (!lot) return fail('NOT_FOUND', `Inventory ${item.InventoryID} is not inventory of ${license}`, { InventoryID: item.InventoryID });
        if (onThisManifest.has(item.InventoryID)) {
          return fail('DUPLICATE_ITEM', `Inventory ${item.InventoryID} is on this manifest twice`, { InventoryID: item.InventoryID });
        }
        onThisManifest.add(item.InventoryID);
        const line = invoice.Lines.find((l) => l.InventoryID === item.InventoryID);
        if (!line) {
          return fail('MISSING_PRICE', `Inventory ${item.InventoryID} has no priced line on invoice ${invoice.InvoiceID}`, {
            InventoryID: item.InventoryID,
            InvoiceID: invoice.InvoiceID,
          });
        }
        if (item.Quantity > line.Amount || item.Quantity > lot.RemainingAmount) {
          return fail('INVALID_QUANTITY', `Inventory ${item.InventoryID}: quantity ${item.Quantity} exceeds the invoiced or remaining amount`, {
            InventoryID: item.InventoryID,
          });
        }
      }
      if (Date.parse(stop.ApproximateArrival) <= Date.parse(stop.ApproximateDeparture)) {
        return fail('INVALID_TIMES', `Stop ${stop.StopNumber}: ApproximateArrival must be after ApproximateDeparture`, { StopNumber: stop.StopNumber });
      }
    }
    for (const inventoryId of onThisManifest) {
      const holder = openManifests.get(inventoryId);
      if (holder) {
        return fail('ALREADY_ON_OPEN_MANIFEST', `Inventory ${inventoryId} is already on open manifest ${holder}`, {
          InventoryID: inventoryId,
          ManifestID: holder,
        });
      }
    }

    const transactionId = this.#commit();
    const now = this.clock.iso();
    const manifest: Manifest = {
      ManifestID: this.#sixteenDigits((id) => this.manifests.has(id)),
      LocationLicense: license,
      Type: input.Type,
      ExternalID: input.ExternalID,
      DriverIDs: crew.value.driverIds,
      VehicleID: crew.value.vehicleId,
      ThirdPartyTransporter: input.ThirdPartyTransporter,
      Stops: [...input.Stop]
        .sort((a, b) => a.StopNumber - b.StopNumber)
        .map((stop) => ({
          ID: this.#next('stop'),
          StopNumber: stop.StopNumber,
          LocationLicense: stop.LocationLicense,
          InvoiceID: stop.InvoiceID,
          ApproximateDeparture: new Date(stop.ApproximateDeparture).toISOString(),
          ApproximateArrival: new Date(stop.ApproximateArrival).toISOString(),
          ApproximateRoute: stop.ApproximateRoute ?? '',
          DriverArrived: false,
          Items: (stop.Item ?? []).map((item) => ({
            ID: this.#next('item'),
            InventoryID: item.InventoryID,
            Quantity: item.Quantity,
            Description: this.lot(license, item.InventoryID)?.ProductName ?? '',
            QuantityReceived: 0,
            TransactionID: transactionId,
          })),
        })),
      InTransit: false,
      Completed: false,
      Voided: false,
      CreatedOn: now,
      UpdatedOn: now,
      TransactionID: transactionId,
    };
    this.manifests.set(manifest.ManifestID, manifest);
    this.created.manifest += 1;
    return ok(manifest);
  }

  #closedConflict(manifest: Manifest): Outcome<never> | undefined {
    if (manifest.Voided) return fail('ALREADY_VOIDED', `Manifest ${manifest.ManifestID} is voided`);
    if (manifest.InTransit || manifest.Completed) return fail('ALREADY_SHIPPED', `Manifest ${manifest.ManifestID} is already shipped`);
    return undefined;
  }

  updateManifest(license: string, manifestId: string, input: ManifestUpdate): Outcome<Manifest> {
    const found = this.owned(this.manifests.get(manifestId), license, 'Manifest', manifestId);
    if (!found.ok) return found;
    const manifest = found.value;
    const conflict = this.#closedConflict(manifest);
    if (conflict) return conflict;
    if (input.ExternalID !== undefined && input.ExternalID !== manifest.ExternalID) {
      return fail('IDEMPOTENCY_CONFLICT', `ExternalID identifies manifest ${manifestId} (${manifest.ExternalID ?? 'none'}) and cannot change on an update`, {
        ExternalID: input.ExternalID,
      });
    }
    const fixed = this.#fixedFieldChanges(manifest, input);
    if (fixed.length) return { ok: false, error: validationFailure(fixed) };
    const crew = this.#driversAndVehicle(license, input.Driver ?? manifest.DriverIDs.map((ID) => ({ ID })), input.Vehicle ?? { ID: manifest.VehicleID });
    if (!crew.ok) return crew;
    const changes: { stop: ManifestStop; departure: string; arrival: string; route: string }[] = [];
    for (const update of input.Stop ?? []) {
      const stop = manifest.Stops.find((s) => s.StopNumber === update.StopNumber);
      if (!stop) return fail('NOT_FOUND', `Manifest ${manifestId} has no stop ${update.StopNumber}`, { StopNumber: update.StopNumber });
      const departure = update.ApproximateDeparture ? new Date(update.ApproximateDeparture).toISOString() : stop.ApproximateDeparture;
      const arrival = update.ApproximateArrival ? new Date(update.ApproximateArrival).toISOString() : stop.ApproximateArrival;
      if (Date.parse(arrival) <= Date.parse(departure)) {
        return fail('INVALID_TIMES', `Stop ${stop.StopNumber}: ApproximateArrival must be after ApproximateDeparture`, { StopNumber: stop.StopNumber });
      }
      changes.push({ stop, departure, arrival, route: update.ApproximateRoute ?? stop.ApproximateRoute });
    }
    for (const { stop, departure, arrival, route } of changes) {
      stop.ApproximateDeparture = departure;
      stop.ApproximateArrival = arrival;
      stop.ApproximateRoute = route;
    }
    manifest.DriverIDs = crew.value.driverIds;
    manifest.VehicleID = crew.value.vehicleId;
    if (input.ThirdPartyTransporter) manifest.ThirdPartyTransporter = input.ThirdPartyTransporter;
    this.#touch(manifest, this.#commit());
    return ok(manifest);
  }

  /** Fields that say what is shipped where may be repeated on an update, not changed. */
  #fixedFieldChanges(manifest: Manifest, input: ManifestUpdate): ValidationDetail[] {
    const changed = (path: string) => ({ path, message: `${path} cannot change on an update: void the manifest and create a new one instead` });
    // The same items in another order are the same contents.
    const contents = (items: readonly { InventoryID: string; Quantity: number }[]) => items.map((item) => `${item.InventoryID}=${item.Quantity}`).sort().join(',');
    const problems: ValidationDetail[] = [];
    if (input.LocationLicense !== undefined && input.LocationLicense !== manifest.LocationLicense) problems.push(changed('LocationLicense'));
    if (input.Type !== undefined && input.Type !== manifest.Type) problems.push(changed('Type'));
    (input.Stop ?? []).forEach((update, i) => {
      const stop = manifest.Stops.find((s) => s.StopNumber === update.StopNumber);
      if (!stop) return;
      if (update.LocationLicense !== undefined && update.LocationLicense !== stop.LocationLicense) problems.push(changed(`Stop[${i}].LocationLicense`));
      if (update.InvoiceID !== undefined && update.InvoiceID !== stop.InvoiceID) problems.push(changed(`Stop[${i}].InvoiceID`));
      if (update.Item !== undefined && contents(update.Item) !== contents(stop.Items)) problems.push(changed(`Stop[${i}].Item`));
    });
    return problems;
  }

  #touch(manifest: Manifest, transactionId: number): void {
    manifest.TransactionID = transactionId;
    manifest.UpdatedOn = this.clock.iso();
  }

  /** Puts what a not-yet-received transfer carried back into the shipper's inventory. */
  #returnToShipper(transfer: InventoryTransfer, transactionId: number): InventoryLot[] {
    return transfer.Items.map((item) => this.#addToLot(transfer.OutboundLicense, item.Shipped, item.Amount, transactionId));
  }

  #addToLot(license: string, shipped: Readonly<InventoryLot>, amount: number, transactionId: number, roomId?: number): InventoryLot {
    const key = lotKey(license, shipped.ID);
    const lot = this.inventory.get(key) ?? {
      ID: shipped.ID,
      LocationLicense: license,
      ProductName: shipped.ProductName,
      UOM: shipped.UOM,
      RemainingAmount: 0,
      Strain: shipped.Strain,
      InventoryType: shipped.InventoryType,
      TransactionID: transactionId,
    };
    lot.RemainingAmount += amount;
    lot.TransactionID = transactionId;
    if (roomId !== undefined) lot.RoomID = roomId;
    this.inventory.set(key, lot);
    return lot;
  }

  voidManifest(license: string, manifestId: string): Outcome<{ manifest: Manifest; inventory: InventoryLot[] }> {
    const found = this.owned(this.manifests.get(manifestId), license, 'Manifest', manifestId);
    if (!found.ok) return found;
    const manifest = found.value;
    const transfers = this.transfersOf(manifestId);
    if (transfers.some((t) => t.Received)) return fail('MANIFEST_RECEIVED', `Manifest ${manifestId} has received goods: it can no longer be voided`);
    if (manifest.Voided) return fail('ALREADY_VOIDED', `Manifest ${manifestId} is already voided`);
    const transactionId = this.#commit();
    const inventory: InventoryLot[] = [];
    for (const transfer of transfers) {
      if (transfer.Voided) continue;
      transfer.Voided = true;
      transfer.TransactionID = transactionId;
      inventory.push(...this.#returnToShipper(transfer, transactionId));
    }
    manifest.Voided = true;
    manifest.InTransit = false;
    this.#touch(manifest, transactionId);
    this.created.void += 1;
    return ok({ manifest, inventory });
  }

  #stop(license: string, manifestId: string, stopNumber: number): Outcome<{ manifest: Manifest; stop: ManifestStop }> {
    const found = this.owned(this.manifests.get(manifestId), license, 'Manifest', manifestId);
    if (!found.ok) return found;
    const manifest = found.value;
    const stop = manifest.Stops.find((s) => s.StopNumber === stopNumber);
    if (!stop) return fail('NOT_FOUND', `Manifest ${manifestId} has no stop ${stopNumber}`, { StopNumber: stopNumber });
    if (manifest.Voided) return fail('ALREADY_VOIDED', `Manifest ${manifestId} is voided`);
    if (!manifest.InTransit && !manifest.Completed) return fail('NOT_SHIPPED', `Manifest ${manifestId} has not been shipped yet`);
    return ok({ manifest, stop });
  }

  #stopTransfer(manifest: Manifest, stop: ManifestStop): InventoryTransfer | undefined {
    return this.transfersOf(manifest.ManifestID).find((t) => t.ManifestStopNumber === stop.StopNumber);
  }

  arrive(license: string, manifestId: string, stopNumber: number): Outcome<Manifest> {
    const found = this.#stop(license, manifestId, stopNumber);
    if (!found.ok) return found;
    const { manifest, stop } = found.value;
    if (stop.DriverArrived) return fail('ALREADY_ARRIVED', `Stop ${stopNumber} of manifest ${manifestId} is already arrived`);
    if (this.#stopTransfer(manifest, stop)?.Voided) return fail('ALREADY_VOIDED', `The transfer of stop ${stopNumber} is voided`);
    stop.DriverArrived = true;
    stop.DriverArrivedTime = this.clock.iso();
    this.#touch(manifest, this.#commit());
    this.created.arrival += 1;
    return ok(manifest);
  }

  undoArrival(license: string, manifestId: string, stopNumber: number): Outcome<Manifest> {
    const found = this.#stop(license, manifestId, stopNumber);
    if (!found.ok) return found;
    const { manifest, stop } = found.value;
    if (this.#stopTransfer(manifest, stop)?.Received) return fail('ALREADY_RECEIVED', `Stop ${stopNumber} of manifest ${manifestId} is already received`);
    if (!stop.DriverArrived) return fail('NOT_ARRIVED', `Stop ${stopNumber} of manifest ${manifestId} is not arrived`);
    stop.DriverArrived = false;
    stop.DriverArrivedTime = undefined;
    this.#touch(manifest, this.#commit());
    return ok(manifest);
  }

  // ---- Transfers ----

  ship(license: string, input: ShipInput): Outcome<ShipResult> {
    const found = this.owned(this.manifests.get(input.ManifestID), license, 'Manifest', input.ManifestID);
    if (!found.ok) return found;
    const manifest = found.value;
    const conflict = this.#closedConflict(manifest);
    if (conflict) return conflict;
    for (const stop of manifest.Stops) {
      if (this.invoices.get(stop.InvoiceID)?.Voided) {
        return fail('INVOICE_VOIDED', `Invoice ${stop.InvoiceID} of stop ${stop.StopNumber} has been voided`, { InvoiceID: stop.InvoiceID });
      }
      for (const item of stop.Items) {
        const remaining = this.lot(license, item.InventoryID)?.RemainingAmount ?? 0;
        if (item.Quantity > remaining) {
          return fail('INVALID_QUANTITY', `Inventory ${item.InventoryID}: ${item.Quantity} to ship but ${remaining} remaining`, {
            InventoryID: item.InventoryID,
          });
        }
      }
    }
    const transactionId = this.#commit();
    const inventory: InventoryLot[] = [];
    const transfers = manifest.Stops.map((stop): InventoryTransfer => {
      const id = this.#next('transfer');
      return {
        ID: id,
        ExternalID: input.ExternalID,
        ManifestID: manifest.ManifestID,
        ManifestStopNumber: stop.StopNumber,
        OutboundLicense: license,
        InboundLicense: stop.LocationLicense,
        InvoiceID: stop.InvoiceID,
        TransferType: manifest.Type,
        Items: stop.Items.map((item) => {
          const lot = this.lot(license, item.InventoryID);
          if (!lot) throw new Error(`Inventory ${item.InventoryID} vanished between check and ship`);
          lot.RemainingAmount -= item.Quantity;
          lot.TransactionID = transactionId;
          inventory.push(lot);
          return {
            ID: this.#next('item'),
            InventoryID: item.InventoryID,
            Amount: item.Quantity,
            Description: item.Description,
            Shipped: { ...lot, RemainingAmount: item.Quantity },
            Received: false,
            ReceivedAmount: 0,
            IsRejected: false,
            TransactionID: transactionId,
          };
        }),
        Received: false,
        IsRejected: false,
        Voided: false,
        TransactionID: transactionId,
      };
    });
    for (const transfer of transfers) this.transfers.set(transfer.ID, transfer);
    manifest.InTransit = true;
    this.#touch(manifest, transactionId);
    this.created.inventoryTransfer += transfers.length;
    return ok({ manifest, transfers, inventory });
  }

  receive(license: string, transferId: number, input: ReceiveInput): Outcome<ReceiveResult> {
    const transfer = this.transfers.get(transferId);
    if (!transfer) return fail('NOT_FOUND', `Inventory transfer ${transferId} not found`, { ID: transferId });
    if (transfer.InboundLicense !== license) {
      return fail('NOT_RECEIVER', `Inventory transfer ${transferId} is addressed to ${transfer.InboundLicense}, not ${license}`);
    }
    if (transfer.Voided) return fail('ALREADY_VOIDED', `Inventory transfer ${transferId} is voided`);
    if (transfer.Received) return fail('ALREADY_RECEIVED', `Inventory transfer ${transferId} is already received`);
    const manifest = this.manifests.get(transfer.ManifestID);
    const stop = manifest?.Stops.find((s) => s.StopNumber === transfer.ManifestStopNumber);
    if (!manifest || !stop) throw new Error(`Transfer ${transferId} lost its manifest stop`);
    if (!stop.DriverArrived) {
      return fail('NOT_ARRIVED', `Stop ${stop.StopNumber} of manifest ${manifest.ManifestID} must be marked arrived before receipt`);
    }

    const expected = new Map(transfer.Items.map((item) => [item.InventoryID, item]));
    const listed = new Set<string>();
    const unexpected: string[] = [];
    for (const line of input.Item) {
      if (!expected.has(line.InventoryID) || listed.has(line.InventoryID)) unexpected.push(line.InventoryID);
      listed.add(line.InventoryID);
    }
    if (unexpected.length) {
      return fail('UNEXPECTED_ITEMS', 'Items not on the transfer, or listed twice', { InventoryID: unexpected });
    }
    const missing = transfer.Items.map((item) => item.InventoryID).filter((id) => !listed.has(id));
    if (missing.length) {
      return fail('ITEMS_MISSING', `The receipt must list every item of the transfer; missing: ${missing.join(', ')}`, { InventoryID: missing });
    }
    const decisions: { item: TransferItem; accepted: number; rejectReason?: string | undefined }[] = [];
    for (const line of input.Item) {
      const item = expected.get(line.InventoryID);
      if (!item) continue;
      if (!line.Accept && !line.RejectReason?.trim()) {
        return fail('REJECT_REASON_REQUIRED', `Inventory ${line.InventoryID} is rejected without a RejectReason`, { InventoryID: line.InventoryID });
      }
      const accepted = line.Accept ? (line.ReceivedAmount ?? item.Amount) : 0;
      if (accepted > item.Amount) {
        return fail('INVALID_QUANTITY', `Inventory ${line.InventoryID}: received ${accepted} but ${item.Amount} were shipped`, { InventoryID: line.InventoryID });
      }
      decisions.push({ item, accepted, rejectReason: line.Accept ? undefined : line.RejectReason });
    }

    const transactionId = this.#commit();
    const now = this.clock.iso();
    const inventory: InventoryLot[] = [];
    for (const { item, accepted, rejectReason } of decisions) {
      item.Received = true;
      item.ReceivedAmount = accepted;
      item.ReceivedTime = now;
      item.IsRejected = rejectReason !== undefined;
      item.RejectReason = rejectReason;
      item.TransactionID = transactionId;
      if (accepted > 0) inventory.push(this.#addToLot(license, item.Shipped, accepted, transactionId, input.RoomID));
      // Rejected goods and any short-received remainder go back to the shipper.
      if (accepted < item.Amount) inventory.push(this.#addToLot(transfer.OutboundLicense, item.Shipped, item.Amount - accepted, transactionId));
      const manifestItem = stop.Items.find((i) => i.InventoryID === item.InventoryID);
      if (manifestItem) {
        manifestItem.QuantityReceived = accepted;
        manifestItem.TransactionID = transactionId;
      }
    }
    transfer.Received = true;
    transfer.ReceivedTime = now;
    transfer.ReceiveExternalID = input.ExternalID;
    transfer.IsRejected = decisions.some(({ item, accepted }) => accepted < item.Amount);
    transfer.TransactionID = transactionId;
    this.#settle(manifest, transactionId);
    this.created.receipt += 1;
    return ok({ transfer, manifest, inventory });
  }

  /**
   * [inferred] A transfer its shipper never reported (it came with a paper manifest), recorded by
   * the receiver with its receipt in one step. Accepted quantities enter the receiver's inventory
   * under the paper's tags; rejected goods and short-received remainders go back to the shipper, as
   * on a receipt, so the transfer shows in the shipper's rejected list.
   */
  intake(license: string, input: IntakeInput): Outcome<IntakeResult> {
    if (!this.licensees.has(input.OutboundLicense)) {
      return fail('NOT_FOUND', `Vendor ${input.OutboundLicense} not found`, { OutboundLicense: input.OutboundLicense });
    }
    if (input.OutboundLicense === license) {
      return { ok: false, error: validationFailure([{ path: 'OutboundLicense', message: "OutboundLicense must be another license than the receiver's" }]) };
    }
    if (input.Item.length === 0) return fail('NO_ITEMS', 'An intake needs at least one item');
    if (input.Item.length > MAX_PACKAGES_PER_MANIFEST) {
      return fail('TOO_MANY_PACKAGES', `A transfer holds at most ${MAX_PACKAGES_PER_MANIFEST} packages; this one has ${input.Item.length}`);
    }
    const recorded = [...this.transfers.values()].find(
      (t) => t.InboundLicense === license && t.OutboundLicense === input.OutboundLicense && t.PaperManifestNumber === input.PaperManifestNumber,
    );
    if (recorded) {
      return fail('ALREADY_RECEIVED', `Paper manifest ${input.PaperManifestNumber} of ${input.OutboundLicense} is already recorded as transfer ${recorded.ID}`, { ID: recorded.ID });
    }
    const seen = new Set<string>();
    for (const line of input.Item) {
      if (seen.has(line.InventoryID)) return fail('DUPLICATE_ITEM', `Inventory ${line.InventoryID} is listed twice`, { InventoryID: line.InventoryID });
      seen.add(line.InventoryID);
      if (!line.Accept && !line.RejectReason?.trim()) {
        return fail('REJECT_REASON_REQUIRED', `Inventory ${line.InventoryID} is rejected without a RejectReason`, { InventoryID: line.InventoryID });
      }
      const accepted = line.Accept ? (line.ReceivedAmount ?? line.Amount) : 0;
      if (accepted > line.Amount) {
        return fail('INVALID_QUANTITY', `Inventory ${line.InventoryID}: received ${accepted} but ${line.Amount} were shipped`, { InventoryID: line.InventoryID });
      }
    }

    const transactionId = this.#commit();
    const now = this.clock.iso();
    const inventory: InventoryLot[] = [];
    const items = input.Item.map((line): TransferItem => {
      const accepted = line.Accept ? (line.ReceivedAmount ?? line.Amount) : 0;
      const shipped: InventoryLot = {
        ID: line.InventoryID,
        LocationLicense: input.OutboundLicense,
        ProductName: line.Description,
        UOM: line.UOM,
        RemainingAmount: line.Amount,
        InventoryType: DEFAULT_INVENTORY_TYPE,
        TransactionID: transactionId,
      };
      if (accepted > 0) inventory.push(this.#addToLot(license, shipped, accepted, transactionId, input.RoomID));
      if (accepted < line.Amount) inventory.push(this.#addToLot(input.OutboundLicense, shipped, line.Amount - accepted, transactionId));
      return {
        ID: this.#next('item'),
        InventoryID: line.InventoryID,
        Amount: line.Amount,
        Description: line.Description,
        Shipped: shipped,
        Received: true,
        ReceivedAmount: accepted,
        ReceivedTime: now,
        IsRejected: !line.Accept,
        RejectReason: line.Accept ? undefined : line.RejectReason,
        TransactionID: transactionId,
      };
    });
    const transfer: InventoryTransfer = {
      ID: this.#next('transfer'),
      ExternalID: input.ExternalID,
      // No state manifest or invoice: the paper was the manifest.
      ManifestID: '',
      ManifestStopNumber: 0,
      OutboundLicense: input.OutboundLicense,
      InboundLicense: license,
      InvoiceID: '',
      TransferType: 'Transfer',
      Items: items,
      Received: true,
      ReceivedTime: now,
      ReceiveExternalID: input.ExternalID,
      IsRejected: items.some((item) => item.ReceivedAmount < item.Amount),
      Voided: false,
      TransactionID: transactionId,
      PaperManifestNumber: input.PaperManifestNumber,
      DriverNames: (input.Driver ?? []).map((driver) => driver.Name),
    };
    this.transfers.set(transfer.ID, transfer);
    this.created.intake += 1;
    return ok({ transfer, inventory });
  }

  voidTransfer(license: string, transferId: number): Outcome<{ transfer: InventoryTransfer; inventory: InventoryLot[] }> {
    const transfer = this.transfers.get(transferId);
    if (!transfer) return fail('NOT_FOUND', `Inventory transfer ${transferId} not found`, { ID: transferId });
    if (transfer.OutboundLicense !== license) return fail('FORBIDDEN', `Only the shipper ${transfer.OutboundLicense} can void transfer ${transferId}`);
    if (transfer.Received) return fail('ALREADY_RECEIVED', `Inventory transfer ${transferId} is received: it can no longer be voided`);
    if (transfer.Voided) return fail('ALREADY_VOIDED', `Inventory transfer ${transferId} is already voided`);
    const transactionId = this.#commit();
    transfer.Voided = true;
    transfer.TransactionID = transactionId;
    const inventory = this.#returnToShipper(transfer, transactionId);
    const manifest = this.manifests.get(transfer.ManifestID);
    if (manifest) this.#settle(manifest, transactionId);
    this.created.void += 1;
    return ok({ transfer, inventory });
  }

  /** A shipped manifest ends when every transfer is received or voided; all voided means the manifest is void. */
  #settle(manifest: Manifest, transactionId: number): void {
    const transfers = this.transfersOf(manifest.ManifestID);
    if (transfers.some((t) => !t.Received && !t.Voided)) return;
    manifest.InTransit = false;
    if (transfers.every((t) => t.Voided)) {
      manifest.Voided = true;
    } else {
      manifest.Completed = true;
      manifest.CompletionDate = this.clock.iso();
    }
    this.#touch(manifest, transactionId);
  }
}

/** A partial update never erases a field by omission. */
function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}
