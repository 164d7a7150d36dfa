/**
 * Request bodies of the write routes, field names as in Metrc's New York Postman collection
 * (test/integration/metrc/recorded-responses.json, `requests`). Each write takes an array; each
 * element is checked here: an unknown field, a JSON type the recording does not give the field, or a
 * missing required field is a row error naming the field in Json.NET's / ASP.NET's words
 * (`Error converting value "abc" to type 'Decimal'. Path '[0].Quantity'.`, `The Name field is required.`).
 * Business rules (does the package exist, is the recipient known) follow in the model.
 */
import * as z from 'zod';
import type { RowError } from './errors.ts';

type Expected = 'String' | 'Decimal' | 'Int64' | 'Boolean' | 'DateTime' | 'Date' | 'List' | 'Object';

/** Issue messages are codes the mapper turns into Metrc's sentences. */
function expect(type: Expected, required: boolean) {
  return {
    error: (issue: { readonly input?: unknown }) => (issue.input === undefined || issue.input === null ? (required ? 'required' : `type:${type}`) : `type:${type}`),
  };
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:\d{2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const text = z.string(expect('String', false)).nullable().optional();
const requiredText = z.string(expect('String', true));
const decimal = z.number(expect('Decimal', false)).nullable().optional();
const requiredDecimal = z.number(expect('Decimal', true));
const flag = z.boolean(expect('Boolean', false)).nullable().optional();
const dateTime = z.string(expect('DateTime', false)).regex(DATE_TIME, { error: 'type:DateTime' }).nullable().optional();
const requiredDateTime = z.string(expect('DateTime', true)).regex(DATE_TIME, { error: 'type:DateTime' });
const requiredDate = z.string(expect('Date', true)).regex(DATE, { error: 'type:Date' });
const date = z.string(expect('DateTime', false)).regex(DATE_TIME, { error: 'type:DateTime' }).nullable().optional();
const requiredId = z.int(expect('Int64', true));
const optionalId = z.int(expect('Int64', false)).nullable().optional();
const object = <S extends z.core.$ZodLooseShape>(shape: S, required = true) => z.strictObject(shape, expect('Object', required));
const list = <T extends z.ZodType>(item: T, required = true) => z.array(item, expect('List', required));

/** `DriverLayoverLeg` values in Metrc's recorded bodies. */
const layoverLeg = z.enum(['FromAndToLayover', 'FromLayover', 'ToLayover'], { error: 'type:LayoverLeg' }).nullable().optional();

const transporterDetail = object({
  DriverOccupationalLicenseNumber: text,
  DriverName: text,
  DriverLicenseNumber: text,
  DriverLayoverLeg: layoverLeg,
  VehicleMake: text,
  VehicleModel: text,
  VehicleLicensePlateNumber: text,
  // [placement inferred] NY types flag RequiresVehicleRegistrationNumber; no recorded body has the field.
  VehicleRegistrationNumber: text,
});

const transporter = object({
  TransporterFacilityLicenseNumber: text,
  DriverOccupationalLicenseNumber: text,
  DriverName: text,
  DriverLicenseNumber: text,
  DriverLayoverLeg: layoverLeg,
  PhoneNumberForQuestions: text,
  VehicleMake: text,
  VehicleModel: text,
  VehicleLicensePlateNumber: text,
  VehicleRegistrationNumber: text,
  IsLayover: flag,
  EstimatedDepartureDateTime: dateTime,
  EstimatedArrivalDateTime: dateTime,
  TransporterDetails: list(transporterDetail, false).nullable().optional(),
});

const templatePackage = object({
  PackageLabel: requiredText,
  WholesalePrice: decimal,
  GrossWeight: decimal,
  GrossUnitOfWeightName: text,
});

const destinationFields = {
  RecipientLicenseNumber: requiredText,
  InvoiceNumber: text,
  TransferTypeName: requiredText,
  PlannedRoute: text,
  EstimatedDepartureDateTime: requiredDateTime,
  EstimatedArrivalDateTime: requiredDateTime,
  Transporters: list(transporter),
  Packages: list(templatePackage),
};

const headerFields = {
  Name: text,
  TransporterFacilityLicenseNumber: text,
  DriverOccupationalLicenseNumber: text,
  DriverName: text,
  DriverLicenseNumber: text,
  PhoneNumberForQuestions: text,
  VehicleMake: text,
  VehicleModel: text,
  VehicleLicensePlateNumber: text,
};

export const templateCreateSchema = object({ ...headerFields, Destinations: list(object(destinationFields)) });
export const templateUpdateSchema = object({
  TransferTemplateId: requiredId,
  ...headerFields,
  Destinations: list(object({ TransferDestinationId: optionalId, ...destinationFields })),
});

const externalPackage = object({
  ItemName: requiredText,
  Quantity: requiredDecimal,
  UnitOfMeasureName: requiredText,
  PackagedDate: requiredDateTime,
  ExpirationDate: date,
  SellByDate: date,
  UseByDate: date,
  GrossWeight: decimal,
  GrossUnitOfWeightName: text,
  WholesalePrice: decimal,
  ExternalId: text,
  IsFinishedGood: flag,
});

const externalDestinationFields = {
  RecipientLicenseNumber: requiredText,
  InvoiceNumber: text,
  TransferTypeName: requiredText,
  PlannedRoute: text,
  EstimatedDepartureDateTime: requiredDateTime,
  EstimatedArrivalDateTime: requiredDateTime,
  GrossWeight: decimal,
  GrossUnitOfWeightId: optionalId,
  Transporters: list(transporter),
  Packages: list(externalPackage),
};

const externalHeaderFields = {
  ShipperLicenseNumber: requiredText,
  ShipperName: requiredText,
  ShipperMainPhoneNumber: text,
  ShipperAddress1: text,
  ShipperAddress2: text,
  ShipperAddressCity: text,
  ShipperAddressState: text,
  ShipperAddressPostalCode: text,
  TransporterFacilityLicenseNumber: text,
  DriverOccupationalLicenseNumber: text,
  DriverName: text,
  DriverLicenseNumber: text,
  PhoneNumberForQuestions: text,
  VehicleMake: text,
  VehicleModel: text,
  VehicleLicensePlateNumber: text,
};

export const externalCreateSchema = object({ ...externalHeaderFields, Destinations: list(object(externalDestinationFields)) });
export const externalUpdateSchema = object({
  TransferId: requiredId,
  ...externalHeaderFields,
  Destinations: list(object({ TransferDestinationId: optionalId, ...externalDestinationFields })),
});

const driverFields = { Name: requiredText, DriversLicenseNumber: requiredText, EmployeeId: requiredText };
export const driverCreateSchema = object(driverFields);
/** The recorded update body writes `"Id": "Driver-1"`, a placeholder: the emulator wants the integer Id its GET answers. */
export const driverUpdateSchema = object({ Id: requiredId, ...driverFields });

const vehicleFields = { Make: requiredText, Model: requiredText, LicensePlateNumber: requiredText };
export const vehicleCreateSchema = object(vehicleFields);
export const vehicleUpdateSchema = object({ Id: requiredId, ...vehicleFields });

export const adjustSchema = object({
  Label: requiredText,
  Quantity: requiredDecimal,
  UnitOfMeasure: requiredText,
  AdjustmentReason: requiredText,
  AdjustmentDate: requiredDate,
  ReasonNote: text,
});

export type TemplateInput = z.output<typeof templateCreateSchema>;
export type TemplateUpdateInput = z.output<typeof templateUpdateSchema>;
export type DestinationInput = TemplateInput['Destinations'][number];
export type TransporterInput = DestinationInput['Transporters'][number];
export type ExternalInput = z.output<typeof externalCreateSchema>;
export type ExternalUpdateInput = z.output<typeof externalUpdateSchema>;
export type ExternalDestinationInput = ExternalInput['Destinations'][number];
export type DriverInput = z.output<typeof driverCreateSchema>;
export type DriverUpdateInput = z.output<typeof driverUpdateSchema>;
export type VehicleInput = z.output<typeof vehicleCreateSchema>;
export type VehicleUpdateInput = z.output<typeof vehicleUpdateSchema>;
export type AdjustInput = z.output<typeof adjustSchema>;

/** `Destinations[0].Packages[1].GrossWeight` */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = root;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'nothing' : JSON.stringify(value);
}

/** One row's schema issues as Metrc's row errors. */
export function rowIssues(row: number, input: unknown, error: z.ZodError): RowError[] {
  return error.issues.flatMap((issue): RowError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ row, message: `Could not find member '${key}' on object of type '${fieldPath(issue.path) || 'request'}'. Path '[${row}]${issue.path.length ? `.${fieldPath(issue.path)}` : ''}.${key}'.` }));
    }
    const path = fieldPath(issue.path);
    if (issue.message === 'required') return [{ row, message: `The ${path} field is required.` }];
    if (issue.message.startsWith('type:')) {
      const type = issue.message.slice('type:'.length);
      return [{ row, message: `Error converting value ${describeValue(valueAt(input, issue.path))} to type '${type}'. Path '[${row}].${path}'.` }];
    }
    return [{ row, message: `${path}: ${issue.message}` }];
  });
}
