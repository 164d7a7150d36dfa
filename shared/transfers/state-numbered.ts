/**
 * The state's manifest number on the hub's paper. When the state system files a manifest under a
 * number of its own (the submission worker keeps it from the manifest report, the reconciler sees
 * a person's registration), the hub issues a version that prints it while the shipment has not
 * left, or records it on the transfer once it has. No licensee asks for it: the hub does it on the
 * shipper's behalf, owing the state system nothing.
 */
import * as domain from '../domain/transfer/index.ts';
import type { TransferEvent } from '../domain/transfer/index.ts';
import { StaleVersionError } from '../errors.ts';
import { renderIssued } from '../manifests/files.ts';
import type { ManifestFiles } from '../manifests/files.ts';
import type { TransferRepository } from './transfer-repository.ts';
import { storeAfterCommit } from './manifest-commit.ts';
import { toStored } from './stored-transfer.ts';
import type { StoredTransfer } from './stored-transfer.ts';

export interface StateNumberingDeps {
  readonly transfers: Pick<TransferRepository<StoredTransfer, TransferEvent>, 'get' | 'commit'>;
  /** Renders and stores the PDF of the version that prints the number. */
  readonly manifests: ManifestFiles;
  readonly now: () => Date;
}

/** The shipper's licensee acts, through the hub's own link to the state rather than an API key. */
const STATE_SYSTEM_KEY = 'state-system';

/** A change of the shipper (a departure, an amendment) may land between load and commit: load again. */
const ATTEMPTS = 3;

/**
 * Records the state's number of the transfer's manifest: what happened (a new version, recorded
 * without one, nothing new), or undefined when the transfer is gone. Safe to call again with the
 * same number; a refusal (the transfer was never manifested) throws.
 */
export async function recordStateManifestNumber(
  deps: StateNumberingDeps,
  transferId: string,
  stateManifestNumber: string,
): Promise<StoredTransfer | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    const transfer = await deps.transfers.get(transferId);
    if (!transfer) return undefined;
    const context = { now: deps.now(), actor: { licenseeId: transfer.shipperId, apiKeyId: STATE_SYSTEM_KEY }, rules: domain.defaultTransferRules };
    const result = domain.recordStateManifestNumber(transfer, stateManifestNumber, context);
    if (!result.ok) throw new Error(`Transfer ${transferId}: the state's manifest number ${stateManifestNumber} cannot be recorded (${JSON.stringify(result.error)})`);
    if (result.kind === 'unchanged') return transfer;
    // The new version's PDF is rendered before the commit, so its hash is committed with it.
    const rendered = result.kind === 'new-version' ? await renderIssued(deps.manifests, result.transfer) : undefined;
    const next = toStored(rendered?.transfer ?? result.transfer);
    try {
      await deps.transfers.commit(next, transfer.version, result.event);
    } catch (error) {
      if (error instanceof StaleVersionError && attempt < ATTEMPTS) continue;
      throw error;
    }
    if (rendered) await storeAfterCommit(deps, next, rendered.pdf);
    return next;
  }
}
