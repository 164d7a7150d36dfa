/**
 * Response bodies, shaped after the recorded BioTrack v2024 responses (docs/ny-api-responses.json):
 * PascalCase, the same nesting, real values. Fields with nothing sensible to say are left out.
 */
import type { Employee, InventoryLot, InventoryTransfer, Invoice, Licensee, Manifest, NyModel, Vehicle } from './model.ts';

export const UNITS_OF_MEASURE = ['each', 'gram', 'milligram', 'kilogram', 'ounce', 'pound', 'milliliter', 'liter', 'fluid ounce'];

/** A few rows of the state's transfer rules; the emulator does not enforce them by inventory type. */
export const TRANSFER_RULES = [
  { ID: 1, InventoryType: 28, SourceLocationType: 1, DestinationLocationType: 2, DestinationIsLab: false, QAPassRequired: true, RnDSampleAllowed: false, TransportLicenseeTypeID: 4, Deleted: false },
  { ID: 2, InventoryType: 28, SourceLocationType: 2, DestinationLocationType: 3, DestinationIsLab: false, QAPassRequired: true, RnDSampleAllowed: false, TransportLicenseeTypeID: 4, Deleted: false },
  { ID: 3, InventoryType: 22, SourceLocationType: 1, DestinationLocationType: 5, DestinationIsLab: true, QAPassRequired: false, RnDSampleAllowed: true, TransportLicenseeTypeID: 4, Deleted: false },
];

/** Every object type `GET /v1/sync` reports, so the body has the recorded keys. */
const SYNC_TYPES = [
  'CureDerivative', 'Derivative', 'Employee', 'GrowRoom', 'HarvestBatch', 'HarvestDerivative', 'Inventory', 'InventoryAdjustment',
  'InventoryIngredient', 'InventoryRoom', 'InventoryTransfer', 'Invoice', 'Lab', 'LabSample', 'Manifest', 'Plant', 'PlantCure',
  'PlantHarvest', 'Sale', 'User', 'Vehicle', 'Vendor',
];

export function syncShape(latest: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(SYNC_TYPES.map((type) => [type, latest[type] ?? 0]));
}

export function vendorShape(licensee: Licensee) {
  return {
    ID: licensee.ID,
    LocationLicense: licensee.LocationLicense,
    UBI: licensee.UBI,
    Name: licensee.Name,
    Address: licensee.Address ?? '',
    Address2: '',
    City: licensee.City ?? '',
    State: licensee.State ?? '',
    Zip: licensee.Zip ?? '',
    Phone: licensee.Phone ?? '',
    Type: licensee.Type,
    Retail: licensee.Retail,
    Processor: licensee.Processor,
    Producer: licensee.Producer,
    Transporter: licensee.Transporter,
    Deleted: false,
    TransactionID: licensee.TransactionID,
  };
}

export function userShape(licensee: Licensee) {
  return [...licensee.users.values()].map((user) => ({
    ID: user.ID,
    Username: user.Username,
    Admin: user.Admin,
    Active: true,
    Permission: user.Admin ? ['admin'] : [],
    TransactionID: user.TransactionID,
  }));
}

export function inventoryShape(lot: Readonly<InventoryLot>, sessionTime: number) {
  return {
    ID: lot.ID,
    LocationLicense: lot.LocationLicense,
    ProductName: lot.ProductName,
    Strain: lot.Strain ?? '',
    InventoryType: lot.InventoryType,
    UOM: lot.UOM,
    UnitBased: lot.UOM === 'each',
    RemainingAmount: lot.RemainingAmount,
    RoomID: lot.RoomID ?? 0,
    Status: lot.RemainingAmount > 0 ? 'active' : 'depleted',
    Deleted: false,
    Destroyed: false,
    Dried: false,
    Initial: false,
    IsSample: false,
    LabSample: [],
    InventoryParentID: [],
    Medicated: false,
    Remediated: false,
    RemediationCount: 0,
    RemediationEligible: false,
    Restocked: false,
    Rework: false,
    Seized: false,
    SessionTime: sessionTime,
    TransactionID: lot.TransactionID,
  };
}

export function employeeShape(employee: Employee) {
  return {
    ID: employee.ID,
    Name: employee.Name,
    Email: employee.Email ?? '',
    BirthDate: employee.BirthDate ?? '',
    HireDate: employee.HireDate ?? '',
    DriverLicense: employee.DriverLicense ?? '',
    StateIssue: employee.StateIssue ?? '',
    ExternalID: employee.ExternalID ?? '',
    Deleted: employee.Deleted,
    TransactionID: employee.TransactionID,
  };
}

export function vehicleShape(vehicle: Vehicle) {
  return {
    ID: vehicle.ID,
    Name: vehicle.Name,
    Make: vehicle.Make ?? '',
    Model: vehicle.Model ?? '',
    Year: vehicle.Year ?? '',
    Color: vehicle.Color ?? '',
    Plate: vehicle.Plate ?? '',
    Vin: vehicle.Vin ?? '',
    ExternalID: vehicle.ExternalID ?? '',
    Deleted: vehicle.Deleted,
    TransactionID: vehicle.TransactionID,
  };
}

export function invoiceShape(invoice: Invoice, sessionTime: number) {
  return {
    InvoiceID: invoice.InvoiceID,
    LocationLicense: invoice.LocationLicense,
    BuyerLocationLicense: invoice.BuyerLocationLicense,
    ExternalID: invoice.ExternalID ?? '',
    Accepted: false,
    Deleted: invoice.Voided,
    Refund: false,
    Inventory: invoice.Lines.map((line) => ({
      ID: line.ID,
      InvoiceID: invoice.InvoiceID,
      InventoryID: line.InventoryID,
      Amount: line.Amount,
      Price: line.Price,
      Deleted: invoice.Voided,
      TransactionID: line.TransactionID,
    })),
    Payment: [],
    SessionTime: sessionTime,
    TransactionID: invoice.TransactionID,
  };
}

function invoiceOf(model: NyModel, invoiceId: string, sessionTime: number) {
  const invoice = model.invoices.get(invoiceId);
  return invoice ? invoiceShape(invoice, sessionTime) : undefined;
}

export function manifestShape(model: NyModel, manifest: Manifest, sessionTime: number) {
  const shipper = model.licensees.get(manifest.LocationLicense);
  const transfers = model.transfersOf(manifest.ManifestID);
  const self = `/v1/manifest/${manifest.ManifestID}`;
  return {
    ManifestID: manifest.ManifestID,
    ExternalID: manifest.ExternalID ?? '',
    LocationLicense: manifest.LocationLicense,
    LicenseNumber: manifest.LocationLicense,
    Name: shipper?.Name ?? '',
    Street: shipper?.Address ?? '',
    City: shipper?.City ?? '',
    State: shipper?.State ?? '',
    Zip: shipper?.Zip ?? '',
    Phone: shipper?.Phone ?? '',
    Type: manifest.Type,
    Driver: manifest.DriverIDs.map((id) => {
      const employee = model.employees.get(id);
      return { ID: id, Name: employee?.Name ?? '', DateofBirth: employee?.BirthDate ?? '' };
    }),
    Vehicle: (() => {
      const vehicle = model.vehicles.get(manifest.VehicleID);
      const description = vehicle ? [vehicle.Year, vehicle.Make, vehicle.Model, vehicle.Plate].filter(Boolean).join(' ') || vehicle.Name : '';
      return { ID: String(manifest.VehicleID), Description: description };
    })(),
    ...(manifest.ThirdPartyTransporter ? { ThirdPartyTransporter: manifest.ThirdPartyTransporter } : {}),
    StopCount: manifest.Stops.length,
    TotalItemCount: manifest.Stops.reduce((sum, stop) => sum + stop.Items.length, 0),
    InTransit: manifest.InTransit,
    Completed: manifest.Completed,
    ...(manifest.CompletionDate ? { CompletionDate: manifest.CompletionDate } : {}),
    Received: transfers.length > 0 && transfers.every((t) => t.Received || t.Voided) && transfers.some((t) => t.Received),
    DriverArrived: manifest.Stops.every((stop) => stop.DriverArrived),
    IsAccepted: false,
    IsParked: false,
    Deleted: manifest.Voided,
    CreatedOn: manifest.CreatedOn,
    UpdatedOn: manifest.UpdatedOn,
    Links: [{ Rel: 'self', Method: 'GET', Href: self }],
    Stop: manifest.Stops.map((stop) => {
      const destination = model.licensees.get(stop.LocationLicense);
      const invoice = invoiceOf(model, stop.InvoiceID, sessionTime);
      return {
        ID: stop.ID,
        ManifestID: manifest.ManifestID,
        StopNumber: stop.StopNumber,
        LocationLicense: stop.LocationLicense,
        Name: destination?.Name ?? '',
        City: destination?.City ?? '',
        State: destination?.State ?? '',
        ZipCode: destination?.Zip ?? '',
        Phone: destination?.Phone ?? '',
        InvoiceID: stop.InvoiceID,
        ...(invoice ? { Invoice: invoice } : {}),
        ApproximateDeparture: stop.ApproximateDeparture,
        ApproximateArrival: stop.ApproximateArrival,
        ApproximateRoute: stop.ApproximateRoute,
        DriverArrived: stop.DriverArrived,
        ...(stop.DriverArrivedTime ? { DriverArrivedTime: stop.DriverArrivedTime } : {}),
        TransporterParked: false,
        TransporterResumed: false,
        ItemsCount: stop.Items.length,
        Item: stop.Items.map((item) => ({
          ID: item.ID,
          ManifestID: manifest.ManifestID,
          StopNumber: stop.StopNumber,
          InventoryID: item.InventoryID,
          Description: item.Description,
          Quantity: item.Quantity,
          QuantityReceived: item.QuantityReceived,
          Deleted: manifest.Voided,
          SessionTime: sessionTime,
          TransactionID: item.TransactionID,
        })),
        Links: [{ Rel: 'arrive', Method: 'PUT', Href: `${self}/stop/${stop.StopNumber}/arrive` }],
      };
    }),
    SessionTime: sessionTime,
    TransactionID: manifest.TransactionID,
  };
}

export function transferShape(model: NyModel, transfer: InventoryTransfer, sessionTime: number) {
  const invoice = invoiceOf(model, transfer.InvoiceID, sessionTime);
  return {
    ID: transfer.ID,
    ExternalID: transfer.ExternalID ?? '',
    ManifestID: transfer.ManifestID,
    ManifestStopNumber: transfer.ManifestStopNumber,
    OutboundLicense: transfer.OutboundLicense,
    InboundLicense: transfer.InboundLicense,
    TransferType: transfer.TransferType,
    InvoiceID: transfer.InvoiceID,
    ...(invoice ? { Invoice: invoice } : {}),
    Received: transfer.Received,
    ...(transfer.ReceivedTime ? { ReceivedTime: transfer.ReceivedTime } : {}),
    IsRejected: transfer.IsRejected,
    Deleted: transfer.Voided,
    ...(transfer.PaperManifestNumber === undefined
      ? {}
      : { PaperManifestNumber: transfer.PaperManifestNumber, Driver: (transfer.DriverNames ?? []).map((Name) => ({ Name })) }),
    Item: transfer.Items.map((item) => ({
      ID: item.ID,
      InventoryTransferID: transfer.ID,
      ManifestID: transfer.ManifestID,
      InventoryID: item.InventoryID,
      Description: item.Description,
      Amount: item.Amount,
      Inventory: inventoryShape(item.Shipped, sessionTime),
      Received: item.Received,
      ReceivedAmount: item.ReceivedAmount,
      ...(item.ReceivedTime ? { ReceivedTime: item.ReceivedTime } : {}),
      IsRejected: item.IsRejected,
      ...(item.RejectReason ? { RejectReason: item.RejectReason } : {}),
      IsReturn: transfer.TransferType === 'Return',
      Deleted: transfer.Voided,
      TransactionID: item.TransactionID,
    })),
    SessionTime: sessionTime,
    TransactionID: transfer.TransactionID,
  };
}

/** Distinct lots, last write wins: a response lists each touched package once. */
export function inventoryList(lots: readonly InventoryLot[], sessionTime: number) {
  const unique = new Map(lots.map((lot) => [`${lot.LocationLicense}|${lot.ID}`, lot]));
  return [...unique.values()].map((lot) => inventoryShape(lot, sessionTime));
}
