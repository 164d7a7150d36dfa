/**
 * Response bodies after the recorded shapes (test/integration/metrc/recorded-responses.json): every
 * key the recording has, in its JSON type; fields the emulator has nothing to say about are null
 * where the recording shows null, or Metrc's neutral value ('' / 0 / false) where it shows a value.
 */
import type { Delivery, DeliveryPackage, Driver, Facility, MetrcModel, PackageRecord, Template, TemplateDelivery, Transfer, Vehicle } from './model.ts';
import { UNITS_OF_MEASURE } from './model.ts';
import type { TransferTypeSeed } from './seed.ts';
import { responseTime } from './time.ts';

/** `FacilityType` capability flags, as Metrc's example names them. */
export const FACILITY_TYPE_FLAGS = [
  'IsMedical', 'IsRetail', 'IsHemp', 'CanGrowPlants', 'CanCreateOpeningBalancePlantBatches', 'CanClonePlantBatches', 'CanTagPlantBatches',
  'CanAssignLocationsToPlantBatches', 'PlantsRequirePatientAffiliation', 'PlantBatchesCanContainMotherPlants', 'CanUpdatePlantStrains',
  'CanTrackVegetativePlants', 'CanCreateImmaturePlantPackagesFromPlants', 'CanPackageVegetativePlants', 'CanPackageWaste',
  'CanReportHarvestSchedules', 'CanSubmitHarvestsForTesting', 'CanRequireHarvestSampleLabTestBatches', 'CanReportStrainProperties',
  'CanCreateOpeningBalancePackages', 'CanCreateDerivedPackages', 'CanAssignLocationsToPackages', 'CanUpdateLocationsOnPackages',
  'PackagesRequirePatientAffiliation', 'CanCreateTradeSamplePackages', 'CanDonatePackages', 'CanSubmitPackagesForTesting',
  'CanCreateProcessValidationPackages', 'CanRequirePackageSampleLabTestBatches', 'CanReturnPackageQuantity', 'CanRequestProductRemediation',
  'CanRemediatePackagesWithFailedLabResults', 'CanRequestProductDecontamination', 'CanDecontaminatePackagesWithFailedLabResults',
  'CanInfuseProducts', 'CanRecordProcessingJobs', 'CanRecordProductForDestruction', 'CanDestroyProduct', 'CanTestPackages',
  'TestsRequireLabSample', 'CanTransferFromExternalFacilities', 'CanSellToConsumers', 'CanSellToPatients', 'CanSellToExternalPatients',
  'CanSellToCaregivers', 'RetailSalesToNonResidentConsumer', 'AdvancedSales', 'SalesRequirePatientNumber', 'SalesRequireExternalPatientNumber',
  'SalesRequireExternalPatientIdentificationMethod', 'SalesRequireCaregiverNumber', 'SalesRequireCaregiverPatientNumber',
  'CanDeliverSalesToConsumers', 'DeliverySalesToNonResidentConsumer', 'SalesDeliveryAllowPlannedRoute', 'SalesDeliveryAllowAddress',
  'SalesDeliveryAllowCity', 'SalesDeliveryAllowState', 'SalesDeliveryAllowCounty', 'SalesDeliveryAllowZip', 'SalesDeliveryRequireZone',
  'EnableExternalIdentifier', 'SalesDeliveryRequireConsumerId', 'CanDeliverSalesToPatients', 'SalesDeliveryRequirePatientNumber',
  'SalesDeliveryRequireRecipientName', 'IsSalesDeliveryHub', 'CanHaveMemberPatients', 'CanReportPatientCheckIns',
  'CanSpecifyPatientSalesLimitExemption', 'CanReportPatientsAdverseResponses', 'RetailerDelivery', 'RetailerDeliveryAllowTradeSamples',
  'RetailerDeliveryAllowDonations', 'RetailerDeliveryRequirePrice', 'RetailerDeliveryAllowPartialPackages', 'CanCreatePartialPackages',
  'CanAdjustSourcePackagesWithPartials', 'CanReportOperationalExceptions', 'CanReportAdulteration', 'CanDownloadProductLabel',
  'CanReceiveAssociateProductLabel', 'CanUseComplianceLabel', 'CanTrackFinishedGoods', 'CanOnlyReceiveFinishedGoods', 'CanViewSourcePackages',
  'EnableSublocations', 'TaxExemptReportingFeesFacilityType', 'TaxExemptTagOrdersFacilityType', 'CanAccessCatalog',
  'CanTrackMotherPlantsAsGrowthPhase', 'CanManageItemBrands',
] as const;

type Json = Record<string, unknown>;

function nulls(keys: readonly string[]): Json {
  return Object.fromEntries(keys.map((key) => [key, null]));
}

const time = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : responseTime(ms));

export function facilityShape(facility: Facility): Json {
  const flags = Object.fromEntries(FACILITY_TYPE_FLAGS.map((flag) => [flag, facility.flags[flag] ?? false]));
  return {
    FacilityId: facility.id,
    HireDate: '0001-01-01',
    IsOwner: false,
    IsManager: true,
    IsFinancialContact: false,
    Email: null,
    Occupations: [],
    Name: facility.name,
    Alias: facility.name,
    DisplayName: facility.name,
    CredentialedDate: '2025-11-01',
    SupportActivationDate: null,
    SupportExpirationDate: null,
    FacilityType: {
      IsMedical: flags['IsMedical'],
      IsRetail: flags['IsRetail'],
      IsHemp: flags['IsHemp'],
      ...nulls(['RestrictHarvestPlantRestoreTimeHours', 'TotalMemberPatientsAllowed', 'RestrictWholesalePriceEditDays', 'RestrictPlantBatchAdjustmentTimeHours']),
      ...flags,
    },
    License: { Number: facility.licenseNumber, EmployeeLicenseNumber: facility.licenseNumber, StartDate: '2025-01-01', EndDate: '2027-12-31', LicenseType: facility.licenseType },
    AllowTransferOfOnHoldPackages: null,
    AllowTransferOfOnRecallPackages: null,
  };
}

export function transferTypeShape(type: TransferTypeSeed): Json {
  return {
    Name: type.Name,
    TransactionType: type.TransactionType,
    ForLicensedShipments: type.ForLicensedShipments,
    ForExternalIncomingShipments: type.ForExternalIncomingShipments,
    ForExternalOutgoingShipments: type.ForExternalOutgoingShipments,
    RequiresDestinationGrossWeight: type.RequiresDestinationGrossWeight,
    RequiresPackagesGrossWeight: type.RequiresPackagesGrossWeight,
    RequiresInvoiceNumber: type.RequiresInvoiceNumber,
    RequiresPDFDocument: type.RequiresPDFDocument,
    RequiresVehicleRegistrationNumber: type.RequiresVehicleRegistrationNumber,
    BypassApproval: false,
    ExternalIncomingCanRecordExternalIdentifier: false,
    ExternalIncomingExternalIdentifierRequired: false,
    ExternalOutgoingCanRecordExternalIdentifier: false,
    ExternalOutgoingExternalIdentifierRequired: false,
  };
}

function abbreviation(unit: string): string {
  return UNITS_OF_MEASURE.find((uom) => uom.Name === unit)?.Abbreviation ?? unit;
}

const ITEM_NULLS = [
  'GlobalProductName', 'GlobalProductNumber', 'StrainId', 'StrainName', 'ItemBrandName', 'AdministrationMethod', 'UnitCbdPercent',
  'UnitCbdContent', 'UnitCbdContentUnitOfMeasureName', 'UnitCbdContentDose', 'UnitCbdContentDoseUnitOfMeasureName', 'UnitCbdAPercent',
  'UnitCbdAContent', 'UnitCbdAContentUnitOfMeasureName', 'UnitCbdAContentDose', 'UnitCbdAContentDoseUnitOfMeasureName', 'UnitThcAPercent',
  'UnitThcAContent', 'UnitThcAContentUnitOfMeasureName', 'UnitThcAContentDose', 'UnitThcAContentDoseUnitOfMeasureId',
  'UnitThcAContentDoseUnitOfMeasureName', 'UnitThcPercent', 'UnitThcContent', 'UnitThcContentUnitOfMeasureName', 'UnitThcContentDose',
  'UnitThcContentDoseUnitOfMeasureId', 'UnitThcContentDoseUnitOfMeasureName', 'UnitVolume', 'UnitVolumeUnitOfMeasureName', 'UnitWeight',
  'UnitWeightUnitOfMeasureName', 'ServingSize', 'NumberOfDoses', 'UnitQuantity', 'UnitQuantityUnitOfMeasureName', 'PublicIngredients',
  'Description', 'Allergens', 'ProductPhotoDescription', 'LabelPhotoDescription', 'PackagingPhotoDescription', 'ProcessingJobCategoryName',
  'ProcessingJobTypeName', 'ProductBrandName',
];

function productLabel(pkg: PackageRecord): Json {
  return {
    QrCount: pkg.qrCount,
    IsChildFromParentWithLabel: false,
    OriginalSourcePackageId: null,
    OriginalSourcePackageLabel: null,
    LabelSource: null,
    QrCodeRanges: null,
    LastLabelGenerationDate: null,
    IsActive: true,
  };
}

export function packageShape(pkg: PackageRecord): Json {
  const countBased = UNITS_OF_MEASURE.some((uom) => uom.Name === pkg.unitOfMeasure && uom.QuantityType === 'CountBased');
  return {
    Id: pkg.id,
    Label: pkg.label,
    ExternalId: pkg.externalId,
    PackageType: 'Product',
    SourceHarvestCount: 0,
    SourcePackageCount: 0,
    SourceProcessingJobCount: 0,
    ...nulls(['SourceHarvestNames', 'SourcePackageLabels', 'LocationId', 'LocationName', 'SublocationId', 'SublocationName', 'LocationTypeName']),
    Quantity: pkg.quantity,
    OriginalPackageQuantity: pkg.originalQuantity,
    UnitOfMeasureName: pkg.unitOfMeasure,
    UnitOfMeasureAbbreviation: abbreviation(pkg.unitOfMeasure),
    ...nulls(['PatientLicenseNumber', 'ItemFromFacilityLicenseNumber', 'ItemFromFacilityName', 'Note']),
    PackagedDate: pkg.packagedDate,
    ...nulls(['ExpirationDate', 'SellByDate', 'UseByDate']),
    InitialLabTestingState: 'NotSubmitted',
    LabTestingState: pkg.labTestingState,
    LabTestingStateDate: pkg.packagedDate,
    ...nulls(['LabTestingPerformedDate', 'LabTestResultExpirationDateTime', 'LabTestingRecordedDate', 'LabTestStageId', 'LabTestStage']),
    IsProductionBatch: pkg.productionBatchNumber !== null,
    ProductionBatchNumber: pkg.productionBatchNumber,
    SourceProductionBatchNumbers: null,
    IsTradeSample: pkg.isTradeSample,
    IsTradeSamplePersistent: pkg.isTradeSample,
    SourcePackageIsTradeSample: false,
    IsDonation: false,
    IsDonationPersistent: false,
    SourcePackageIsDonation: false,
    IsTestingSample: false,
    IsProcessValidationTestingSample: false,
    ProductRequiresRemediation: false,
    ContainsRemediatedProduct: false,
    RemediationDate: null,
    ProductRequiresDecontamination: false,
    ContainsDecontaminatedProduct: false,
    DecontaminationDate: null,
    ContainsPreTreatedProduct: false,
    PreTreatmentDate: null,
    ReceivedDateTime: time(pkg.received?.atMs),
    ReceivedFromManifestNumber: pkg.received?.manifestNumber ?? null,
    ReceivedFromFacilityLicenseNumber: pkg.received?.fromLicense ?? null,
    ReceivedFromFacilityName: pkg.received?.fromName ?? null,
    IsOnHold: pkg.isOnHold,
    IsOnHoldCombined: pkg.isOnHold,
    IsOnInvestigation: false,
    IsOnInvestigationHold: false,
    IsOnInvestigationRecall: false,
    IsOnRecall: pkg.isOnRecall,
    IsOnRecallCombined: pkg.isOnRecall,
    ArchivedDate: null,
    IsFinished: pkg.finished,
    FinishedDate: pkg.finished ? pkg.packagedDate : null,
    IsFinishedGood: pkg.isFinishedGood,
    IsOnRetailerDelivery: false,
    PackageForProductDestruction: null,
    LabelsLastGeneratedDateTime: null,
    LastModified: responseTime(pkg.lastModifiedMs),
    Item: {
      Id: pkg.itemId,
      Name: pkg.itemName,
      ProductCategoryName: pkg.itemCategory,
      ProductCategoryType: 0,
      IsExpirationDateRequired: false,
      HasExpirationDate: false,
      IsSellByDateRequired: false,
      HasSellByDate: false,
      IsUseByDateRequired: false,
      HasUseByDate: false,
      QuantityType: countBased ? 0 : 1,
      DefaultLabTestingState: 0,
      UnitOfMeasureName: pkg.unitOfMeasure,
      ApprovalStatus: 0,
      ApprovalStatusDateTime: '0001-01-01T00:00:00+00:00',
      ItemBrandId: 0,
      ...nulls(ITEM_NULLS),
      ProductImages: [],
      LabelImages: [],
      PackagingImages: [],
      ProductPDFDocuments: [],
      IsUsed: true,
      LabTestBatchNames: [],
    },
    ProductLabel: productLabel(pkg),
  };
}

const DELIVERY_PACKAGE_ITEM_NULLS = [
  'ItemStrainName', 'ItemBrandName', 'ItemUnitCbdPercent', 'ItemUnitCbdContent', 'ItemUnitCbdContentUnitOfMeasureName', 'ItemUnitCbdContentDose',
  'ItemUnitCbdContentDoseUnitOfMeasureName', 'ItemUnitThcPercent', 'ItemUnitThcContent', 'ItemUnitThcContentUnitOfMeasureName',
  'ItemUnitThcContentDose', 'ItemUnitThcContentDoseUnitOfMeasureName', 'ItemUnitCbdAPercent', 'ItemUnitCbdAContent',
  'ItemUnitCbdAContentUnitOfMeasureName', 'ItemUnitCbdAContentDose', 'ItemUnitCbdAContentDoseUnitOfMeasureName', 'ItemUnitThcAPercent',
  'ItemUnitThcAContent', 'ItemUnitThcAContentUnitOfMeasureName', 'ItemUnitThcAContentDose', 'ItemUnitThcAContentDoseUnitOfMeasureName',
  'ItemUnitVolume', 'ItemUnitVolumeUnitOfMeasureName', 'ItemUnitWeight', 'ItemUnitWeightUnitOfMeasureName', 'ItemServingSize',
  'ItemSupplyDurationDays', 'ItemUnitQuantity', 'ItemUnitQuantityUnitOfMeasureName',
];

/** A package on a delivery or a template delivery (`ShipmentPackageState`, shipped and received quantity). */
export function deliveryPackageShape(pkg: PackageRecord, line: { state: DeliveryPackage['state']; shippedQuantity: number; shippedUnit: string; receivedQuantity: number | null; grossUnitOfWeightName: string | null }): Json {
  return {
    PackageId: pkg.id,
    PackageLabel: pkg.label,
    PackageType: 'Product',
    SourceHarvestNames: null,
    SourcePackageLabels: null,
    ItemId: pkg.itemId,
    ItemName: pkg.itemName,
    ItemCategoryName: pkg.itemCategory,
    ...nulls(DELIVERY_PACKAGE_ITEM_NULLS),
    LabTestingState: pkg.labTestingState,
    ProductionBatchNumber: pkg.productionBatchNumber,
    IsTradeSample: pkg.isTradeSample,
    IsTradeSamplePersistent: pkg.isTradeSample,
    SourcePackageIsTradeSample: false,
    IsDonation: false,
    SourcePackageIsDonation: false,
    IsTestingSample: false,
    ProductRequiresRemediation: false,
    ContainsRemediatedProduct: false,
    RemediationDate: null,
    ShipmentPackageState: line.state,
    ShippedQuantity: line.shippedQuantity,
    ShippedUnitOfMeasureName: line.shippedUnit,
    PackagedDate: pkg.packagedDate,
    ...nulls(['ExpirationDate', 'SellByDate', 'UseByDate']),
    GrossUnitOfWeightName: line.grossUnitOfWeightName,
    ReceivedQuantity: line.receivedQuantity,
    ReceivedUnitOfMeasureName: line.receivedQuantity === null ? null : line.shippedUnit,
    ProductLabel: productLabel(pkg),
    SourceProductionBatchNumbers: null,
    ExternalId: pkg.externalId,
    IsFinishedGood: pkg.isFinishedGood,
  };
}

interface Leg {
  readonly transporters: Delivery['transporters'];
  readonly estimatedDeparture: string;
  readonly estimatedArrival: string;
}

function crew(model: MetrcModel, leg: Leg | undefined): Json {
  const first = leg?.transporters[0];
  const license = first?.TransporterFacilityLicenseNumber ?? '';
  return {
    TransporterFacilityLicenseNumber: license,
    TransporterFacilityName: license ? model.facilityName(license) : '',
    DriverName: first?.DriverName ?? '',
    DriverOccupationalLicenseNumber: first?.DriverOccupationalLicenseNumber ?? '',
    DriverVehicleLicenseNumber: first?.DriverLicenseNumber ?? '',
    VehicleMake: first?.VehicleMake ?? '',
    VehicleModel: first?.VehicleModel ?? '',
    VehicleLicensePlateNumber: first?.VehicleLicensePlateNumber ?? '',
    VehicleRegistrationNumber: first?.VehicleRegistrationNumber ?? '',
  };
}

const CONTAINS = {
  ContainsPlantPackage: false,
  ContainsProductPackage: true,
  ContainsDonation: false,
  ContainsTestingSample: false,
  ContainsProductRequiresRemediation: false,
  ContainsRemediatedProductPackage: false,
  ContainsPreTreatedProductPackage: false,
};

const RETURN_TIMES = nulls(['EstimatedReturnDepartureDateTime', 'ActualReturnDepartureDateTime', 'EstimatedReturnArrivalDateTime', 'ActualReturnArrivalDateTime']);

function typeOf(model: MetrcModel, shipper: string, name: string, recipient?: string): TransferTypeSeed | undefined {
  return model.transferTypes(shipper).find((t) => t.Name === name) ?? (recipient ? model.transferTypes(recipient).find((t) => t.Name === name) : undefined);
}

/**
 * A registered transfer as `/transfers/v2/outgoing` (one row per transfer, recipient fields null, as
 * NY production shows) or as `/incoming` and `/rejected` (one row per delivery, with its recipient).
 */
export function transferShape(model: MetrcModel, transfer: Transfer, delivery?: Delivery): Json {
  const first = transfer.deliveries[0];
  const leg = delivery ?? first;
  const accepted = (packages: readonly DeliveryPackage[]) => packages.filter((p) => p.state === 'Accepted').length;
  const all = transfer.deliveries.flatMap((d) => d.packages);
  const type = leg ? typeOf(model, transfer.shipperLicense, leg.transferTypeName, leg.recipientLicense) : undefined;
  return {
    Id: transfer.id,
    ManifestNumber: transfer.manifestNumber,
    InvoiceNumber: leg?.invoiceNumber ?? null,
    ShipmentLicenseType: transfer.external ? 'Unlicensed' : 'Licensed',
    ShipperFacilityLicenseNumber: transfer.shipperLicense,
    ShipperFacilityName: transfer.shipperName,
    Name: transfer.name,
    ...crew(model, leg),
    DeliveryCount: transfer.deliveries.length,
    ReceivedDeliveryCount: transfer.deliveries.filter((d) => d.receivedMs !== null).length,
    PackageCount: all.length,
    ReceivedPackageCount: accepted(all),
    ...CONTAINS,
    ContainsTradeSample: all.some((line) => model.packages.get(line.label)?.isTradeSample === true),
    IsVoided: transfer.voided,
    CreatedDateTime: responseTime(transfer.createdMs),
    CreatedByUserName: transfer.createdBy,
    LastModified: responseTime(transfer.lastModifiedMs),
    DeliveryId: leg?.id ?? 0,
    RecipientFacilityLicenseNumber: delivery ? delivery.recipientLicense : null,
    RecipientFacilityName: delivery ? model.facilityName(delivery.recipientLicense) : null,
    ShipmentTypeName: delivery ? delivery.transferTypeName : null,
    ShipmentTransactionType: delivery ? (type?.TransactionType ?? null) : null,
    EstimatedDepartureDateTime: leg?.estimatedDeparture ?? null,
    ActualDepartureDateTime: time(leg?.actualDepartureMs),
    EstimatedArrivalDateTime: leg?.estimatedArrival ?? null,
    ActualArrivalDateTime: time(leg?.actualArrivalMs),
    DeliveryPackageCount: delivery ? delivery.packages.length : 0,
    DeliveryReceivedPackageCount: delivery ? accepted(delivery.packages) : 0,
    ReceivedDateTime: time(leg?.receivedMs),
    ...RETURN_TIMES,
    OriginatingTemplateId: transfer.originatingTemplateId,
  };
}

/** A template as `GET /transfers/v2/templates/outgoing` lists it: the outgoing row, not yet numbered. */
export function templateShape(model: MetrcModel, template: Template): Json {
  const first = template.deliveries[0];
  const shipper = model.facility(template.licenseNumber);
  const all = template.deliveries.flatMap((d) => d.packages);
  return {
    Id: template.id,
    ManifestNumber: null,
    InvoiceNumber: first?.invoiceNumber ?? null,
    ShipmentLicenseType: 'Licensed',
    ShipperFacilityLicenseNumber: template.licenseNumber,
    ShipperFacilityName: shipper?.name ?? template.licenseNumber,
    Name: template.name,
    ...crew(model, first),
    DeliveryCount: template.deliveries.length,
    ReceivedDeliveryCount: 0,
    PackageCount: all.length,
    ReceivedPackageCount: 0,
    ...CONTAINS,
    ContainsTradeSample: all.some((line) => model.packages.get(line.label)?.isTradeSample === true),
    IsVoided: false,
    CreatedDateTime: responseTime(template.createdMs),
    CreatedByUserName: template.createdBy,
    LastModified: responseTime(template.lastModifiedMs),
    DeliveryId: 0,
    ...nulls(['RecipientFacilityLicenseNumber', 'RecipientFacilityName', 'ShipmentTypeName', 'ShipmentTransactionType']),
    EstimatedDepartureDateTime: first?.estimatedDeparture ?? null,
    ActualDepartureDateTime: null,
    EstimatedArrivalDateTime: first?.estimatedArrival ?? null,
    ActualArrivalDateTime: null,
    DeliveryPackageCount: 0,
    DeliveryReceivedPackageCount: 0,
    ReceivedDateTime: null,
    ...RETURN_TIMES,
    OriginatingTemplateId: null,
  };
}

/** One destination of a transfer (`/transfers/v2/{id}/deliveries`) or of a template (`…/templates/outgoing/{id}/deliveries`). */
export function deliveryShape(model: MetrcModel, shipperLicense: string, delivery: Delivery | TemplateDelivery, index: number, manifestNumber: string | null): Json {
  const registered = 'transferId' in delivery ? delivery : undefined;
  const type = typeOf(model, shipperLicense, delivery.transferTypeName, delivery.recipientLicense);
  return {
    Id: delivery.id,
    ManifestNumber: manifestNumber,
    DeliveryNumber: index + 1,
    RecipientFacilityLicenseNumber: delivery.recipientLicense,
    RecipientFacilityName: model.facilityName(delivery.recipientLicense),
    ShipmentTypeName: delivery.transferTypeName,
    ShipmentTransactionType: type?.TransactionType ?? 'Standard',
    InvoiceNumber: delivery.invoiceNumber,
    EstimatedDepartureDateTime: delivery.estimatedDeparture,
    ActualDepartureDateTime: time(registered?.actualDepartureMs),
    EstimatedArrivalDateTime: delivery.estimatedArrival,
    ActualArrivalDateTime: time(registered?.actualArrivalMs),
    GrossWeight: null,
    GrossUnitOfWeightId: null,
    GrossUnitOfWeightName: null,
    PlannedRoute: delivery.plannedRoute ?? '',
    DeliveryPackageCount: delivery.packages.length,
    DeliveryReceivedPackageCount: registered ? registered.packages.filter((p) => p.state === 'Accepted').length : 0,
    ReceivedDateTime: time(registered?.receivedMs),
    ...RETURN_TIMES,
    RejectedPackagesReturned: registered?.rejectedPackagesReturned ?? false,
    PDFDocumentFileSystemId: null,
  };
}

/** Drivers and vehicles of a delivery: each transporter leg, then the extra drivers it lists in `TransporterDetails`. */
export function transporterDetailShapes(delivery: Delivery): Json[] {
  return delivery.transporters.flatMap((leg) => {
    const rows = [leg, ...(leg.TransporterDetails ?? [])];
    return rows.map((row) => ({
      ShipmentDeliveryId: delivery.id,
      DriverName: row.DriverName ?? '',
      DriverOccupationalLicenseNumber: row.DriverOccupationalLicenseNumber ?? '',
      DriverVehicleLicenseNumber: row.DriverLicenseNumber ?? '',
      DriverLayoverLeg: row.DriverLayoverLeg ?? null,
      VehicleMake: row.VehicleMake ?? '',
      VehicleModel: row.VehicleModel ?? '',
      VehicleLicensePlateNumber: row.VehicleLicensePlateNumber ?? '',
      ActualDriverStartDateTime: time(delivery.actualDepartureMs),
    }));
  });
}

/** One package the facility has shipped (`/packages/v2/transferred`), whatever became of it. */
export function transferredShape(model: MetrcModel, transfer: Transfer, delivery: Delivery, line: DeliveryPackage): Json {
  const pkg = model.packages.get(line.label);
  return {
    Id: line.rowId,
    PackageId: line.packageId,
    RecipientFacilityLicenseNumber: delivery.recipientLicense,
    RecipientFacilityName: model.facilityName(delivery.recipientLicense),
    ManifestNumber: transfer.manifestNumber,
    PackageLabel: line.label,
    ExternalId: pkg?.externalId ?? null,
    SourceHarvestNames: '',
    SourcePackageLabels: '',
    ProductName: pkg?.itemName ?? '',
    ProductCategoryName: pkg?.itemCategory ?? '',
    ItemStrainName: null,
    LabTestingStateName: pkg?.labTestingState ?? 'NotSubmitted',
    ShippedQuantity: line.shippedQuantity,
    ShippedUnitOfMeasureAbbreviation: abbreviation(line.shippedUnit),
    GrossWeight: line.grossWeight,
    GrossUnitOfWeightAbbreviation: line.grossUnitOfWeightName === null ? null : abbreviation(line.grossUnitOfWeightName),
    ShipperWholesalePrice: line.wholesalePrice,
    ReceivedQuantity: line.receivedQuantity,
    ReceivedUnitOfMeasureAbbreviation: line.receivedQuantity === null ? null : abbreviation(line.shippedUnit),
    ReceiverWholesalePrice: null,
    ShipmentPackageStateName: line.state,
    ActualDepartureDateTime: time(delivery.actualDepartureMs),
    ReceivedDateTime: time(delivery.receivedMs),
    ProcessingJobTypeName: null,
  };
}

export function driverShape(driver: Driver, facility: Facility | undefined): Json {
  return {
    Id: driver.id,
    FacilityId: facility?.id ?? 0,
    EmployeeId: driver.employeeId,
    Name: driver.name,
    DriversLicenseNumber: driver.driversLicenseNumber,
    IsArchived: driver.archived,
    LastModified: responseTime(driver.lastModifiedMs),
  };
}

export function vehicleShape(vehicle: Vehicle, facility: Facility | undefined): Json {
  return {
    Id: vehicle.id,
    FacilityId: facility?.id ?? 0,
    Make: vehicle.make,
    Model: vehicle.model,
    LicensePlateNumber: vehicle.licensePlateNumber,
    IsArchived: vehicle.archived,
    LastModified: responseTime(vehicle.lastModifiedMs),
  };
}
