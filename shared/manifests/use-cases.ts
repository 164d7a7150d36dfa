/**
 * Issued manifests as the parties and the public get them: the PDF of a version through a
 * short-lived link, its JSON twin, and the public verification of a printed copy.
 */
import { NotFoundError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import type { TransferStatus } from '../domain/transfer/index.ts';
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
    ...(await documentOf(deps.manifests, transfer, found)),
    current: isCurrent(transfer, found),
    ...(found.manifest.file ? { pdf: found.manifest.file } : {}),
  };
}

export type HashCheck =
  | { readonly result: 'not-given' }
  | { readonly result: 'current'; readonly version: number }
  /** The copy is an earlier version: an amendment replaced it. */
  | { readonly result: 'superseded'; readonly version: number }
  | { readonly result: 'mismatch' };

/** What anyone may learn of a manifest: no prices, no quantities beyond the count of packages. */
export interface ManifestVerification {
  readonly manifestNumber: string;
  readonly status: TransferStatus;
  readonly version: number;
  readonly issuedAt: string;
  readonly shipper: { readonly name: string; readonly licenceNumber: string };
  readonly receiver: { readonly name: string; readonly licenceNumber: string };
  readonly estimatedDeparture?: string;
  readonly departedAt?: string;
  readonly arrivedAt?: string;
  readonly packageCount: number;
  readonly hash: HashCheck;
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
  return matching.version === transfer.manifest?.version ? { result: 'current', version: matching.version } : { result: 'superseded', version: matching.version };
}

export async function verifyManifest(
  deps: Pick<TransferDeps, 'transfers'>,
  manifestNumber: string,
  hash: string | undefined,
): Promise<ManifestVerification> {
  const transfer = await deps.transfers.findByManifestNumber(manifestNumber);
  const manifest = transfer?.manifest;
  if (!transfer || !manifest) throw new NotFoundError('manifest');
  const { shipper, receiver } = manifest.parties;
  return {
    manifestNumber: manifest.number,
    status: transfer.status,
    version: manifest.version,
    issuedAt: manifest.manifestedAt,
    shipper: { name: shipper.legalName, licenceNumber: shipper.licenceNumber },
    receiver: { name: receiver.legalName, licenceNumber: receiver.licenceNumber },
    ...(transfer.content.estimatedDeparture ? { estimatedDeparture: transfer.content.estimatedDeparture } : {}),
    ...(transfer.departedAt ? { departedAt: transfer.departedAt } : {}),
    ...(transfer.arrivedAt ? { arrivedAt: transfer.arrivedAt } : {}),
    packageCount: transfer.summary.lineCount,
    hash: checkHash(transfer, hash),
  };
}
