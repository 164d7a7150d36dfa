/**
 * The seam to "the state tracking system". The hub speaks only these terms; an adapter translates
 * them to one state system's API (BioTrack's NY-API now, Metrc later). Nothing outside an adapter
 * knows a state system's field names.
 */
import type { StateSystem, TransferCapabilities, Unit } from '../domain/transfer/index.ts';

/**
 * A step of a transfer as a state system sees it. `void-registered`: voiding a manifest the state
 * system has registered; `accept-returned`: taking rejected packages back into the shipper's stock.
 */
export const stateSystemSteps = ['register', 'amend', 'depart', 'arrive', 'receive', 'void', 'void-registered', 'accept-returned', 'intake'] as const;
export type StateSystemStep = (typeof stateSystemSteps)[number];

/**
 * What a state system lets the hub do, as data: adapters differ in what their API performs, so the
 * domain and the pipeline read this instead of knowing systems by name. The transfer rules the
 * domain reads (`TransferCapabilities`) are part of it.
 */
export interface StateSystemCapabilities extends TransferCapabilities {
  /** The system's name as its users know it, for instructions to a person. */
  readonly displayName: string;
  /** Steps the adapter performs by API call. */
  readonly byApi: readonly StateSystemStep[];
  /** Steps a person performs in the state system's own app; the adapter says what and where. */
  readonly byPerson: readonly StateSystemStep[];
  /** Steps the hub only learns of by reading the state system back (it never reports them). */
  readonly observed: readonly StateSystemStep[];
  /** The state system issues the manifest number (at registration); otherwise the hub numbers manifests. */
  readonly issuesManifestNumber: boolean;
  readonly packageTag: { readonly pattern: RegExp; readonly description: string };
  /** Whether a receipt recorded at the hub counts as the receipt at the state, by the API or by a receipt link. */
  readonly hubReceiptIsStateReceipt: { readonly byApi: boolean; readonly byLink: boolean };
}

/** Where a person does a step: a deep link into the state system's app, or the exact menu path. */
export type PersonPlace = { readonly link: string } | { readonly menuPath: readonly string[] };

/** A step the state system leaves to a person: what, where, how the hub recognizes the result, and by when. */
export interface PersonTask {
  /** In plain words, e.g. "Register template HUB-7K2Q". */
  readonly action: string;
  readonly where: PersonPlace;
  /** What identifies the result when the hub reads the state system back (a template name, say). */
  readonly resultKey: string;
  /** When it must be done: for a registration, the estimated departure. */
  readonly deadline: string;
}

/**
 * Thrown by an adapter when its part of a report is done and a person must finish the step in the
 * state system's own app: the step waits for them (never retried, never failed).
 */
export class PersonStepRequired extends Error {
  override readonly name = 'PersonStepRequired';
  readonly task: PersonTask;
  constructor(task: PersonTask) {
    super(task.action);
    this.task = task;
  }
}

/** Which license acts, and as which state-system user. */
export interface StateAccount {
  readonly licenseeId: string;
  readonly system: Exclude<StateSystem, 'none'>;
  /** The license number the state system knows the licensee by. */
  readonly stateLicenseNumber: string;
  readonly ubi?: string;
  /** The hub API key whose linked state user acts; the license's default integration user otherwise. */
  readonly actingApiKeyId?: string;
  /**
   * An earlier try of this report may have reached the state system (its answer was lost): a
   * create looks its object up by ExternalID first instead of creating a second one.
   */
  readonly retry?: boolean;
  /**
   * When an earlier try went unanswered (a timeout or a dropped connection): the state system may
   * still be committing it, so nothing is created again until its settle window has passed.
   */
  readonly unsettledSince?: string;
}

/**
 * Ids the state system gave the objects of one transfer, kept on the transfer, each with the JSON
 * type the state system gives it (numbers stay numbers).
 */
export interface StateIds {
  readonly invoiceId?: string;
  /** Invoices voided because the manifest that was to carry them was refused for good. */
  readonly voidedInvoiceIds?: readonly string[];
  readonly manifestId?: string;
  /** The key the manifest was created under: an amendment updates it under the same key. */
  readonly manifestExternalId?: string;
  readonly inventoryTransferIds?: readonly number[];
  readonly driverIds?: readonly number[];
  readonly vehicleId?: number;
}

/** Persists ids as soon as the state system has issued them, before the rest of a report is done. */
export type KeepStateIds = (ids: StateIds) => Promise<void>;

export interface ReportedParty {
  readonly stateLicenseNumber: string;
  readonly name: string;
}

export interface ReportedDriver {
  /** The hub's id, so the state system's copy can be found again. */
  readonly hubId: string;
  readonly name: string;
  readonly driversLicenseNumber: string;
  readonly driversLicenseState: string;
}

export interface ReportedVehicle {
  readonly hubId: string;
  readonly description: string;
  readonly make: string;
  readonly model: string;
  readonly year: number;
  readonly color: string;
  readonly plate?: string;
  readonly vin?: string;
}

export interface ReportedLine {
  readonly tag: string;
  readonly quantity: number;
  readonly unit: Unit;
  readonly unitPrice: number;
}

/** Something the state system's records say about a line before it is manifested. */
export interface LineCheck {
  /** The line's index in the transfer. */
  readonly line: number;
  readonly field: 'tag' | 'unit' | 'quantity';
  readonly code: 'not-at-state' | 'unit-differs' | 'more-than-state-holds';
  readonly message: string;
}

/** A manifest as the state system records it: one stop, at the receiver's premises. */
export interface ManifestReport {
  /** Derived from the submission: the same report always carries the same key. */
  readonly externalId: string;
  readonly kind: 'transfer' | 'return';
  readonly receiver: ReportedParty;
  readonly transporter?: ReportedParty;
  readonly drivers: readonly ReportedDriver[];
  readonly vehicle: ReportedVehicle;
  readonly estimatedDeparture: string;
  readonly estimatedArrival: string;
  readonly route: string;
  readonly lines: readonly ReportedLine[];
}

export interface ReceiptReport {
  readonly externalId: string;
  readonly inventoryTransferId: number;
  readonly lines: readonly {
    readonly tag: string;
    readonly accepted: boolean;
    readonly receivedQuantity: number;
    readonly rejectReason?: string;
  }[];
}

/**
 * A transfer that arrived with a paper manifest from a shipper without a connected system: the
 * receiver reports the shipment the state system never heard of, and its receipt, in one call.
 */
export interface IntakeReport {
  readonly externalId: string;
  readonly shipper: ReportedParty;
  /** As printed on the paper. */
  readonly manifestNumber: string;
  readonly drivers: readonly string[];
  readonly lines: readonly {
    readonly tag: string;
    readonly productName: string;
    readonly shippedQuantity: number;
    readonly unit: Unit;
    readonly accepted: boolean;
    readonly receivedQuantity: number;
    readonly rejectReason?: string;
  }[];
}

/** A transfer another licensee's system reported to the state, addressed to one of ours. */
export interface InboundTransfer {
  readonly inventoryTransferId: number;
  readonly manifestId: string;
  readonly shipper: ReportedParty & { readonly address?: string; readonly city?: string; readonly zip?: string; readonly phone?: string };
  readonly arrived: boolean;
  readonly received: boolean;
  readonly estimatedDeparture?: string;
  readonly estimatedArrival?: string;
  readonly drivers: readonly string[];
  readonly vehicle?: string;
  readonly lines: readonly { readonly tag: string; readonly productName: string; readonly quantity: number; readonly unit: string }[];
}

/** `inventory-transfer`: one the license shipped; `inbound-transfer`: one addressed to it (a paper manifest taken in). */
export type StateObjectKind = 'invoice' | 'manifest' | 'inventory-transfer' | 'inbound-transfer';

/**
 * One pull of the transfers addressed to a license: what is new or changed since `checkpoint`
 * (opaque, the adapter's own), the checkpoint to pass next time, and how many items could not be
 * read this time (they are tried again on the next pull).
 */
export interface InboundPull {
  readonly transfers: readonly InboundTransfer[];
  readonly checkpoint: string;
  readonly skipped: number;
}

export interface ConsentStatus {
  readonly connected: boolean;
  readonly grantedAt?: string;
  readonly expiresAt?: string;
}

/** The state system, as one license sees it. Calls are idempotent on the `externalId` they carry. */
export interface StateTrackingSystem {
  /**
   * Checks lines against the licensee's inventory at the state before a manifest is numbered, so the
   * common refusals never get one. Problems it cannot learn (the state system is down) are none:
   * the submission meets them later.
   */
  checkLines(account: StateAccount, lines: readonly ReportedLine[]): Promise<LineCheck[]>;
  /**
   * `known`: the ids an earlier try already kept (an invoice made for this manifest is reused);
   * `keep` persists each id the moment it exists, so a refusal later in the report leaves the hub
   * knowing what the state system holds.
   */
  reportManifest(account: StateAccount, report: ManifestReport, known: StateIds, keep: KeepStateIds): Promise<StateIds>;
  /** A new version of a manifest before departure (other crew, vehicle, times or route). */
  amendManifest(account: StateAccount, ids: StateIds, report: ManifestReport): Promise<StateIds>;
  reportShipment(account: StateAccount, ids: StateIds, externalId: string): Promise<StateIds>;
  reportArrival(account: StateAccount, ids: StateIds, externalId: string): Promise<void>;
  reportReceipt(account: StateAccount, report: ReceiptReport): Promise<void>;
  /** Returns the inventory transfer the state system recorded. */
  reportIntake(account: StateAccount, report: IntakeReport): Promise<StateIds>;
  reportVoid(account: StateAccount, ids: StateIds, externalId: string): Promise<void>;
  /** Transfers addressed to the license that are new or changed since the checkpoint (none: since ever). */
  listInbound(account: StateAccount, checkpoint?: string): Promise<InboundPull>;
  findByExternalId(account: StateAccount, kind: StateObjectKind, externalId: string): Promise<string | number | undefined>;
  checkConsent(account: StateAccount): Promise<ConsentStatus>;
}

/**
 * Why a call failed, as the submission pipeline must treat it: `transient` is retried with
 * backoff, `permanent` is recorded with the state system's code, `consent-expired` waits for the
 * license admin to approve the integrator again (the 100 days ran out, `CONSENT_EXPIRED`, or the
 * state system refused the hub's refresh token before then, `REFRESH_REJECTED`).
 */
export type StateFailureKind = 'transient' | 'permanent' | 'consent-expired';

export interface StateFailureExtra {
  readonly retryAfterMs?: number;
  readonly status?: number;
  /** Set when the call may still take effect at the state system (no answer came): when it was sent. */
  readonly unsettledSince?: string;
}

export class StateSystemError extends Error {
  override readonly name = 'StateSystemError';
  readonly kind: StateFailureKind;
  /** The state system's error code, or the hub's for failures without one (`TIMEOUT`, `NETWORK`). */
  readonly code: string;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly unsettledSince?: string;
  constructor(kind: StateFailureKind, code: string, message: string, extra: StateFailureExtra = {}) {
    super(message);
    this.kind = kind;
    this.code = code;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.unsettledSince !== undefined) this.unsettledSince = extra.unsettledSince;
  }
}
