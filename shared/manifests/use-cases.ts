/**
 * Issued manifests as the parties and the public get them: the PDF of a version through a
 * short-lived link, its JSON twin, and the public verification of a printed copy.
 */
import { NotFoundError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import type { ConveyanceType, TransferStatus } from '../domain/transfer/index.ts';
import { guarded } from '../guessing/guard.ts';
import type { GuessingDeps } from '../guessing/guard.ts';
import { stateSystemStatusOf } from '../domain/submission/state-status.ts';
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import type { SubmissionRepository } from '../submissions/repository.ts';
import type { StoredTransfer, TransferDeps } from '../transfers/use-cases.ts';
import { getTransfer } from '../transfers/use-cases.ts';
import type { TransferHeader } from '../transfers/repository.ts';
import { issuedVersion, SHORT_HASH_LENGTH } from './document.ts';
import { documentOf } from './files.ts';
import type { IssuedVersion, ManifestDocument } from './document.ts';
import { storedPdfKey } from './files.ts';

/** Long enough to open or print, short enough that a forwarded link soon stops working. */
export const DOWNLOAD_LINK_SECONDS = 300;

async function issued(deps: TransferDeps, caller: Caller, id: string, version: number | undefined) {
  const transfer = await getTransfer(deps, caller, id);
  // The shipper's own system printed this one; the hub holds no copy of its paper.
  if (transfer.origin) throw new NotFoundError(`manifest: manifest ${transfer.manifest?.number ?? ''} was issued by the shipper's own system`);
  const found = issuedVersion(transfer, version);
  if (!found) throw new NotFoundError(version === undefined ? 'manifest: the transfer is not manifested' : `manifest version ${version}`);
  return { transfer, issued: found };
}

const isCurrent = (transfer: StoredTransfer, version: IssuedVersion) => version.manifest.version === transfer.manifest?.version;

export interface ManifestDownload {
  readonly url: string;
  readonly expiresAt: string;
  readonly manifestNumber: string;
  readonly version: number;
  readonly current: boolean;
  readonly contentType: 'application/pdf';
  readonly sha256: string;
  readonly bytes: number;
}

export async function manifestDownload(deps: TransferDeps, caller: Caller, id: string, version?: number): Promise<ManifestDownload> {
  const { transfer, issued: found } = await issued(deps, caller, id, version);
  const { manifest } = found;
  if (!manifest.file) throw new Error(`Manifest ${manifest.number} v${manifest.version} has no file record`);
  const key = await storedPdfKey(deps.manifests, transfer, found);
  const url = await deps.manifests.store.downloadUrl(key, `${manifest.number}-v${manifest.version}.pdf`, DOWNLOAD_LINK_SECONDS);
  return {
    url,
    expiresAt: new Date(deps.now().getTime() + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
    manifestNumber: manifest.number,
    version: manifest.version,
    current: isCurrent(transfer, found),
    contentType: 'application/pdf',
    sha256: manifest.file.sha256,
    bytes: manifest.file.bytes,
  };
}

/** The JSON twin of a version, with the hash of its PDF so software can check the file it holds. */
export async function manifestJson(
  deps: TransferDeps,
  caller: Caller,
  id: string,
  version?: number,
): Promise<ManifestDocument & { readonly current: boolean; readonly pdf?: { readonly sha256: string; readonly bytes: number } }> {
  const { transfer, issued: found } = await issued(deps, caller, id, version);
  return {
    ...documentOf(deps.manifests, transfer, found),
    current: isCurrent(transfer, found),
    ...(found.manifest.file ? { pdf: found.manifest.file } : {}),
  };
}

/** A version issued after the copy only to print the state's manifest number: the copy is as good as it. */
export interface NewerPrint {
  readonly version: number;
  readonly stateManifestId?: string;
}

export type HashCheck =
  | { readonly result: 'not-given' }
  | { readonly result: 'current'; readonly version: number; readonly newerPrint?: NewerPrint }
  /** The copy is an earlier version: an amendment replaced it. */
  | { readonly result: 'superseded'; readonly version: number }
  | { readonly result: 'mismatch' };

/** What a copy's hash proves: only a copy in hand (its QR code) opens the details of a shipment. */
const provesCopy = (hash: HashCheck): hash is Extract<HashCheck, { version: number }> => hash.result === 'current' || hash.result === 'superseded';

/** Anyone may learn that a manifest number was issued, and whether the hash they typed fits it. */
export interface ManifestExistence {
  readonly manifestNumber: string;
  readonly hash: Extract<HashCheck, { result: 'not-given' | 'mismatch' }>;
}

/**
 * What the holder of a printed copy (its QR code carries the hash) may learn: enough to match the
 * truck and the crew and to look the manifest up at the state, but no prices and no quantities
 * beyond the count of packages.
 */
export interface ManifestVerification {
  readonly manifestNumber: string;
  readonly status: TransferStatus;
  readonly version: number;
  readonly issuedAt: string;
  readonly shipper: { readonly name: string; readonly licenseNumber: string };
  readonly receiver: { readonly name: string; readonly licenseNumber: string };
  readonly estimatedDeparture?: string;
  readonly departedAt?: string;
  readonly arrivedAt?: string;
  readonly packageCount: number;
  /** Of the current version. */
  readonly vehicle?: { readonly conveyance: ConveyanceType; readonly plate?: string; readonly plateState?: string };
  readonly drivers: readonly { readonly name: string }[];
  /** The state tracking system's id of the manifest, once it has one. */
  readonly stateManifestId?: string;
  /** Whether the state system has the manifest on record: an inspector must not take a refused one for genuine. */
  readonly stateSystem: Pick<StateSystemStatus, 'status' | 'step' | 'code' | 'message'>;
  readonly hash: Extract<HashCheck, { version: number }>;
}

/** A printed hash: the short one of the footer and QR code, or a full SHA-256 of the content or of the PDF. */
export const printedHash = /^(?:[0-9a-f]{16}|[0-9a-f]{64})$/;

function checkHash(transfer: TransferHeader<StoredTransfer>, given: string | undefined): HashCheck {
  if (given === undefined) return { result: 'not-given' };
  const versions = [...(transfer.manifestHistory ?? []).map((v) => v.manifest), ...(transfer.manifest ? [transfer.manifest] : [])];
  const matching = versions.find(
    (m) => (given.length === SHORT_HASH_LENGTH ? m.contentHash.startsWith(given) : m.contentHash === given) || m.file?.sha256 === given,
  );
  if (!matching) return { result: 'mismatch' };
  const current = transfer.manifest;
  if (!current || matching.version === current.version) return { result: 'current', version: matching.version };
  // A copy printed before the state's number came in says all the later versions say, but that number.
  const later = versions.filter((m) => m.version > matching.version);
  if (later.every((m) => m.onlyAddsStateNumber)) {
    return { result: 'current', version: matching.version, newerPrint: { version: current.version, ...(current.stateManifestNumber ? { stateManifestId: current.stateManifestNumber } : {}) } };
  }
  return { result: 'superseded', version: matching.version };
}

export type VerifyOutcome =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'exists'; readonly existence: ManifestExistence }
  | { readonly kind: 'verified'; readonly verification: ManifestVerification }
  /** This address tried too many numbers or hashes that proved nothing: refused until its window ends. */
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

export interface VerifyDeps {
  readonly transfers: Pick<TransferDeps['transfers'], 'findByManifestNumber'>;
  readonly submissions: Pick<SubmissionRepository, 'list' | 'stateRefs'>;
  /** Lookups that prove no copy (an unknown number, no hash, a wrong one) are guesses, slowed and then refused. */
  readonly guessing: GuessingDeps;
}

/**
 * The public verification of a manifest number and the hash on a copy. Only a hash that fits a
 * version opens the shipment's details; everything else is counted against the caller's address.
 */
export async function verifyManifest(deps: VerifyDeps, manifestNumber: string | undefined, hash: string | undefined, sourceIp: string): Promise<VerifyOutcome> {
  const answer = await guarded(deps.guessing, sourceIp, async () => {
    const outcome = await lookUp(deps, manifestNumber, hash);
    return { value: outcome, failed: outcome.kind !== 'verified' };
  });
  return answer.kind === 'throttled' ? answer : answer.value;
}

async function lookUp(deps: VerifyDeps, manifestNumber: string | undefined, hash: string | undefined): Promise<Exclude<VerifyOutcome, { kind: 'throttled' }>> {
  const transfer = manifestNumber === undefined ? undefined : await deps.transfers.findByManifestNumber(manifestNumber);
  const manifest = transfer?.manifest;
  if (!transfer || !manifest) return { kind: 'unknown' };
  const check = checkHash(transfer, hash);
  if (!provesCopy(check)) return { kind: 'exists', existence: { manifestNumber: manifest.number, hash: check } };
  const { shipper, receiver, vehicle, drivers } = manifest.parties;
  const [submissions, { manifestNumber: stateManifestId, openDiscrepancies }] = await Promise.all([deps.submissions.list(transfer.id), deps.submissions.stateRefs(transfer.id)]);
  const { status, step, code, message } = stateSystemStatusOf(submissions, stateManifestId, undefined, openDiscrepancies);
  return {
    kind: 'verified',
    verification: {
      manifestNumber: manifest.number,
      status: transfer.status,
      version: manifest.version,
      issuedAt: manifest.manifestedAt,
      shipper: { name: shipper.legalName, licenseNumber: shipper.licenseNumber },
      receiver: { name: receiver.legalName, licenseNumber: receiver.licenseNumber },
      ...(transfer.content.estimatedDeparture ? { estimatedDeparture: transfer.content.estimatedDeparture } : {}),
      ...(transfer.departedAt ? { departedAt: transfer.departedAt } : {}),
      ...(transfer.arrivedAt ? { arrivedAt: transfer.arrivedAt } : {}),
      packageCount: transfer.summary.lineCount,
      ...(vehicle
        ? {
            vehicle: {
              conveyance: vehicle.conveyance,
              ...(vehicle.plate ? { plate: vehicle.plate } : {}),
              ...(vehicle.plateState ? { plateState: vehicle.plateState } : {}),
            },
          }
        : {}),
      drivers: drivers.map((driver) => ({ name: driver.name })),
      ...(stateManifestId ? { stateManifestId } : {}),
      stateSystem: { status, ...(step ? { step } : {}), ...(code ? { code } : {}), ...(message ? { message } : {}) },
      hash: check,
    },
  };
}
