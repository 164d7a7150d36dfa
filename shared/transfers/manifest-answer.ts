/**
 * The answer of `POST …/manifest`: the manifest issued, the state system's verdict when it comes
 * within the wait, and the transfer as it stands once the wait is over. The worker may issue the
 * next version meanwhile (BioTrack answers the manifest report with its own manifest id, which the
 * hub prints at once), so the answer re-reads the transfer: its body, version and ETag are then
 * the current ones, and an If-Match with that ETag is not refused as stale.
 */
import type { FieldProblem } from '../domain/transfer/index.ts';
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import type { Caller } from '../http/caller.ts';
import type { ExpectedVersion } from '../versions.ts';
import type { TransferDeps } from './deps.ts';
import { manifestTransfer } from './manifest-commit.ts';
import { issuedLink } from './receipt-link-issue.ts';
import type { IssuedLink } from './receipt-link-issue.ts';
import { awaitVerdict } from './state-system.ts';
import type { StoredTransfer } from './stored-transfer.ts';

export interface ManifestAnswer {
  readonly transfer: StoredTransfer;
  readonly stateSystem: StateSystemStatus;
  /** The receipt link issued with the manifest, for a receiver that is not integrated. */
  readonly link?: IssuedLink;
  readonly warnings: readonly FieldProblem[];
}

export async function manifestAnswer(
  deps: TransferDeps & { readonly sleep?: (ms: number) => Promise<void> },
  caller: Caller,
  id: string,
  expected: ExpectedVersion,
  verdictWaitMs: number,
): Promise<ManifestAnswer> {
  const manifested = await manifestTransfer(deps, caller, id, expected);
  // Where the state system answers quickly, the shipper hears its verdict here and now.
  const stateSystem = await awaitVerdict(deps, manifested.transfer, verdictWaitMs);
  // The worker issues the version that prints the state's number before it records the verdict, so it is committed by now.
  const transfer = (await deps.transfers.get(id)) ?? manifested.transfer;
  const link = await issuedLink(deps, transfer);
  return { transfer, stateSystem, ...(link ? { link } : {}), warnings: manifested.warnings };
}
