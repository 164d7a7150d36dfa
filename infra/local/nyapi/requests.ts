/**
 * Request bodies of the `/v1` write routes, validated at the edge; the model trusts these types.
 * Strict, as the recorded shapes are (docs/ny-api-responses.json): an unknown field, a JSON type the
 * recordings do not give the field (a numeric string for a number, a number for a string) or a
 * missing required field is refused, and the refusal names the field: `Driver[0].ID must be an
 * integer employee ID`. The §4 rules keep their own codes: Driver, Vehicle, a stop's Item and a
 * line's Price may be absent here so that the model answers DRIVER_REQUIRED, VEHICLE_REQUIRED,
 * NO_ITEMS or MISSING_PRICE.
 */
import * as z from 'zod';
import type { ApiError } from './model.ts';
import { UNITS_OF_MEASURE } from './shapes.ts';

export interface ValidationDetail {
  /** `Field[0].Sub`; empty for the body itself. */
  readonly path: string;
  readonly message: string;
}

/**
 * The schema's own words for a value that is there but wrong. A missing value falls through to
 * `missingIsRequired`, so that one message per field covers both its type and its checks.
 */
function must(expectation: string) {
  return { error: (issue: { readonly input?: unknown }) => (issue.input === undefined ? undefined : `must be ${expectation}`) };
}

/** The parse-level error map: a field that is not there is required (the schema's words are for wrong values). */
export const missingIsRequired = {
  error: (issue: { readonly code?: string; readonly input?: unknown }) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined),
};

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

/** A VALIDATION refusal: one detail per problem; `Error` joins their messages. */
export function validationFailure(details: readonly ValidationDetail[]): ApiError {
  return { code: 'VALIDATION', message: details.map((detail) => detail.message).join('; '), details };
}

/** One detail per refused field, each message naming its field. */
export function validationDetails(error: z.ZodError): ValidationDetail[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = fieldPath([...issue.path, key]);
        return { path, message: `${path} is not a field of this request` };
      });
    }
    const path = fieldPath(issue.path);
    // Our messages continue the field's name ("must be …", "is required"); zod's own (control routes) follow a colon.
    const separator = /^(must|is) /.test(issue.message) ? ' ' : ': ';
    return [{ path, message: `${path || 'The request body'}${separator}${issue.message}` }];
  });
}

const text = z.string(must('a string'));
const requiredText = z.string(must('a non-empty string')).min(1, must('a non-empty string'));
const externalId = z.string(must('a string')).optional();
const license = requiredText;
/** Inventory (package) IDs are strings in every recording, numeric as they look. */
const inventoryId = z.string(must('a string inventory ID')).min(1, must('a string inventory ID'));
const integerId = (what: string) => z.int(must(`an integer ${what}`)).positive(must(`an integer ${what}`));
const positiveNumber = (what: string) => z.number(must(`a positive number (${what})`)).positive(must(`a positive number (${what})`));
/** ny-api.md §1: ISO-8601 UTC timestamps, as recorded (`2024-01-31T10:00:00.000Z`); the fraction may be left out. */
const isoTime = z.iso.datetime(must('an ISO-8601 UTC date-time, e.g. 2026-12-01T14:00:00Z'));
const stopNumber = integerId('stop number');
const object = <S extends z.core.$ZodLooseShape>(shape: S, what: string) => z.strictObject(shape, must(`an object ${what}`));
const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, must(`an array ${what}`));

export const loginSchema = object({ Username: requiredText, Password: text }, '{Username, Password}');

export const employeeSchema = object(
  {
    Name: requiredText,
    Email: text.optional(),
    BirthDate: text.optional(),
    HireDate: text.optional(),
    DriverLicense: text.optional(),
    StateIssue: text.optional(),
    ExternalID: externalId,
  },
  'of employee fields',
);
export const employeeUpdateSchema = employeeSchema.partial();

export const vehicleSchema = object(
  {
    Name: requiredText,
    Make: text.optional(),
    Model: text.optional(),
    Year: text.optional(),
    Color: text.optional(),
    Plate: text.optional(),
    Vin: text.optional(),
    ExternalID: externalId,
  },
  'of vehicle fields',
);
export const vehicleUpdateSchema = vehicleSchema.partial();

export const invoiceSchema = object(
  {
    LocationLicense: license,
    BuyerLocationLicense: license,
    ExternalID: externalId,
    Inventory: list(
      object(
        {
          InventoryID: inventoryId,
          Amount: positiveNumber('the amount invoiced'),
          // Absent: the rules answer MISSING_PRICE.
          Price: z.number(must('a number (the unit price)')).optional(),
        },
        '{InventoryID, Amount, Price}',
      ),
      'of invoice lines',
    ),
  },
  '{LocationLicense, BuyerLocationLicense, ExternalID?, Inventory}',
);

export const manifestTypes = ['Transfer', 'Delivery', 'Pickup', 'ThirdParty', 'Return'] as const;

const thirdPartyTransporterSchema = object({ LicenseNumber: license, Name: requiredText }, '{LicenseNumber, Name}');
const driversSchema = list(object({ ID: integerId('employee ID') }, '{ID}'), 'of drivers [{ID}]');
/** The recorded Manifest.Vehicle.ID is a string: the vehicle's integer ID written as digits. */
const vehicleRef = `a string holding the vehicle's integer ID, e.g. "12"`;
const vehicleRefSchema = object(
  { ID: z.string(must(vehicleRef)).regex(/^[1-9]\d*$/, must(vehicleRef)).transform(Number) },
  '{ID}',
);
const manifestItemsSchema = list(object({ InventoryID: inventoryId, Quantity: positiveNumber('the quantity shipped') }, '{InventoryID, Quantity}'), 'of items');

const manifestFields = {
  LocationLicense: license,
  Type: z.enum(manifestTypes, must(`one of ${manifestTypes.join(', ')}`)),
  ExternalID: externalId,
  // Absent or empty: the rules answer DRIVER_REQUIRED / VEHICLE_REQUIRED.
  Driver: driversSchema.optional(),
  Vehicle: vehicleRefSchema.optional(),
  ThirdPartyTransporter: thirdPartyTransporterSchema.optional(),
};
const stopFields = {
  StopNumber: stopNumber,
  LocationLicense: license,
  InvoiceID: z.string(must('a string invoice ID')).min(1, must('a string invoice ID')),
  ApproximateDeparture: isoTime,
  ApproximateArrival: isoTime,
  ApproximateRoute: text.optional(),
  // Absent or empty: the rules answer NO_ITEMS.
  Item: manifestItemsSchema.optional(),
};

export const manifestSchema = object({ ...manifestFields, Stop: list(object(stopFields, 'of stop fields'), 'of stops') }, 'of manifest fields');

/**
 * An amendment before shipping: the create body's fields, all optional; a stop is named by its
 * StopNumber. What identifies the manifest or its contents may be repeated but not changed (the model checks).
 */
export const manifestUpdateSchema = object(
  {
    ...manifestFields,
    LocationLicense: license.optional(),
    Type: manifestFields.Type.optional(),
    Stop: list(object(stopFields, 'of stop fields').partial().required({ StopNumber: true }), 'of stops').optional(),
  },
  'of manifest fields',
);

export const shipSchema = object({ ManifestID: z.string(must('a string manifest ID')).min(1, must('a string manifest ID')), ExternalID: externalId }, '{ManifestID, ExternalID?}');

/** [leniency] Arrive, undo and void: the contract records no body; an ExternalID (for the call log) is all they take. */
export const externalIdOnlySchema = object({ ExternalID: externalId }, '{ExternalID?}');

/** DELETE takes no body at all. */
export const emptySchema = object({}, 'without fields');

const receivedAmount = z.number(must('a non-negative number (the amount received)')).nonnegative(must('a non-negative number (the amount received)'));

export const receiveSchema = object(
  {
    RoomID: integerId('room ID').optional(),
    ExternalID: externalId,
    // The server stamps the time received; a ReceivedTime in the body is an unknown field (no back-dating).
    Item: list(
      object(
        { InventoryID: inventoryId, Accept: z.boolean(must('a boolean')), ReceivedAmount: receivedAmount.optional(), RejectReason: text.optional() },
        '{InventoryID, Accept, ReceivedAmount?, RejectReason?}',
      ),
      'of items',
    ),
  },
  '{RoomID?, ExternalID?, Item}',
);

/**
 * [inferred] A transfer its shipper never reported (it travelled with a paper manifest), recorded
 * by the receiver together with its receipt. Not in the contract: shaped after the receive call,
 * plus what the paper says was shipped.
 */
export const intakeSchema = object(
  {
    ExternalID: externalId,
    OutboundLicense: license,
    PaperManifestNumber: requiredText,
    Driver: list(object({ Name: requiredText }, '{Name}'), 'of drivers [{Name}]').optional(),
    RoomID: integerId('room ID').optional(),
    Item: list(
      object(
        {
          // The paper's tags become inventory of the receiver: state tags are 16 digits.
          InventoryID: z.string(must('a 16-digit string')).regex(/^\d{16}$/, must('a 16-digit string')),
          Description: requiredText,
          Amount: positiveNumber('the amount shipped'),
          UOM: z.string(must(`one of ${UNITS_OF_MEASURE.join(', ')}`)).refine((uom) => UNITS_OF_MEASURE.includes(uom), must(`one of ${UNITS_OF_MEASURE.join(', ')}`)),
          Accept: z.boolean(must('a boolean')),
          ReceivedAmount: receivedAmount.optional(),
          RejectReason: text.optional(),
        },
        'of item fields',
      ),
      'of items',
    ),
  },
  'of intake fields',
);

export type LoginInput = z.infer<typeof loginSchema>;
export type EmployeeInput = z.infer<typeof employeeSchema>;
export type EmployeeUpdate = z.infer<typeof employeeUpdateSchema>;
export type VehicleInput = z.infer<typeof vehicleSchema>;
export type VehicleUpdate = z.infer<typeof vehicleUpdateSchema>;
export type InvoiceInput = z.infer<typeof invoiceSchema>;
export type ManifestType = (typeof manifestTypes)[number];
export type ManifestInput = z.output<typeof manifestSchema>;
export type ManifestUpdate = z.output<typeof manifestUpdateSchema>;
export type ShipInput = z.infer<typeof shipSchema>;
export type ReceiveInput = z.infer<typeof receiveSchema>;
export type IntakeInput = z.infer<typeof intakeSchema>;
