/**
 * The seam to "the state tracking system". The hub speaks only these terms; an adapter translates
 * them to one state system's API (BioTrack's NY-API now, Metrc later). Nothing outside an adapter
 * knows a state system's field names.
 */
import type { StateObservation } from '../domain/reconciliation/observation.ts';
import type { StateSystem, TransferCapabilities, Unit } from '../domain/transfer/index.ts';

export type { StateObservation } from '../domain/reconciliation/observation.ts';
import type { StateTransporters } from './transporters.ts';

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
  /** Whatever else the state system knows the licensee by, in the adapter's own fields of the tenant's link. */
  readonly identity: Readonly<Record<string, string>>;
  /** The hub API key whose linked state user acts; the license's default integration user otherwise. */
  readonly actingApiKeyId?: string;
  /**
   * An earlier try of this report may have reached the state system (its answer was lost): the
   * adapter resolves that its own way (a lookup by its client key, a list matched by name) before
   * creating anything a second time.
   */
  readonly retry?: boolean;
  /**
   * When an earlier try went unanswered (a timeout or a dropped connection): the state system may
   * still be committing it, so nothing is created again until its settle window has passed.
   */
  readonly unsettledSince?: string;
}

/**
 * What the state system holds for one transfer, in the adapter's own record (its ids, in the JSON
 * types the state system gives them): the hub stores it beside the transfer and hands it back to
 * the same adapter, and never reads inside it. An adapter returns the fields it adds or changes;
 * the hub merges them, field by field, into what it keeps.
 */
export type StateRefs = Readonly<Record<string, unknown>>;

/** Persists refs as soon as the state system has issued them, before the rest of a report is done. */
export type KeepStateRefs = (refs: StateRefs) => Promise<void>;

/** What the rest of the hub may know from an adapter's refs, in neutral terms. */
export interface StateFacts {
  /** The number (or id) the state system files the manifest under, once it has one. */
  readonly manifestNumber?: string;
  /**
   * The state's objects of this transfer, as keys unique within the system: the reconciler finds
   * the hub's transfer again by any of them.
   */
  readonly objectKeys: readonly string[];
  /** The state system may still show something about this transfer (a receipt, a void): the reconciler follows it. */
  readonly followUp: boolean;
}

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

/** Something the state system's records say about a line (or the whole shipment) before it is manifested. */
export interface LineCheck {
  /**
   * The line's index in the transfer; none when the problem is the shipment's: then `field` is a
   * top-level field, or `''` when no field of the transfer can mend it.
   */
  readonly line?: number;
  readonly field: 'tag' | 'unit' | 'quantity' | 'finishedGoods' | 'labTestStatus' | 'vehicleId' | '';
  /**
   * `unavailable-at-state`: held, but the state will not let it move (inactive, on hold, recalled, in transit);
   * `whole-package-only`: the state transfers whole packages and this line ships part of one;
   * `not-finished-at-state`, `lab-test-not-passed-at-state`, `retail-ids-missing-at-state`: a rule in
   * force for this kind of shipment (say distributor to dispensary) asks the package to be flagged a
   * finished good, to have passed its lab test, or to carry Retail Item IDs on every unit, and the
   * state's record says it is not, has not or does not;
   * `required-by-state`: the state system's terms for this shipment ask for something the hub cannot
   * give for this line, its vehicle or at all (a gross weight, a registration number, a document).
   */
  readonly code:
    | 'not-at-state'
    | 'unavailable-at-state'
    | 'unit-differs'
    | 'more-than-state-holds'
    | 'whole-package-only'
    | 'not-finished-at-state'
    | 'lab-test-not-passed-at-state'
    | 'retail-ids-missing-at-state'
    | 'required-by-state';
  /** Plain words: what is wrong and what to do, with the state system's own words where it gave them. */
  readonly message: string;
}

/** The shipment the lines of a pre-flight travel on, as far as the hub knows it when manifesting. */
export interface LineCheckShipment {
  /** OCM license type codes (`DIST`, `RETL`, …) of shipper and receiver: rules apply to kinds of shipment. */
  readonly shipperLicenseType?: string;
  readonly receiverLicenseType?: string;
  readonly vehicle?: { readonly plate?: string; readonly vin?: string };
}

/** One package the licensee holds at the state system, as a picker for drafts shows it. */
export interface StatePackage {
  readonly tag: string;
  readonly productName: string;
  readonly category?: string;
  readonly quantity: number;
  /** The hub's unit when the state's is one of them; otherwise the state's own name of it. */
  readonly unit: string;
  readonly labTest: 'passed' | 'failed' | 'pending' | 'not-submitted' | 'other';
  /** The state system's own name of the lab state, as it shows it. */
  readonly labTestState?: string;
  readonly finishedGood: boolean;
  /** Whether the state system would let it ship to a dispensary now, and why not (plain words) when not. */
  readonly toDispensary: { readonly allowed: boolean; readonly reasons: readonly string[] };
}

export interface StatePackageQuery {
  /** Matched against the tag and the product name, case-insensitive. */
  readonly search?: string;
  /** Packages after this tag (tags sort as text). */
  readonly afterTag?: string;
  readonly limit: number;
  /** The shipment to a dispensary each package is judged for (`toDispensary`): the licensee's license type and a dispensary's. */
  readonly dispensaryShipment?: LineCheckShipment;
}

export interface StatePackagePage {
  readonly items: readonly StatePackage[];
  /** More matched after the last one. */
  readonly more: boolean;
}

/**
 * Every report carries the key of the submission it delivers: stable across tries, unique per
 * step. What an adapter makes of it (a client key on each object, a template name) is its own.
 */
interface Keyed {
  readonly submissionKey: string;
}

/** A manifest as the state system records it: one stop, at the receiver's premises. */
export interface ManifestReport extends Keyed {
  readonly kind: 'transfer' | 'return';
  /** The hub's manifest number (the state system may issue its own). */
  readonly manifestNumber: string;
  readonly receiver: ReportedParty;
  readonly transporter?: ReportedParty;
  readonly drivers: readonly ReportedDriver[];
  readonly vehicle: ReportedVehicle;
  readonly estimatedDeparture: string;
  readonly estimatedArrival: string;
  readonly route: string;
  readonly lines: readonly ReportedLine[];
}

/** The packages the receiver rejected, which the shipper takes back. */
export interface TakeBackReport extends Keyed {
  readonly tags: readonly string[];
}

export interface ReceiptReport extends Keyed {
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
export interface IntakeReport extends Keyed {
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
  /** The state's transfer, as one of the object keys its refs give (the reconciler finds it again by it). */
  readonly stateKey: string;
  readonly refs: StateRefs;
  readonly manifestNumber: string;
  readonly shipper: ReportedParty & { readonly address?: string; readonly city?: string; readonly zip?: string; readonly phone?: string };
  readonly arrived: boolean;
  readonly received: boolean;
  readonly estimatedDeparture?: string;
  readonly estimatedArrival?: string;
  readonly drivers: readonly string[];
  readonly vehicle?: string;
  readonly lines: readonly { readonly tag: string; readonly productName: string; readonly quantity: number; readonly unit: string }[];
}

/** A hub transfer the reconciler asks about: the license reported it, and the state may still show more. */
export interface WatchedTransfer {
  readonly transferId: string;
  readonly refs: StateRefs;
}

/**
 * What the state system shows, one thing at a time, for the domain to judge (see
 * `domain/reconciliation`): an inbound transfer the license may not know yet, or an observation
 * about a watched transfer, with the refs the adapter learned on the way.
 */
export type Observed =
  | { readonly kind: 'inbound'; readonly transfer: InboundTransfer }
  | { readonly kind: 'watched'; readonly transferId: string; readonly refs?: StateRefs; readonly observation: StateObservation };

/**
 * One run of the reconciler for a license: what changed since `checkpoint` (opaque, the
 * adapter's own; overlapping windows are its business), the checkpoint to pass next time, and how
 * many items could not be read this time (they are tried again on the next run).
 */
export interface ObservationBatch {
  readonly observed: readonly Observed[];
  readonly checkpoint: string;
  readonly skipped: number;
}

export interface ConsentStatus {
  readonly connected: boolean;
  readonly grantedAt?: string;
  readonly expiresAt?: string;
}

/** The state system, as one license sees it. Every call that changes something is safe to repeat with the same submission key. */
export interface StateTrackingSystem {
  /** The neutral facts in the adapter's refs (pure). */
  factsOf(refs: StateRefs): StateFacts;
  /**
   * Checks lines against the licensee's inventory at the state before a manifest is numbered, so the
   * common refusals never get one. Problems it cannot learn (the state system is down) are none:
   * the submission meets them later.
   */
  checkLines(account: StateAccount, lines: readonly ReportedLine[], shipment?: LineCheckShipment): Promise<LineCheck[]>;
  /**
   * The active packages the licensee holds at the state system, filtered and in tag order (a
   * picker for drafts). Optional: a system without a package list leaves it out.
   */
  listPackages?(account: StateAccount, query: StatePackageQuery): Promise<StatePackagePage>;
  /**
   * The state system's own manifest document of a transfer it has numbered, as PDF bytes; undefined
   * while it has issued none. Optional: a system that prints no manifest of its own leaves it out.
   */
  stateManifestDocument?(account: StateAccount, refs: StateRefs): Promise<Uint8Array | undefined>;
  /**
   * `known`: the refs an earlier try already kept (an invoice made for this manifest is reused);
   * `keep` persists refs the moment they exist, so a refusal later in the report leaves the hub
   * knowing what the state system holds.
   */
  reportManifest(account: StateAccount, report: ManifestReport, known: StateRefs, keep: KeepStateRefs): Promise<StateRefs>;
  /** A new version of a manifest before departure (other crew, vehicle, times or route). */
  amendManifest(account: StateAccount, refs: StateRefs, report: ManifestReport): Promise<StateRefs>;
  reportShipment(account: StateAccount, refs: StateRefs, submissionKey: string): Promise<StateRefs>;
  reportArrival(account: StateAccount, refs: StateRefs, submissionKey: string): Promise<void>;
  reportReceipt(account: StateAccount, refs: StateRefs, report: ReceiptReport): Promise<void>;
  /** The shipper takes the receiver's rejected packages back; only a system whose capabilities have `accept-returned` by a person is asked. */
  reportTakeBack?(account: StateAccount, refs: StateRefs, report: TakeBackReport): Promise<void>;
  /** Returns the refs of the shipment the state system recorded. */
  reportIntake(account: StateAccount, report: IntakeReport): Promise<StateRefs>;
  reportVoid(account: StateAccount, refs: StateRefs, submissionKey: string): Promise<void>;
  /**
   * What the state system shows since the checkpoint (none: since ever): transfers addressed to the
   * license, and what became of the watched ones. Bounded work per call.
   */
  observe(account: StateAccount, checkpoint: string | undefined, watched: readonly WatchedTransfer[]): Promise<ObservationBatch>;
  checkConsent(account: StateAccount): Promise<ConsentStatus>;
  /**
   * The license's drivers and vehicles as the state system keeps them, for the registries' two-way
   * sync. Optional: a system without such a list leaves it out.
   */
  transporters?: StateTransporters;
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
