/** Request bodies of the `/v1` write routes, validated at the edge; the model trusts these types. */
import { z } from 'zod';
import { UNITS_OF_MEASURE } from './shapes.ts';

/** IDs may arrive as numbers or numeric strings. */
const numericId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);
const inventoryId = z.string().min(1);
const isoTime = z.iso.datetime({ offset: true });

export const loginSchema = z.object({ Username: z.string().min(1), Password: z.string() });

export const employeeSchema = z.object({
  Name: z.string().min(1),
  Email: z.string().optional(),
  BirthDate: z.string().optional(),
  HireDate: z.string().optional(),
  DriverLicense: z.string().optional(),
  StateIssue: z.string().optional(),
  ExternalID: z.string().optional(),
});
export const employeeUpdateSchema = employeeSchema.partial();

export const vehicleSchema = z.object({
  Name: z.string().min(1),
  Make: z.string().optional(),
  Model: z.string().optional(),
  Year: z.union([z.string(), z.number().int().transform(String)]).optional(),
  Color: z.string().optional(),
  Plate: z.string().optional(),
  Vin: z.string().optional(),
  ExternalID: z.string().optional(),
});
export const vehicleUpdateSchema = vehicleSchema.partial();

export const invoiceSchema = z.object({
  LocationLicense: z.string().min(1),
  BuyerLocationLicense: z.string().min(1),
  ExternalID: z.string().optional(),
  Inventory: z.array(
    z.object({
      InventoryID: inventoryId,
      Amount: z.number().positive(),
      // Checked by the rules (MISSING_PRICE), not by the schema.
      Price: z.number().nullable().optional(),
    }),
  ),
});

export const manifestTypes = ['Transfer', 'Delivery', 'Pickup', 'ThirdParty', 'Return'] as const;

const thirdPartyTransporterSchema = z.object({ LicenseNumber: z.string().min(1), Name: z.string().min(1) });

export const manifestSchema = z.object({
  LocationLicense: z.string().min(1),
  Type: z.enum(manifestTypes),
  ExternalID: z.string().optional(),
  // Driver and Vehicle are optional here so the rules can answer DRIVER_REQUIRED / VEHICLE_REQUIRED.
  Driver: z.array(z.object({ ID: numericId })).optional(),
  Vehicle: z.object({ ID: numericId }).nullable().optional(),
  ThirdPartyTransporter: thirdPartyTransporterSchema.optional(),
  Stop: z.array(
    z.object({
      StopNumber: z.number().int().positive(),
      LocationLicense: z.string().min(1),
      InvoiceID: z.string().min(1),
      ApproximateDeparture: isoTime,
      ApproximateArrival: isoTime,
      ApproximateRoute: z.string().optional(),
      Item: z.array(z.object({ InventoryID: inventoryId, Quantity: z.number().positive() })).optional(),
    }),
  ),
});

export const manifestUpdateSchema = z.object({
  Driver: z.array(z.object({ ID: numericId })).optional(),
  Vehicle: z.object({ ID: numericId }).optional(),
  ThirdPartyTransporter: thirdPartyTransporterSchema.optional(),
  Stop: z
    .array(
      z.object({
        StopNumber: z.number().int().positive(),
        ApproximateDeparture: isoTime.optional(),
        ApproximateArrival: isoTime.optional(),
        ApproximateRoute: z.string().optional(),
      }),
    )
    .optional(),
});

export const shipSchema = z.object({ ManifestID: z.string().min(1), ExternalID: z.string().optional() });

export const receiveSchema = z.object({
  RoomID: z.number().int().optional(),
  ExternalID: z.string().optional(),
  // A ReceivedTime in the body is dropped here: the server stamps the time (no back-dating).
  Item: z.array(
    z.object({
      InventoryID: inventoryId,
      Accept: z.boolean(),
      ReceivedAmount: z.number().nonnegative().optional(),
      RejectReason: z.string().optional(),
    }),
  ),
});

/**
 * [inferred] A transfer its shipper never reported (it travelled with a paper manifest), recorded
 * by the receiver together with its receipt. Not in the contract: shaped after the receive call,
 * plus what the paper says was shipped.
 */
export const intakeSchema = z.object({
  ExternalID: z.string().optional(),
  OutboundLicense: z.string().min(1),
  PaperManifestNumber: z.string().min(1),
  Driver: z.array(z.object({ Name: z.string().min(1) })).optional(),
  RoomID: z.number().int().optional(),
  Item: z.array(
    z.object({
      // The paper's tags become inventory of the receiver: state tags are 16 digits.
      InventoryID: z.string().regex(/^\d{16}$/, { error: 'Inventory IDs are 16-digit strings' }),
      Description: z.string().min(1),
      Amount: z.number().positive(),
      UOM: z.string().refine((uom) => UNITS_OF_MEASURE.includes(uom), { error: `One of ${UNITS_OF_MEASURE.join(', ')}` }),
      Accept: z.boolean(),
      ReceivedAmount: z.number().nonnegative().optional(),
      RejectReason: z.string().optional(),
    }),
  ),
});

export type LoginInput = z.infer<typeof loginSchema>;
export type EmployeeInput = z.infer<typeof employeeSchema>;
export type EmployeeUpdate = z.infer<typeof employeeUpdateSchema>;
export type VehicleInput = z.infer<typeof vehicleSchema>;
export type VehicleUpdate = z.infer<typeof vehicleUpdateSchema>;
export type InvoiceInput = z.infer<typeof invoiceSchema>;
export type ManifestType = (typeof manifestTypes)[number];
export type ManifestInput = z.infer<typeof manifestSchema>;
export type ManifestUpdate = z.infer<typeof manifestUpdateSchema>;
export type ShipInput = z.infer<typeof shipSchema>;
export type ReceiveInput = z.infer<typeof receiveSchema>;
export type IntakeInput = z.infer<typeof intakeSchema>;
