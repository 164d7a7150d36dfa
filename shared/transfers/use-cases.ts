/**
 * The transfer lifecycle as the API offers it: load, check who is asking, let the domain decide,
 * persist the change with its event in one transaction. A licensee sees a transfer only as its
 * shipper, receiver or transporter; to anyone else it does not exist.
 */
import { ulid } from 'ulid';
import * as domain from '../domain/transfer/index.ts';
import { receiptCapabilities } from '../state-system/capabilities.ts';
import type {
  AmendBody,
  Change,
  CreateTransferBody,
  DriverSnapshot,
  FieldProblem,
  PartySnapshot,
  ReceiptBody,
  Refusal,
  Result,
  ReturnBody,
  StateSystem,
  Transfer,
  TransferAction,
  TransferEvent,
  TransferRules,
  UpdateTransferBody,
  VehicleSnapshot,
} from '../domain/transfer/index.ts';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError, VersionRequiredError } from '../errors.ts';
import { requireVersion } from '../versions.ts';
import type { ExpectedVersion } from '../versions.ts';
import type { Caller } from '../http/caller.ts';
import type { RegistryRepository } from '../registries/repository.ts';
import type { ChangedParts, ListOptions, TransferRepository } from './repository.ts';
import { ManifestRaceError, TagsTakenError } from './repository.ts';
import { renderIssued, storeIssued } from '../manifests/files.ts';
import type { ManifestFiles } from '../manifests/files.ts';
import { logger } from '../observability.ts';
import { plannedSubmissions } from '../domain/submission/submission.ts';
import { handOver } from '../submissions/outbox.ts';
import type { OutboxDeps } from '../submissions/outbox.ts';
import { linkLookupItem } from '../receipt-links/repository.ts';
import { linkUrlOf, tokenHash } from '../receipt-links/tokens.ts';
import type { ReceiptLinkSettings } from '../receipt-links/tokens.ts';
import type { ReceiptFiles } from '../receipt-links/uploads.ts';
import { receiptPdfUrl } from '../receipts/files.ts';
import { departureCheck, stateSystemOf, withStateSystem } from './state-system.ts';
import type { StateChecks } from './preflight.ts';

/** What the shipper sends the receiver: the only place the link's URL is given out, besides the printed manifest. */
export interface IssuedLink {
  readonly url: string;
  readonly validUntil: string;
}

/** The lookup a link newly on `next` needs, written with the change; none when the link is not new. */
async function newLinkItems(deps: TransferDeps, before: Transfer, next: Transfer): Promise<Record<string, unknown>[]> {
  const link = domain.activeLink(next);
  if (!link || domain.activeLink(before)?.linkId === link.linkId) return [];
  const token = await deps.receiptLinks.tokens.tokenFor(link.linkId);
  return [linkLookupItem(tokenHash(token), { transferId: next.id, linkId: link.linkId, validUntil: link.validUntil })];
}

/** The shipper's copy of the current link. */
export async function issuedLink(deps: TransferDeps, transfer: Transfer): Promise<IssuedLink | undefined> {
  const link = domain.activeLink(transfer);
  if (!link) return undefined;
  return { url: await linkUrlOf(deps.receiptLinks, link.linkId), validUntil: link.validUntil };
}

const linkContext = (deps: TransferDeps) => ({ now: deps.now(), validForMs: deps.receiptLinks.validForMs });

/** A licensee as the transfers need it; provided by the tenants module. */
export interface LicenseeProfile {
  readonly id: string;
  readonly licenseNumber: string;
  readonly legalName: string;
  readonly dba?: string;
  readonly premisesAddress: PartySnapshot['premisesAddress'];
  readonly phone: string;
  readonly stateSystem: StateSystem;
  readonly stateAccessLost: boolean;
}

export interface LicenseeDirectory {
  get(licenseeId: string): Promise<LicenseeProfile | undefined>;
  findByLicenseNumber(licenseNumber: string): Promise<LicenseeProfile | undefined>;
}

/** The domain's transfer plus what the indexes and the visibility check read. */
export type StoredTransfer = Transfer & {
  readonly receiverLicenseeId?: string;
  readonly transporterLicenseeId?: string;
  readonly manifestedAt?: string;
  readonly summary: TransferSummary;
};

/** What a list shows of a transfer, kept small: it is copied into both list indexes on every write. */
export interface TransferSummary {
  readonly type: string;
  readonly lineCount: number;
  readonly receiverPartnerId?: string;
  readonly manifestNumber?: string;
  readonly shipperName?: string;
  readonly receiverName?: string;
  readonly estimatedDeparture?: string;
  readonly departedAt?: string;
  readonly arrivedAt?: string;
  readonly returnOf?: string;
}

function summaryOf(transfer: Transfer): TransferSummary {
  const parties = transfer.manifest?.parties;
  const { content } = transfer;
  return {
    type: content.type,
    lineCount: content.lines.length,
    ...(content.receiverPartnerId ? { receiverPartnerId: content.receiverPartnerId } : {}),
    ...(transfer.manifest ? { manifestNumber: transfer.manifest.number } : {}),
    ...(parties ? { shipperName: parties.shipper.legalName, receiverName: parties.receiver.legalName } : {}),
    ...(content.estimatedDeparture ? { estimatedDeparture: content.estimatedDeparture } : {}),
    ...(transfer.departedAt ? { departedAt: transfer.departedAt } : {}),
    ...(transfer.arrivedAt ? { arrivedAt: transfer.arrivedAt } : {}),
    ...(transfer.returnOf ? { returnOf: transfer.returnOf.transferId } : {}),
  };
}

export interface TransferDeps {
  readonly transfers: TransferRepository<StoredTransfer, TransferEvent>;
  readonly registries: RegistryRepository;
  readonly licensees: LicenseeDirectory;
  readonly rules: TransferRules;
  /** The state system a partner that says it is integrated reports to, when it is not a tenant. */
  readonly defaultStateSystem: StateSystem;
  /** Renders and stores the PDF of every manifest version issued. */
  readonly manifests: ManifestFiles;
  /** Where committed state-system submissions go next. */
  readonly outbox: Omit<OutboxDeps, 'now'>;
  /** Receipt links for receivers that are not integrated. */
  readonly receiptLinks: ReceiptLinkSettings;
  /** Signatures and photos of receipts, for the receipt PDF. */
  readonly receiptFiles: ReceiptFiles;
  /** The state system's word on the lines before a manifest is numbered; absent: no pre-flight. */
  readonly stateChecks?: StateChecks;
  readonly now: () => Date;
}


/** Manifests of one shipper take numbers in turn; a collision is retried after a short random wait. */
const MANIFEST_ATTEMPTS = 10;
const collisionPause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 5)));

export function toStored(transfer: Transfer): StoredTransfer {
  const parties = transfer.manifest?.parties;
  const { receiverLicenseeId: _r, transporterLicenseeId: _t, manifestedAt: _m, summary: _s, ...plain } = transfer as StoredTransfer;
  return {
    ...plain,
    summary: summaryOf(transfer),
    ...(parties?.receiver.licenseeId ? { receiverLicenseeId: parties.receiver.licenseeId } : {}),
    ...(parties?.transporter?.licenseeId ? { transporterLicenseeId: parties.transporter.licenseeId } : {}),
    ...(transfer.manifest ? { manifestedAt: transfer.manifest.manifestedAt } : {}),
  };
}

type Role = 'shipper' | 'receiver' | 'transporter';

function rolesOf(transfer: StoredTransfer, caller: Caller): Role[] {
  const roles: Role[] = [];
  if (transfer.shipperId === caller.licenseeId) roles.push('shipper');
  if (transfer.receiverLicenseeId === caller.licenseeId) roles.push('receiver');
  if (transfer.transporterLicenseeId === caller.licenseeId) roles.push('transporter');
  return roles;
}

/** Who may do what, beyond seeing the transfer. */
const permitted: Readonly<Record<TransferAction, readonly Role[]>> = {
  update: ['shipper'],
  discard: ['shipper'],
  manifest: ['shipper'],
  amend: ['shipper'],
  void: ['shipper'],
  depart: ['shipper', 'transporter'],
  arrive: ['shipper', 'transporter'],
  receive: ['receiver'],
  return: ['receiver'],
};

function refusal(error: Refusal): Error {
  if (error.kind === 'rule-violation') {
    return new RuleViolationError(error.problems.map((p) => ({ pointer: p.pointer, message: p.message, code: p.code })));
  }
  return new ConflictError('invalid-transition', `A ${error.current} transfer cannot be given the action '${error.action}'`, {
    currentStatus: error.current,
    allowedActions: error.allowed,
  });
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw refusal(result.error);
  return result;
}

async function load(deps: TransferDeps, caller: Caller, id: string): Promise<{ transfer: StoredTransfer; roles: Role[] }> {
  const transfer = await deps.transfers.get(id);
  const roles = transfer ? rolesOf(transfer, caller) : [];
  if (!transfer || roles.length === 0) throw new NotFoundError('transfer');
  return { transfer, roles };
}

/** Loads a transfer for an action: visible, the caller's role allows it, and If-Match (when sent) is current. */
async function loadFor(deps: TransferDeps, caller: Caller, id: string, action: TransferAction, expected: ExpectedVersion) {
  const { transfer, roles } = await load(deps, caller, id);
  if (!roles.some((role) => permitted[action].includes(role))) {
    throw new ForbiddenError('not-permitted', `Only the ${permitted[action].join(' or ')} may ${action} this transfer`);
  }
  requireVersion(transfer.version, expected);
  return transfer;
}

const contextFor = (deps: TransferDeps, caller: Caller) => ({ now: deps.now(), actor: caller, rules: deps.rules });

async function profileOf(deps: TransferDeps, licenseeId: string): Promise<LicenseeProfile> {
  const profile = await deps.licensees.get(licenseeId);
  if (!profile) throw new Error(`Licensee ${licenseeId} has no profile`);
  return profile;
}

export async function createTransfer(deps: TransferDeps, caller: Caller, body: CreateTransferBody): Promise<StoredTransfer> {
  const shipper = await profileOf(deps, caller.licenseeId);
  await requireOwnRecords(deps, caller, body);
  const change = unwrap(
    domain.createDraft({ id: ulid(), shipperId: caller.licenseeId, content: body }, { ...contextFor(deps, caller), shipperStateSystem: shipper.stateSystem }),
  );
  const stored = toStored(change.transfer);
  await deps.transfers.create(stored, change.event);
  return stored;
}

/** Ids in a draft must name the shipper's own registry records; any other id is as good as unknown. */
async function requireOwnRecords(
  deps: TransferDeps,
  caller: Caller,
  content: Pick<UpdateTransferBody, 'receiverPartnerId' | 'transporterPartnerId' | 'driverIds' | 'vehicleId'>,
): Promise<void> {
  const checks: [string, 'partner' | 'driver' | 'vehicle', string][] = [];
  if (content.receiverPartnerId) checks.push(['/receiverPartnerId', 'partner', content.receiverPartnerId]);
  if (content.transporterPartnerId) checks.push(['/transporterPartnerId', 'partner', content.transporterPartnerId]);
  if (content.vehicleId) checks.push(['/vehicleId', 'vehicle', content.vehicleId]);
  (content.driverIds ?? []).forEach((id, i) => checks.push([`/driverIds/${i}`, 'driver', id]));
  const found = await Promise.all(checks.map(([, kind, id]) => deps.registries.get(kind, caller.licenseeId, id)));
  const problems = checks.flatMap(([pointer, kind], i) => {
    const record = found[i];
    if (!record) return [{ pointer, code: 'unknown-reference', message: `No ${kind} with this id in your registry` }];
    if (!record.active) return [{ pointer, code: 'deactivated-reference', message: `This ${kind} is deactivated` }];
    return [];
  });
  if (problems.length > 0) throw new RuleViolationError(problems);
}

export async function getTransfer(deps: TransferDeps, caller: Caller, id: string): Promise<StoredTransfer> {
  return (await load(deps, caller, id)).transfer;
}

/** What the hub reported (or still owes) the state system for this transfer, in lifecycle order. */
export async function transferSubmissions(deps: TransferDeps, caller: Caller, id: string) {
  await load(deps, caller, id);
  return deps.outbox.submissions.list(id);
}

export async function transferEvents(deps: TransferDeps, caller: Caller, id: string): Promise<TransferEvent[]> {
  await load(deps, caller, id);
  return deps.transfers.events(id);
}

/** A page of the caller's transfers, each row with where it stands with the state system. */
export async function listTransfers(deps: TransferDeps, caller: Caller, direction: 'outgoing' | 'incoming' | 'carrying', options: ListOptions) {
  const page =
    direction === 'carrying'
      ? await deps.transfers.listCarrying(caller.licenseeId, options)
      : direction === 'outgoing'
        ? await deps.transfers.listOutgoing(caller.licenseeId, options)
        : await deps.transfers.listIncoming(caller.licenseeId, options);
  return withStateSystem(deps, page);
}

/**
 * A carrier sees what it carries, not what it is worth: to a caller that is only the transfer's
 * transporter (neither shipper nor receiver) the lines come without their unit prices. Lists never
 * carry prices; the manifest prints none.
 */
export function asSeenBy<T extends StoredTransfer>(transfer: T, caller: Caller): T {
  const roles = rolesOf(transfer, caller);
  if (!(roles.length === 1 && roles[0] === 'transporter')) return transfer;
  const lines = transfer.content.lines.map(({ unitPrice: _price, ...line }) => line);
  return { ...transfer, content: { ...transfer.content, lines } };
}

/** Commits a change with the submissions it owes the state system, then hands those to the queue. */
export async function save(
  deps: Pick<TransferDeps, 'transfers' | 'outbox' | 'now'>,
  change: Change,
  expectedVersion: number,
  changed: ChangedParts = {},
): Promise<StoredTransfer> {
  const stored = toStored(change.transfer);
  const submissions = plannedSubmissions(change);
  await deps.transfers.commit(stored, expectedVersion, change.event, changed, submissions);
  await handOver({ ...deps.outbox, now: deps.now }, submissions);
  return stored;
}

export async function updateTransfer(
  deps: TransferDeps,
  caller: Caller,
  id: string,
  patch: UpdateTransferBody,
  expected: ExpectedVersion,
): Promise<StoredTransfer> {
  if (expected === undefined) throw new VersionRequiredError('If-Match is required to change a draft');
  const transfer = await loadFor(deps, caller, id, 'update', expected);
  await requireOwnRecords(deps, caller, patch);
  const shipper = await profileOf(deps, caller.licenseeId);
  const change = unwrap(domain.updateDraft(transfer, patch, { ...contextFor(deps, caller), shipperStateSystem: shipper.stateSystem }));
  return save(deps, change, transfer.version, { lines: true });
}

export async function discardTransfer(deps: TransferDeps, caller: Caller, id: string, expected: ExpectedVersion): Promise<StoredTransfer> {
  const transfer = await loadFor(deps, caller, id, 'discard', expected);
  return save(deps, unwrap(domain.discard(transfer, contextFor(deps, caller))), transfer.version);
}

/** Departs, unless the state system refuses the manifest (a rule: off, the departure only warns). */
export async function departTransfer(deps: TransferDeps, caller: Caller, id: string, body: domain.DepartBody, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'depart', expected);
  const warnings = departureCheck(await stateSystemOf(deps, transfer), deps.rules);
  const change = unwrap(domain.depart(transfer, body, contextFor(deps, caller)));
  return { transfer: await save(deps, change, transfer.version), warnings };
}

export async function arriveTransfer(deps: TransferDeps, caller: Caller, id: string, body: domain.ArriveBody, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'arrive', expected);
  return save(deps, unwrap(domain.arrive(transfer, body, contextFor(deps, caller))), transfer.version);
}

/** Tags go back to the pool once the transfer no longer carries them. */
export async function releaseTags(deps: Pick<TransferDeps, 'transfers'>, transfer: StoredTransfer): Promise<void> {
  await deps.transfers.releaseTags(transfer.id, transfer.content.lines.map((line) => line.tag), transfer.updatedAt);
}

export async function voidTransfer(deps: TransferDeps, caller: Caller, id: string, body: domain.VoidBody, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'void', expected);
  const saved = await save(deps, unwrap(domain.voidTransfer(transfer, body, contextFor(deps, caller))), transfer.version);
  await releaseTags(deps, saved);
  return saved;
}

export async function receiveTransfer(deps: TransferDeps, caller: Caller, id: string, body: ReceiptBody, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'receive', expected);
  const receiver = await profileOf(deps, caller.licenseeId);
  const change = unwrap(domain.receive(transfer, body, { ...contextFor(deps, caller), receiverStateAccessLost: receiver.stateAccessLost, stateSystem: receiptCapabilities(transfer) }));
  const saved = await save(deps, change, transfer.version, { receipt: true });
  await releaseTags(deps, saved);
  return saved;
}

/** The signed receipt PDF, for any party once the transfer is received. */
export async function receiptPdf(deps: TransferDeps, caller: Caller, id: string) {
  const { transfer } = await load(deps, caller, id);
  if (!transfer.receipt) throw new NotFoundError('receipt');
  return receiptPdfUrl({ pdfs: deps.manifests.store, files: deps.receiptFiles, publicBaseUrl: deps.manifests.publicBaseUrl }, transfer);
}

/** A new receipt link for a receiver that is not integrated; the previous one stops working. */
export async function issueReceiptLink(deps: TransferDeps, caller: Caller, id: string, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'manifest', expected);
  const change = unwrap(domain.issueReceiptLink(transfer, ulid(), { ...contextFor(deps, caller), validForMs: deps.receiptLinks.validForMs }));
  const saved = await save(deps, change, transfer.version, { newItems: await newLinkItems(deps, transfer, change.transfer) });
  return { transfer: saved, link: await issuedLink(deps, saved) };
}

export async function revokeReceiptLink(deps: TransferDeps, caller: Caller, id: string, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'manifest', expected);
  return save(deps, unwrap(domain.revokeReceiptLink(transfer, contextFor(deps, caller))), transfer.version);
}

/** Turns the rejected lines into a return draft from the caller back to the original shipper. */
export async function returnTransfer(deps: TransferDeps, caller: Caller, id: string, body: ReturnBody, expected: ExpectedVersion) {
  const original = await loadFor(deps, caller, id, 'return', expected);
  await requireOwnRecords(deps, caller, body);
  const { original: updated, draft } = unwrap(domain.returnDraftFrom(original, body, { ...contextFor(deps, caller), returnId: ulid() }));
  const created = toStored(draft.transfer);
  await deps.transfers.commitWithNew(toStored(updated.transfer), original.version, updated.event, created, draft.event);
  return created;
}

export function partyFromProfile(profile: LicenseeProfile): PartySnapshot {
  return {
    licenseeId: profile.id,
    legalName: profile.legalName,
    ...(profile.dba ? { dba: profile.dba } : {}),
    licenseNumber: profile.licenseNumber,
    premisesAddress: profile.premisesAddress,
    phone: profile.phone,
    stateSystem: profile.stateSystem,
    stateAccessLost: profile.stateAccessLost,
  };
}

/** A partner as the shipper keeps it; when it is a tenant, its own profile is the authority. */
async function partnerParty(deps: TransferDeps, caller: Caller, partnerId: string | undefined): Promise<PartySnapshot | undefined> {
  if (!partnerId) return undefined;
  const partner = await deps.registries.get('partner', caller.licenseeId, partnerId);
  if (!partner?.active) return undefined;
  const tenant = await deps.licensees.findByLicenseNumber(partner.data.licenseNumber);
  if (tenant) return { ...partyFromProfile(tenant), partnerId };
  return {
    partnerId,
    legalName: partner.data.legalName,
    ...(partner.data.dba ? { dba: partner.data.dba } : {}),
    licenseNumber: partner.data.licenseNumber,
    premisesAddress: partner.data.premisesAddress,
    phone: partner.data.phone,
    stateSystem: partner.data.integrated ? deps.defaultStateSystem : 'none',
    stateAccessLost: false,
  };
}

async function crew(deps: TransferDeps, caller: Caller, transfer: Transfer): Promise<{ drivers: DriverSnapshot[]; vehicle?: VehicleSnapshot }> {
  const drivers = await Promise.all(
    (transfer.content.driverIds ?? []).map(async (driverId): Promise<DriverSnapshot | undefined> => {
      const driver = await deps.registries.get('driver', caller.licenseeId, driverId);
      if (!driver?.active) return undefined;
      const { name, employeeId, driversLicenseNumber, driversLicenseState, phone } = driver.data;
      return { driverId, name, employeeId, driversLicenseNumber, driversLicenseState, phone };
    }),
  );
  const vehicleId = transfer.content.vehicleId;
  const vehicle = vehicleId ? await deps.registries.get('vehicle', caller.licenseeId, vehicleId) : undefined;
  return {
    drivers: drivers.filter((d) => d !== undefined),
    ...(vehicle?.active && vehicleId ? { vehicle: { vehicleId, ...vehicle.data } } : {}),
  };
}

/** `OCM-DIST-24-000114-M000042`: the shipper's license and its own sequence, so it is unique statewide. */
export const formatManifestNumber = (licenseNumber: string, sequence: number) => `${licenseNumber}-M${String(sequence).padStart(6, '0')}`;

export async function manifestTransfer(
  deps: TransferDeps,
  caller: Caller,
  id: string,
  expected: ExpectedVersion,
): Promise<{ transfer: StoredTransfer; warnings: readonly FieldProblem[] }> {
  for (let attempt = 1; ; attempt += 1) {
    const transfer = await loadFor(deps, caller, id, 'manifest', expected);
    const shipperProfile = await profileOf(deps, caller.licenseeId);
    const [receiver, transporter, { drivers, vehicle }] = await Promise.all([
      partnerParty(deps, caller, transfer.content.receiverPartnerId),
      partnerParty(deps, caller, transfer.content.transporterPartnerId),
      crew(deps, caller, transfer),
    ]);
    const sequence = await deps.transfers.nextManifestNumber(caller.licenseeId);
    const result = domain.manifest(
      transfer,
      {
        shipper: partyFromProfile(shipperProfile),
        ...(receiver ? { receiver } : {}),
        ...(transporter ? { transporter } : {}),
        drivers,
        ...(vehicle ? { vehicle } : {}),
      },
      { ...contextFor(deps, caller), manifestNumber: formatManifestNumber(shipperProfile.licenseNumber, sequence) },
    );
    const change = unwrap(result);
    // The state system's refusals that its records already show are the shipper's to fix now, unnumbered.
    if (attempt === 1 && deps.stateChecks && shipperProfile.stateSystem !== 'none') {
      const problems = await deps.stateChecks.linesOf(caller.licenseeId, transfer);
      if (problems.length > 0) throw new RuleViolationError(problems);
    }
    const linked = domain.withReceiptLink(change.transfer, ulid(), linkContext(deps));
    const rendered = await renderIssued(deps.manifests, linked);
    const next = toStored(rendered.transfer);
    const submissions = plannedSubmissions({ transfer: next, event: change.event });
    const newItems = await newLinkItems(deps, transfer, next);
    try {
      await deps.transfers.commitManifest({
        next,
        expectedVersion: transfer.version,
        event: change.event,
        sequence,
        manifestNumber: domain.recorded(next.manifest, next, 'manifest').number,
        tags: next.content.lines.map((line) => line.tag),
        at: next.updatedAt,
        submissions,
        newItems,
      });
      await handOver({ ...deps.outbox, now: deps.now }, submissions);
      await storeAfterCommit(deps, next, rendered.pdf);
      return { transfer: next, warnings: change.warnings };
    } catch (error) {
      if (error instanceof TagsTakenError) {
        const index = new Map(next.content.lines.map((line, i) => [line.tag, i]));
        throw new ConflictError('tags-on-open-transfer', 'Some packages are already on another open transfer', {
          errors: error.conflicts.map((c) => ({ pointer: `/lines/${index.get(c.tag) ?? 0}/tag`, message: 'This package is on another open transfer' })),
        });
      }
      if (error instanceof ManifestRaceError) {
        if (attempt < MANIFEST_ATTEMPTS) {
          await collisionPause(attempt);
          continue;
        }
        throw new ConflictError('manifest-number-contention', 'Many manifests of this shipper are being issued at once; retry in a moment');
      }
      throw error;
    }
  }
}

/**
 * Issues the next version of a manifest before departure: another driver or vehicle, new times,
 * route or layover. The new version gets a PDF of its own; every earlier one stays as issued.
 */
export async function amendTransfer(
  deps: TransferDeps,
  caller: Caller,
  id: string,
  body: AmendBody,
  expected: ExpectedVersion,
): Promise<StoredTransfer> {
  if (expected === undefined) throw new VersionRequiredError('If-Match is required to amend a manifest');
  const transfer = await loadFor(deps, caller, id, 'amend', expected);
  await requireOwnRecords(deps, caller, body);
  const amended = { ...transfer, content: domain.patched(transfer.content, body) };
  const [transporter, { drivers, vehicle }] = await Promise.all([
    partnerParty(deps, caller, amended.content.transporterPartnerId),
    crew(deps, caller, amended),
  ]);
  const change = unwrap(
    domain.amend(transfer, body, { ...(transporter ? { transporter } : {}), drivers, ...(vehicle ? { vehicle } : {}) }, contextFor(deps, caller)),
  );
  const rendered = await renderIssued(deps.manifests, domain.withReceiptLink(change.transfer, ulid(), linkContext(deps)));
  const saved = await save(deps, { transfer: rendered.transfer, event: change.event }, transfer.version, {
    newItems: await newLinkItems(deps, transfer, rendered.transfer),
  });
  await storeAfterCommit(deps, saved, rendered.pdf);
  return saved;
}

/**
 * The transfer is committed: a failed upload must not undo that. The first download renders the
 * PDF again (rendering is deterministic) and stores it then.
 */
async function storeAfterCommit(deps: TransferDeps, transfer: StoredTransfer, pdf: Uint8Array): Promise<void> {
  try {
    await storeIssued(deps.manifests, transfer, pdf);
  } catch (error) {
    logger.warn('Manifest PDF not stored; it will be rendered again on first download', { transferId: transfer.id, error: error as Error });
  }
}
