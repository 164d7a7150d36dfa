/**
 * `GET /v1/transfers/{id}/state-manifest`: the state system's own manifest of a transfer (Metrc
 * prints one when a person registers the template), beside the hub's. Fetched from the state once,
 * when first asked for, and kept in the documents bucket under the state's manifest number, so the
 * paper a driver or an inspector is handed stays the same even if the state system is unreachable
 * later. A system that prints no manifest of its own (BioTrack) has none to give.
 */
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import type { ManifestStore } from '../manifests/store.ts';
import { DOWNLOAD_LINK_SECONDS } from '../manifests/use-cases.ts';
import { capabilitiesOf, isKnownStateSystem } from '../state-system/capabilities.ts';
import type { StateTrackingSystem } from '../state-system/port.ts';
import type { StateAccounts } from '../submissions/deliver.ts';
import type { SubmissionRepository } from '../submissions/repository.ts';
import type { TransferDeps } from './deps.ts';
import { load } from './access.ts';

export interface StateManifestDeps {
  readonly accounts: Pick<StateAccounts, 'account'>;
  readonly systems: Partial<Record<string, StateTrackingSystem>>;
  readonly submissions: Pick<SubmissionRepository, 'stateRefs'>;
  /** The documents bucket, as the manifests are kept there. */
  readonly documents: Pick<ManifestStore, 'put' | 'describe' | 'downloadUrl'>;
}

export interface StateManifestDownload {
  readonly url: string;
  readonly expiresAt: string;
  readonly system: string;
  readonly displayName: string;
  readonly stateManifestNumber: string;
  readonly contentType: 'application/pdf';
  readonly sha256: string;
  readonly bytes: number;
  /** When the hub fetched it from the state system. */
  readonly fetchedAt: string;
}

export const stateManifestKey = (shipperId: string, transferId: string, stateManifestNumber: string) =>
  `state-manifests/${shipperId}/${transferId}/${stateManifestNumber.replace(/[^\w.-]/g, '_')}.pdf`;

async function stored(deps: StateManifestDeps, key: string): Promise<{ sha256: string; bytes: number; fetchedAt: string } | undefined> {
  const found = await deps.documents.describe(key);
  return found && { sha256: found.sha256, bytes: found.bytes, fetchedAt: found.metadata['fetched-at'] ?? found.storedAt ?? '' };
}

export async function stateManifestDownload(deps: TransferDeps, caller: Caller, id: string): Promise<StateManifestDownload> {
  const { transfer } = await load(deps, caller, id);
  const state = deps.stateManifests;
  const record = state ? await state.submissions.stateRefs(transfer.id) : undefined;
  const owner = record?.owner;
  const system = owner && isKnownStateSystem(owner.system) ? owner.system : undefined;
  const adapter = system ? state?.systems[system] : undefined;
  if (!state || !record || !owner || !system || !adapter?.stateManifestDocument) {
    throw new NotFoundError('state manifest: the state system of this transfer prints no manifest of its own; the hub’s manifest is the one to carry');
  }
  const displayName = capabilitiesOf(system).displayName;
  const number = record.manifestNumber;
  if (!number) {
    throw new ConflictError('state-manifest-not-issued', `${displayName} has not issued its manifest yet: it does once a person registers the transfer there.`, { system });
  }
  const key = stateManifestKey(transfer.shipperId, transfer.id, number);
  let kept = await stored(state, key);
  if (!kept) {
    const account = await state.accounts.account(owner.licenseeId);
    const pdf = account ? await adapter.stateManifestDocument(account, record.refs) : undefined;
    if (!pdf) throw new ConflictError('state-manifest-not-issued', `${displayName} has not issued its manifest yet.`, { system });
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const fetchedAt = deps.now().toISOString();
    await state.documents.put(key, pdf, sha256, { 'fetched-at': fetchedAt });
    kept = { sha256, bytes: pdf.byteLength, fetchedAt };
  }
  return {
    url: await state.documents.downloadUrl(key, `${displayName}-manifest-${number}.pdf`, DOWNLOAD_LINK_SECONDS),
    expiresAt: new Date(deps.now().getTime() + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
    system,
    displayName,
    stateManifestNumber: number,
    contentType: 'application/pdf',
    ...kept,
  };
}
