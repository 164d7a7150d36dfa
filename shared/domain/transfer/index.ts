/** The transfer domain: pure rules, schemas and state changes. No I/O; time comes in through the context. */
export { draftProblems, thcBases } from './content.ts';
export type { ThcBasis } from './content.ts';
export { NOT_REPORTED, externalShipperId, importInbound, unitOf } from './inbound.ts';
export type { InboundInput, PaperManifestOrigin, StateOrigin, TransferOrigin } from './inbound.ts';
export { NOT_ON_PAPER, paperManifestBody, paperShipperId, takeInPaperManifest } from './paper-intake.ts';
export type { PaperIntake, PaperIntakeContext, PaperIntakeInput, PaperManifestBody } from './paper-intake.ts';
export { canonicalJson, payloadHash } from './events.ts';
export type { Actor, EventAction, TransferEvent } from './events.ts';
export { allowedActions, checkTransition, hubLifecycle, nextStatuses, reservesTags, transferActions, transferStatuses } from './lifecycle.ts';
export type { InvalidTransition, TransferAction, TransferCapabilities, TransferStatus } from './lifecycle.ts';
export { amend, isSameLicensee, licenseTypeOf, manifest, packageWeightWarnings, recordStateManifestNumber } from './manifest.ts';
export type { AmendmentParties, ManifestContext, ManifestParties, StateNumbering } from './manifest.ts';
export { jsonPointer } from './problems.ts';
export type { FieldProblem } from './problems.ts';
export { units, volumeUnits, weightUnits } from './quantities.ts';
export type { Unit, Weight, WeightUnit } from './quantities.ts';
export { hasOverage, receive, returnDraftFrom } from './receipt.ts';
export { activeLink, issueReceiptLink, linkStanding, receiveByLink, revokeReceiptLink, takesReceiptLink, withReceiptLink } from './receipt-link.ts';
export type { LinkStanding } from './receipt-link.ts';
export type { ReceiveContext, ReturnContext } from './receipt.ts';
export { defaultTransferRules, ruleBasis } from './rules.ts';
export type { RuleBasis, TransferRules } from './rules.ts';
export {
  addressSchema,
  amendBody,
  arriveBody,
  createTransferBody,
  departBody,
  labTestStatuses,
  receiptBody,
  rejectionReasons,
  requestableTransferTypes,
  returnBody,
  transferLine,
  transferTypes,
  updateTransferBody,
  voidBody,
} from './schemas.ts';
export type {
  Address,
  AmendBody,
  ArriveBody,
  CreateTransferBody,
  DepartBody,
  ReceiptBody,
  ReceiptLineInput,
  RejectionReason,
  ReturnBody,
  TransferContent,
  TransferLine,
  TransferType,
  UpdateTransferBody,
  VoidBody,
} from './schemas.ts';
export { anyPackageTag, anyTagFormat, isTagFor, noStateSystem, tagFormatProblems } from './tags.ts';
export type { PackageTagFormat, StateSystem } from './tags.ts';
export { arrive, conveyanceTypes, createDraft, depart, discard, patched, recorded, updateDraft, voidTransfer } from './transfer.ts';
export type {
  Change,
  ConveyanceType,
  DraftContext,
  DriverSnapshot,
  Manifest,
  ManifestFile,
  ManifestTerms,
  PartiesSnapshot,
  LinkConfirmation,
  PartySnapshot,
  Receipt,
  ReceiptLine,
  ArrivalReport,
  ReceiptLink,
  StoredFile,
  Refusal,
  Result,
  ReturnLink,
  RuleViolation,
  SupersededManifest,
  Transfer,
  TransitionContext,
  VehicleSnapshot,
} from './transfer.ts';
