/**
 * Metrc's answers as the adapter reads them, after the recorded shapes
 * (test/integration/metrc/recorded-responses.json): PascalCase, ids integers, times with an
 * offset, null where Metrc has nothing to say. Loose: fields the hub does not read may come and go;
 * a body that does not match is an unexpected answer, never silently accepted.
 */
import * as z from 'zod';

const id = z.number().int();
const text = z.string().nullish();
const time = z.string().nullish();

/** `{"Message": "..."}` errors (400 and 401 among others). */
export const messageError = z.looseObject({ Message: z.string() });
/** `[{"row": 0, "message": "..."}]`: one per problem, row = index in the request array. */
export const rowErrors = z.array(z.looseObject({ row: z.number().int().nullish(), message: z.string() })).min(1);

/** A page of a list: `{Data, Total, TotalRecords, PageSize, RecordsOnPage, Page, CurrentPage, TotalPages}`. */
export const page = <T extends z.ZodType>(item: T) =>
  z.looseObject({ Data: z.array(item), TotalPages: z.number().int().nonnegative(), CurrentPage: z.number().int().optional(), Total: z.number().int().optional() });

export const created = z.looseObject({ Ids: z.array(id).min(1) });
/** Updates, deletes and actions answer 200 with an empty body. */
export const empty = z.unknown();

export const facility = z.looseObject({
  Name: text,
  License: z.looseObject({ Number: z.string(), LicenseType: text }),
});
export const facilities = z.array(facility);

export const transferType = z.looseObject({
  Name: z.string(),
  TransactionType: text,
  ForLicensedShipments: z.boolean(),
  RequiresDestinationGrossWeight: z.boolean().nullish(),
  RequiresPDFDocument: z.boolean().nullish(),
  RequiresInvoiceNumber: z.boolean().nullish(),
  RequiresPackagesGrossWeight: z.boolean().nullish(),
  RequiresVehicleRegistrationNumber: z.boolean().nullish(),
});
export type TransferTypeBody = z.output<typeof transferType>;

/** A package (`GET /packages/v2/{label}`, and the rows of `/active` and `/intransit`): what the pre-flight and the picker read. */
export const packageOne = z.looseObject({
  Id: id,
  Label: z.string(),
  Quantity: z.number(),
  UnitOfMeasureName: z.string(),
  IsOnHold: z.boolean().nullish(),
  IsOnHoldCombined: z.boolean().nullish(),
  IsOnInvestigationHold: z.boolean().nullish(),
  // Metrc's own example sends IsOnRecall null: null is "no".
  IsOnRecall: z.boolean().nullish(),
  IsOnRecallCombined: z.boolean().nullish(),
  IsOnInvestigationRecall: z.boolean().nullish(),
  IsFinished: z.boolean().nullish(),
  ArchivedDate: time,
  IsFinishedGood: z.boolean().nullish(),
  LabTestingState: text,
  Item: z.looseObject({ Name: text, ProductCategoryName: text }).nullish(),
  ProductLabel: z.looseObject({ QrCount: z.number().int().nullish() }).nullish(),
});
export type PackageBody = z.output<typeof packageOne>;

/** A template row (`GET /transfers/v2/templates/outgoing`) or a registered transfer row (outgoing, incoming). */
export const transferRow = z.looseObject({
  Id: id,
  ManifestNumber: text,
  Name: text,
  InvoiceNumber: text,
  ShipperFacilityLicenseNumber: text,
  ShipperFacilityName: text,
  DriverName: text,
  VehicleMake: text,
  VehicleModel: text,
  VehicleLicensePlateNumber: text,
  DeliveryCount: z.number().int().nullish(),
  ReceivedDeliveryCount: z.number().int().nullish(),
  IsVoided: z.boolean().nullish(),
  CreatedDateTime: time,
  LastModified: z.string(),
  DeliveryId: z.number().int().nullish(),
  RecipientFacilityLicenseNumber: text,
  EstimatedDepartureDateTime: time,
  ActualDepartureDateTime: time,
  EstimatedArrivalDateTime: time,
  ActualArrivalDateTime: time,
  ReceivedDateTime: time,
  OriginatingTemplateId: z.number().int().nullish(),
});
export type TransferRowBody = z.output<typeof transferRow>;

/** One destination of a transfer or a template. */
export const delivery = z.looseObject({
  Id: id,
  RecipientFacilityLicenseNumber: z.string(),
  EstimatedDepartureDateTime: time,
  ActualDepartureDateTime: time,
  EstimatedArrivalDateTime: time,
  ActualArrivalDateTime: time,
  ReceivedDateTime: time,
  RejectedPackagesReturned: z.boolean().nullish(),
});
export type DeliveryBody = z.output<typeof delivery>;

export const deliveryPackage = z.looseObject({
  PackageLabel: z.string(),
  ItemName: text,
  ShipmentPackageState: z.string(),
  ShippedQuantity: z.number(),
  ShippedUnitOfMeasureName: z.string(),
  ReceivedQuantity: z.number().nullish(),
  ReceivedUnitOfMeasureName: text,
});
export type DeliveryPackageBody = z.output<typeof deliveryPackage>;

export const transporterDetail = z.looseObject({ DriverName: text, VehicleMake: text, VehicleModel: text, VehicleLicensePlateNumber: text });

/** `GET /transfers/v2/manifest/{id}/pdf`: the official manifest as a file answer (metrc.md §2). */
export const fileAnswer = z.looseObject({ FileContents: z.string().min(1), ContentType: text, FileDownloadName: text });
