/**
 * The NY-API's answers as the adapter reads them, after the recorded response shapes
 * (`ny-api-responses.json`). Loose: fields the hub does not read may come and go. A body that
 * does not match is an unexpected answer, never silently accepted. Ids keep the JSON type the
 * recordings give them: Employee, Vehicle and InventoryTransfer ids are integers; ManifestID,
 * InvoiceID and InventoryID are strings.
 */
import * as z from 'zod';

const integerId = z.number().int();
const stringId = z.string().min(1);
const nextCursor = z.number().optional();

export const apiError = z.looseObject({ Error: z.string(), ErrorCode: z.string().optional(), Details: z.unknown().optional() });
/** Older BioTrack APIs answered errors with HTTP 200. */
export const legacyError = z.looseObject({ success: z.literal(0), error: z.string().optional(), errorcode: z.string().optional() });

export const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  consent_expires_at: z.string().optional(),
});
export const tokenError = z.looseObject({ error: z.string(), error_description: z.string().optional(), ErrorCode: z.string().optional() });

export const loginResponse = z.looseObject({ Session: z.string().min(1), SessionTime: z.number().optional() });

const employee = z.looseObject({ ID: integerId, ExternalID: z.string().nullish() });
export const employeeCreated = z.looseObject({ Employee: employee });
export const employeeList = z.looseObject({ Employee: z.array(employee).default([]), NextCursor: nextCursor });

const vehicle = z.looseObject({ ID: integerId, ExternalID: z.string().nullish() });
export const vehicleCreated = z.looseObject({ Vehicle: vehicle });
export const vehicleList = z.looseObject({ Vehicle: z.array(vehicle).default([]), NextCursor: nextCursor });

const invoice = z.looseObject({ InvoiceID: stringId, ExternalID: z.string().nullish(), Deleted: z.boolean().optional() });
/** `POST /v1/invoice` answers a list in the recorded shapes, a single object in some builds. */
export const invoiceCreated = z.looseObject({ Invoice: z.union([z.array(invoice).min(1), invoice]) });
export const invoiceList = z.looseObject({ Invoice: z.array(invoice).default([]), NextCursor: nextCursor });

const manifestStop = z.looseObject({
  StopNumber: z.number(),
  LocationLicense: z.string().optional(),
  DriverArrived: z.boolean().optional(),
  ApproximateDeparture: z.string().nullish(),
  ApproximateArrival: z.string().nullish(),
});
const manifest = z.looseObject({
  ManifestID: stringId,
  ExternalID: z.string().nullish(),
  InTransit: z.boolean().optional(),
  Received: z.boolean().optional(),
  Deleted: z.boolean().optional(),
  Driver: z.array(z.looseObject({ Name: z.string().nullish() })).optional(),
  Vehicle: z.looseObject({ Description: z.string().nullish() }).nullish(),
  Stop: z.array(manifestStop).optional(),
});
export const manifestOne = z.looseObject({ Manifest: manifest });
export const manifestList = z.looseObject({ Manifest: z.array(manifest).default([]), NextCursor: nextCursor });

const inventoryTransfer = z.looseObject({
  ID: integerId,
  TransactionID: z.number().optional(),
  Deleted: z.boolean().optional(),
  ManifestID: z.string().nullish(),
  ManifestStopNumber: z.number().optional(),
  OutboundLicense: z.string().nullish(),
  InboundLicense: z.string().nullish(),
  ExternalID: z.string().nullish(),
  Received: z.boolean().optional(),
  ReceivedTime: z.string().nullish(),
  Item: z
    .array(
      z.looseObject({
        InventoryID: z.string(),
        Amount: z.number(),
        Received: z.boolean().optional(),
        ReceivedAmount: z.number().optional(),
        IsRejected: z.boolean().optional(),
        Description: z.string().nullish(),
        Inventory: z.looseObject({ ProductName: z.string().nullish(), UOM: z.string().nullish() }).nullish(),
      }),
    )
    .default([]),
});
export type InventoryTransferBody = z.output<typeof inventoryTransfer>;
export const shipmentCreated = z.looseObject({ InventoryTransfer: z.array(inventoryTransfer).min(1) });
export const inventoryTransferList = z.looseObject({ InventoryTransfer: z.array(inventoryTransfer).default([]), NextCursor: nextCursor });
export const inventoryTransferOne = z.looseObject({ InventoryTransfer: z.union([inventoryTransfer, z.array(inventoryTransfer).min(1)]) });

const inventoryLot = z.looseObject({ ID: stringId, RemainingAmount: z.number(), UOM: z.string().nullish(), Deleted: z.boolean().optional(), Destroyed: z.boolean().optional() });
/** `GET /v1/inventory/{id}`: one package the license holds. */
export const inventoryOne = z.looseObject({ Inventory: inventoryLot });
export const inventoryList = z.looseObject({ Inventory: z.array(inventoryLot).default([]), NextCursor: nextCursor });

/** `GET /v1/sync`: the latest TransactionID per object type the license can see. */
export const syncAnswer = z.looseObject({ Sync: z.looseObject({ InventoryTransfer: z.number(), Manifest: z.number().optional() }) });

const vendor = z.looseObject({
  LocationLicense: z.string(),
  Name: z.string(),
  Address: z.string().nullish(),
  City: z.string().nullish(),
  Zip: z.string().nullish(),
  Phone: z.string().nullish(),
});
export const vendorList = z.looseObject({ Vendor: z.array(vendor).default([]), NextCursor: nextCursor });
export type VendorBody = z.output<typeof vendor>;

/** Any successful write: the recorded shapes all carry a transaction id. */
export const writeAcknowledged = z.looseObject({});
