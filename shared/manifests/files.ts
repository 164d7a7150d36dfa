/**
 * The PDF of each issued manifest version: rendered when the version is issued, its SHA-256 and
 * size committed with the transfer, then stored under a key of its own. Rendering is deterministic
 * (the document's own time is its generated-at), so a PDF lost to a crash between the commit and
 * the upload is rendered again on first use and must match the recorded hash byte for byte.
 */
import { createHash } from 'node:crypto';
import type { Manifest, Transfer } from '../domain/transfer/index.ts';
import { issuedVersion, manifestDocument } from './document.ts';
import type { IssuedVersion, ManifestDocument } from './document.ts';
import { manifestObjectKey } from './store.ts';
import type { ManifestStore } from './store.ts';

export interface ManifestFiles {
  /** Where the public verification page lives; the QR code of every manifest points there. */
  readonly publicBaseUrl: string;
  readonly render: (document: ManifestDocument) => Promise<Uint8Array>;
  readonly store: ManifestStore;
}

/**
 * The document of an issued version. It never carries the receipt link: the paper rides with the
 * driver, and whoever holds a link can record the receipt (the shipper sends it to the receiver).
 */
export function documentOf(files: Omit<ManifestFiles, 'render' | 'store'>, transfer: Transfer, issued: IssuedVersion): ManifestDocument {
  return manifestDocument(transfer, issued, files.publicBaseUrl);
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const objectKey = (transfer: Transfer, manifest: Manifest) => manifestObjectKey(transfer.shipperId, transfer.id, manifest.version);

function currentVersion(transfer: Transfer): IssuedVersion {
  const issued = issuedVersion(transfer);
  if (!issued) throw new Error(`Transfer ${transfer.id} has no manifest to render`);
  return issued;
}

/** Renders the version just issued and records its file on it, ready to commit. */
export async function renderIssued<T extends Transfer>(files: ManifestFiles, transfer: T): Promise<{ transfer: T; pdf: Uint8Array }> {
  const issued = currentVersion(transfer);
  const pdf = await files.render(documentOf(files, transfer, issued));
  const manifest: Manifest = { ...issued.manifest, file: { sha256: sha256Hex(pdf), bytes: pdf.byteLength } };
  return { transfer: { ...transfer, manifest }, pdf };
}

/** Stores the committed version's PDF. Its key is new: an issued version is never written over. */
export async function storeIssued(files: ManifestFiles, transfer: Transfer, pdf: Uint8Array): Promise<void> {
  const { manifest } = currentVersion(transfer);
  if (!manifest.file) throw new Error(`Manifest ${manifest.number} v${manifest.version} has no file record`);
  await files.store.put(objectKey(transfer, manifest), pdf, manifest.file.sha256);
}

/**
 * The key of a version's PDF, making sure it is stored: one missing after a crash is rendered again
 * and stored, but only if it still hashes to what the transfer recorded.
 */
export async function storedPdfKey(files: ManifestFiles, transfer: Transfer, issued: IssuedVersion): Promise<string> {
  const { manifest } = issued;
  const key = objectKey(transfer, manifest);
  if (await files.store.exists(key)) return key;
  const pdf = await files.render(documentOf(files, transfer, issued));
  const sha256 = sha256Hex(pdf);
  if (sha256 !== manifest.file?.sha256) {
    throw new Error(`Manifest ${manifest.number} v${manifest.version} is missing and renders to ${sha256}, not the recorded ${manifest.file?.sha256 ?? 'nothing'}`);
  }
  await files.store.put(key, pdf, sha256);
  return key;
}
