/**
 * The transfer: what the draft holds, the snapshot of parties, drivers and vehicle taken when it is
 * manifested (so later registry edits never change an issued manifest), what happened on the road and
 * at receipt. Operations are pure: each returns the new transfer with the event to append, or says why
 * it refused. Nothing is mutated, nothing is deleted, and time comes in through the context.
 */
import { draftProblems } from './content.ts';
import { transferEvent } from './events.ts';
import type { Actor, EventAction, TransferEvent } from './events.ts';
import { checkTransition } from './lifecycle.ts';
import type { InvalidTransition, TransferStatus } from './lifecycle.ts';
import type { FieldProblem } from './problems.ts';
import type { Unit } from './quantities.ts';
import type { TransferRules } from './rules.ts';
import type {
  Address,
  AmendBody,
  ArriveBody,
  CreateTransferBody,
  DepartBody,
  RejectionReason,
  TransferContent,
  UpdateTransferBody,
  VoidBody,
} from './schemas.ts';
import type { PackageTagFormat, StateSystem } from './tags.ts';
import type { TransferOrigin } from './inbound.ts';

/** A licensee as printed on the manifest. */
export interface PartySnapshot {
  /** The hub tenant, when the party is one. */
  readonly licenseeId?: string;
  /** The shipper's registry entry it was copied from (receivers and transporters). */
  readonly partnerId?: string;
  readonly legalName: string;
  readonly dba?: string;
  /** OCM license number, e.g. OCM-DIST-24-000114-DX1. */
  readonly licenseNumber: string;
  readonly premisesAddress: Address;
  readonly phone: string;
  /**
   * The state-system adapter the party reports through; `none` when it is not integrated. For a
   * partner that is not a tenant and says it is integrated, the hub's current state system.
   */
  readonly stateSystem: StateSystem;
  /** OCM guidance: a licensee that lost access to the state system may not send or receive transfers. */
  readonly stateAccessLost: boolean;
}

export interface DriverSnapshot {
  readonly driverId: string;
  readonly name: string;
  /** The employee ID the driver carries, showing the license they drive for (9 NYCRR 125.10(c)). */
  readonly employeeId: string;
  readonly driversLicenseNumber: string;
  readonly driversLicenseState: string;
  readonly phone: string;
}

export const conveyanceTypes = ['car', 'van', 'truck', 'trailer', 'motorcycle', 'bicycle'] as const;
export type ConveyanceType = (typeof conveyanceTypes)[number];

export interface VehicleSnapshot {
  readonly vehicleId: string;
  readonly conveyance: ConveyanceType;
  readonly make: string;
  readonly model: string;
  readonly year: number;
  readonly color: string;
  /** None for a bicycle. */
  readonly plate?: string;
  readonly plateState?: string;
  readonly vin?: string;
  /** 9 NYCRR 125.10(e). */
  readonly attestations: { readonly gpsFitted: boolean; readonly lockedBox: boolean; readonly temperatureControl: boolean };
}

export interface PartiesSnapshot {
  readonly shipper: PartySnapshot;
  /** Delivery goes to the receiver's licensed premises (Cannabis Law §84): its `premisesAddress`. */
  readonly receiver: PartySnapshot;
  /** Absent: the shipper carries the goods itself. */
  readonly transporter?: PartySnapshot;
  readonly drivers: readonly DriverSnapshot[];
  /** Always on a manifest the hub issues; absent on one taken from the state system, which reports no vehicle details. */
  readonly vehicle?: VehicleSnapshot;
}

export interface Manifest {
  /** Unique and sequential per shipper; allocated by the caller. */
  readonly number: string;
  /** 1 when issued; one more with every amendment before departure. */
  readonly version: number;
  /** When this version was issued. */
  readonly manifestedAt: string;
  /** SHA-256 of the canonical JSON of number, version, time, content and parties: what the PDF and its QR code vouch for. */
  readonly contentHash: string;
  readonly parties: PartiesSnapshot;
  /** The rendered PDF of this version; set by the caller once rendered, before it is stored. */
  readonly file?: ManifestFile;
  /** The receipt link current when this version was issued (sent to the receiver, never printed). */
  readonly receiptLinkId?: string;
  /** The number the state system filed the manifest under, when this version was issued to print it (or kept it from one that did). */
  readonly stateManifestNumber?: string;
  /**
   * This version was issued only to print the state's manifest number: content and parties are the
   * version before's, so a copy of that one is as good as this (an inspector is not told it is outdated).
   */
  readonly onlyAddsStateNumber?: true;
}

/** A rendered manifest: the SHA-256 and size of its bytes, kept with the transfer to prove the stored object. */
export interface ManifestFile {
  readonly sha256: string;
  readonly bytes: number;
}

/** What a manifest version fixes besides the package lines, which never change once manifested. */
export type ManifestTerms = Omit<TransferContent, 'lines'>;

/** A version an amendment replaced: kept whole, never overwritten. */
export interface SupersededManifest {
  readonly manifest: Manifest;
  readonly terms: ManifestTerms;
}

export type ReceiptLine =
  | {
      readonly tag: string;
      readonly outcome: 'accepted';
      readonly unit: Unit;
      readonly shippedQuantity: number;
      readonly acceptedQuantity: number;
      readonly varianceConfirmed: boolean;
      readonly note?: string;
    }
  | {
      readonly tag: string;
      readonly outcome: 'rejected';
      readonly unit: Unit;
      readonly shippedQuantity: number;
      readonly reason: RejectionReason;
      readonly note?: string;
    };

export interface Receipt {
  readonly at: string;
  readonly receivedBy: { readonly name: string; readonly title: string };
  /** One per shipped line, in the order of the manifest. */
  readonly lines: readonly ReceiptLine[];
  /** Absent: the receiver recorded it through the API. */
  readonly confirmation?: LinkConfirmation;
}

/** A receipt a receiver without an integrated system confirmed through its receipt link. */
export interface LinkConfirmation {
  readonly method: 'receipt-link';
  readonly linkId: string;
  /** The drawn signature, stored beside the receipt as a PNG. */
  readonly signature?: StoredFile;
  readonly photos: readonly StoredFile[];
  /** The device (its browser's user agent) and the network address the receipt was submitted from. */
  readonly submittedFrom?: { readonly userAgent: string; readonly address: string };
}

/**
 * An arrival no driver or carrier recorded: the receiver said the goods were in hand by confirming
 * its receipt link while the shipment was still on the road. `stateSystemReportedBy` says who told
 * the state system of it (`shipper`: the hub, for the integrated shipper; `nobody`).
 */
export interface ArrivalReport {
  readonly by: 'receiver-through-receipt-link';
  readonly linkId: string;
  readonly at: string;
  readonly stateSystemReportedBy?: 'shipper' | 'nobody';
}

/** A file in the documents bucket, and what proves it. */
export interface StoredFile {
  readonly key: string;
  readonly contentType: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * The receipt link a shipper sends a receiver that is not integrated. Only the link's id is kept;
 * its token is derived from the id with a secret key and only the token's hash is stored.
 */
export interface ReceiptLink {
  readonly linkId: string;
  readonly issuedAt: string;
  readonly validUntil: string;
  readonly revokedAt?: string;
}

/** A return points back at the transfer whose rejected packages it carries. */
export interface ReturnLink {
  readonly transferId: string;
  readonly manifestNumber: string;
  /** A return must go back to this license. */
  readonly shipperLicenseNumber: string;
}

export interface Transfer {
  readonly id: string;
  /** The licensee (tenant) that ships. */
  readonly shipperId: string;
  readonly status: TransferStatus;
  /** One more with every accepted change; the ETag of the transfer. */
  readonly version: number;
  readonly content: TransferContent;
  readonly manifest?: Manifest;
  /** Earlier versions of the manifest, oldest first; absent until the first amendment. */
  readonly manifestHistory?: readonly SupersededManifest[];
  /** Actual times, in UTC. */
  readonly departedAt?: string;
  readonly arrivedAt?: string;
  /** Set when the arrival was the receiver's report through its receipt link. */
  readonly arrivalReport?: ArrivalReport;
  readonly receipt?: Receipt;
  readonly voided?: { readonly at: string; readonly reason: string };
  readonly discardedAt?: string;
  readonly returnOf?: ReturnLink;
  /** Set on a transfer the hub did not issue: taken from the state system, or recorded from a paper manifest. */
  readonly origin?: TransferOrigin;
  /** Return drafts made from this transfer. */
  readonly returnIds: readonly string[];
  /** The current receipt link, when the receiver is not integrated. */
  readonly receiptLink?: ReceiptLink;
  /** The number the state system filed the manifest under, once the hub learned it (printed only on versions issued after). */
  readonly stateManifestNumber?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The request breaks one or more rules; the API answers 422 with these pointers. */
export interface RuleViolation {
  readonly kind: 'rule-violation';
  readonly problems: readonly FieldProblem[];
}

export type Refusal = InvalidTransition | RuleViolation;
export type Result<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: Refusal };

/** The transfer after a change, and the event that records it. */
export interface Change {
  readonly transfer: Transfer;
  readonly event: TransferEvent;
}

export interface TransitionContext {
  readonly now: Date;
  readonly actor: Actor;
  readonly rules: TransferRules;
}

export interface DraftContext extends TransitionContext {
  /** The package tag format of the shipper's state system. */
  readonly shipperTags: PackageTagFormat;
}

export const refuse = (problems: readonly FieldProblem[]): { readonly ok: false; readonly error: RuleViolation } => ({
  ok: false,
  error: { kind: 'rule-violation', problems },
});

/** Applies an allowed transition: the new state, one more version, and its event. */
export function advance(
  transfer: Transfer,
  step: { readonly action: EventAction; readonly to: TransferStatus; readonly payload: unknown; readonly summary: string },
  changes: Partial<Omit<Transfer, 'id' | 'shipperId' | 'status' | 'version' | 'createdAt' | 'updatedAt'>>,
  context: TransitionContext,
): { readonly ok: true } & Change {
  const at = context.now.toISOString();
  const next: Transfer = { ...transfer, ...changes, status: step.to, version: transfer.version + 1, updatedAt: at };
  const event = transferEvent({
    transferId: transfer.id,
    sequence: next.version,
    action: step.action,
    from: transfer.status,
    to: step.to,
    at,
    actor: context.actor,
    payload: step.payload,
    summary: step.summary,
  });
  return { ok: true, transfer: next, event };
}

/** A new draft at version 1, and its creation event. */
export function newDraft(
  draft: { readonly id: string; readonly shipperId: string; readonly content: TransferContent; readonly returnOf?: ReturnLink },
  summary: string,
  context: TransitionContext,
): { readonly ok: true } & Change {
  const at = context.now.toISOString();
  const transfer: Transfer = {
    id: draft.id,
    shipperId: draft.shipperId,
    status: 'DRAFT',
    version: 1,
    content: draft.content,
    ...(draft.returnOf ? { returnOf: draft.returnOf } : {}),
    returnIds: [],
    createdAt: at,
    updatedAt: at,
  };
  const event = transferEvent({
    transferId: draft.id,
    sequence: 1,
    action: 'create',
    from: null,
    to: 'DRAFT',
    at,
    actor: context.actor,
    payload: draft.content,
    summary,
  });
  return { ok: true, transfer, event };
}

export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export function createDraft(
  input: { readonly id: string; readonly shipperId: string; readonly content: CreateTransferBody },
  context: DraftContext,
): Result<Change> {
  const problems = draftProblems(input.content, context.rules, context.shipperTags);
  if (problems.length > 0) return refuse(problems);
  return newDraft(input, `Draft created with ${plural(input.content.lines.length, 'package')}`, context);
}

/**
 * The content with a patch applied: an absent field stays, `null` clears it, anything else
 * replaces it whole. The patch schemas admit only content fields, and null only on optional ones.
 */
export function patched(content: TransferContent, patch: UpdateTransferBody | AmendBody): TransferContent {
  return Object.fromEntries(Object.entries({ ...content, ...patch }).filter(([, value]) => value !== null)) as TransferContent;
}

/**
 * PATCH a draft. An absent field stays, `null` clears an optional field, arrays and objects are
 * replaced whole (so `lines` replaces every line). Problems point into the draft as it would be.
 */
export function updateDraft(transfer: Transfer, patch: UpdateTransferBody, context: DraftContext): Result<Change> {
  const allowed = checkTransition(transfer.status, 'update');
  if (!allowed.ok) return allowed;
  if (transfer.returnOf && patch.type !== undefined) {
    return refuse([{ pointer: '/type', code: 'return-type-fixed', message: 'A return stays a return: create a new transfer instead' }]);
  }
  const content = patched(transfer.content, patch);
  const problems = draftProblems(content, context.rules, context.shipperTags);
  if (problems.length > 0) return refuse(problems);
  return advance(
    transfer,
    { action: 'update', to: 'DRAFT', payload: patch, summary: `Draft updated: ${Object.keys(patch).join(', ')}` },
    { content },
    context,
  );
}

/** Soft: the draft stays on record as DISCARDED. */
export function discard(transfer: Transfer, context: TransitionContext): Result<Change> {
  const allowed = checkTransition(transfer.status, 'discard');
  if (!allowed.ok) return allowed;
  return advance(
    transfer,
    { action: 'discard', to: 'DISCARDED', payload: {}, summary: 'Draft discarded' },
    { discardedAt: context.now.toISOString() },
    context,
  );
}

/** Before departure only; the caller releases the package tags. */
export function voidTransfer(transfer: Transfer, body: VoidBody, context: TransitionContext): Result<Change> {
  const allowed = checkTransition(transfer.status, 'void');
  if (!allowed.ok) return allowed;
  const at = context.now.toISOString();
  return advance(
    transfer,
    { action: 'void', to: 'VOIDED', payload: body, summary: `Voided: ${body.reason}` },
    { voided: { at, reason: body.reason } },
    context,
  );
}

export function depart(transfer: Transfer, body: DepartBody, context: TransitionContext): Result<Change> {
  const allowed = checkTransition(transfer.status, 'depart');
  if (!allowed.ok) return allowed;
  const manifestedAt = recorded(transfer.manifest, transfer, 'manifest').manifestedAt;
  const time = actualTime(body.at, context, {
    // The manifest's time is the hub's clock, `at` the client's.
    time: Date.parse(manifestedAt) - context.rules.clockSkewMs,
    message: 'The shipment cannot leave before its manifest was issued',
  });
  if (!time.ok) return time;
  return advance(
    transfer,
    { action: 'depart', to: 'IN_TRANSIT', payload: { at: time.at }, summary: `Departed at ${time.at}` },
    { departedAt: time.at },
    context,
  );
}

export function arrive(transfer: Transfer, body: ArriveBody, context: TransitionContext): Result<Change> {
  const allowed = checkTransition(transfer.status, 'arrive');
  if (!allowed.ok) return allowed;
  const departedAt = recorded(transfer.departedAt, transfer, 'departure time');
  const time = actualTime(body.at, context, {
    time: Date.parse(departedAt) + 1,
    message: `The arrival must be after the departure (${departedAt})`,
  });
  if (!time.ok) return time;
  return advance(
    transfer,
    { action: 'arrive', to: 'ARRIVED', payload: { at: time.at }, summary: `Arrived at ${time.at}` },
    { arrivedAt: time.at },
    context,
  );
}

/**
 * An actual time a client reports (`at`, defaulting to now), in UTC: not in the future (client clocks
 * may run up to the configured skew ahead of the hub's) and not before the previous step.
 */
export function actualTime(
  at: string | undefined,
  context: TransitionContext,
  notBefore: { readonly time: number; readonly message: string },
): { readonly ok: true; readonly at: string } | { readonly ok: false; readonly error: RuleViolation } {
  if (at === undefined) return { ok: true, at: context.now.toISOString() };
  const time = Date.parse(at);
  if (time > context.now.getTime() + context.rules.clockSkewMs) {
    return refuse([{ pointer: '/at', code: 'time-in-future', message: 'This time is in the future' }]);
  }
  if (time < notBefore.time) return refuse([{ pointer: '/at', code: 'time-out-of-order', message: notBefore.message }]);
  return { ok: true, at: new Date(time).toISOString() };
}

/** A field the transition into the current state always sets: its absence means a corrupt record, not a bad request. */
export function recorded<T>(value: T | undefined, transfer: Transfer, what: string): T {
  if (value === undefined) throw new Error(`Transfer ${transfer.id} is ${transfer.status} but has no ${what}`);
  return value;
}
