/**
 * Where a transfer stands with the state tracking system, as its parties see it: derived live from
 * its submissions on the transfer itself, from the stored status on list rows (refreshed by the
 * outbox and the worker, so it may trail by the moment a delivery takes). A refused manifest stops
 * the departure (a rule), and the manifest answer waits briefly for the state's verdict.
 */
import { manifestRefused, stateSystemStatusOf } from '../domain/submission/state-status.ts';
import type { StateReceipt } from '../domain/reconciliation/state-receipt.ts';
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import type { TransferRules } from '../domain/transfer/index.ts';
import { ConflictError } from '../errors.ts';
import type { Page } from '../repositories/paging.ts';
import type { DiscrepancyStore, StoredDiscrepancy } from '../reconciliation/discrepancies.ts';
import type { SubmissionRepository } from '../submissions/repository.ts';
import type { ListedTransfer } from './repository.ts';

export interface StateSystemViewDeps {
  readonly outbox: { readonly submissions: Pick<SubmissionRepository, 'list' | 'statuses' | 'stateRefs'> };
  /** Absent: the view counts discrepancies without listing them, and does not say whether the state shows the receipt. */
  readonly discrepancies?: Pick<DiscrepancyStore, 'ofTransfer' | 'stateReceipt'>;
}

interface WithStateIds {
  readonly id: string;
  readonly departedAt?: string;
  readonly arrivedAt?: string;
}

/** A time as each side recorded it: the state's, once the reconciler saw it, beside the hub's. */
export interface StateTime {
  readonly hub?: string;
  readonly state: string;
  /** Minutes between the two, when both are known. */
  readonly apartMinutes?: number;
}

function stateTime(hub: string | undefined, state: string | undefined): StateTime | undefined {
  if (!state) return undefined;
  return { ...(hub ? { hub, apartMinutes: Math.round(Math.abs(Date.parse(state) - Date.parse(hub)) / 60_000) } : {}), state };
}

/** The state's manifest number, once its adapter has one. */
const manifestNumberOf = async (deps: StateSystemViewDeps, transfer: WithStateIds) => (await deps.outbox.submissions.stateRefs(transfer.id)).manifestNumber;

/** Where the transfer stands, with the differences the state system shows still to settle and the receipt it shows, once it does. */
export async function stateSystemOf(
  deps: StateSystemViewDeps,
  transfer: WithStateIds,
  now: Date = new Date(),
): Promise<
  StateSystemStatus & {
    readonly differences?: readonly StoredDiscrepancy[];
    readonly receipt?: StateReceipt;
    readonly times?: { readonly departure?: StateTime; readonly arrival?: StateTime };
  }
> {
  const [submissions, record, receipt] = await Promise.all([
    deps.outbox.submissions.list(transfer.id),
    deps.outbox.submissions.stateRefs(transfer.id),
    deps.discrepancies?.stateReceipt(transfer.id),
  ]);
  const departure = stateTime(transfer.departedAt, record.stateTimes?.departedAt);
  const arrival = stateTime(transfer.arrivedAt, record.stateTimes?.arrivedAt);
  const times = departure || arrival ? { times: { ...(departure ? { departure } : {}), ...(arrival ? { arrival } : {}) } } : {};
  const seen = record.receiptSeenAt ? { receiptSeenAt: record.receiptSeenAt } : {};
  const status = { ...stateSystemStatusOf(submissions, record.manifestNumber, now, record.openDiscrepancies), ...seen, ...(receipt ? { receipt } : {}), ...times };
  if (record.openDiscrepancies === 0 || !deps.discrepancies) return status;
  return { ...status, differences: (await deps.discrepancies.ofTransfer(transfer.id)).filter((d) => d.status === 'open') };
}

/** List rows with their stored status; a transfer that never owed the state anything has none stored. */
export async function withStateSystem(deps: StateSystemViewDeps, page: Page<ListedTransfer>): Promise<Page<ListedTransfer & { readonly stateSystem: StateSystemStatus }>> {
  const statuses = await deps.outbox.submissions.statuses(page.items.map((row) => row.id));
  return { ...page, items: page.items.map((row) => ({ ...row, stateSystem: statuses.get(row.id) ?? { status: 'not-required' } })) };
}

/**
 * The manifest's verdict, when the state system gives it within `waitMs`: the answer to
 * `POST …/manifest` then says recorded or refused instead of pending.
 */
export async function awaitVerdict(
  deps: StateSystemViewDeps & { readonly sleep?: (ms: number) => Promise<void> },
  transfer: WithStateIds,
  waitMs: number,
): Promise<StateSystemStatus> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + waitMs;
  for (let pause = 50; ; pause = Math.min(pause * 2, 400)) {
    const submissions = await deps.outbox.submissions.list(transfer.id);
    const status = stateSystemStatusOf(submissions, undefined);
    const manifest = submissions.filter((s) => s.step === 'manifest' || s.step === 'amend').at(-1);
    // Parked (consent, dead letters, a person's step) is as decided as it gets for now: no verdict is coming soon.
    const decided = !manifest || ['succeeded', 'failed', 'consent-expired', 'dead-lettered', 'awaiting-person'].includes(manifest.status);
    if (decided || Date.now() + pause > deadline) return decided && manifest?.status === 'succeeded' ? { ...status, ...(await recordedId(deps, transfer)) } : status;
    await sleep(pause);
  }
}

/** The state's manifest number, kept by the worker once the manifest went through. */
async function recordedId(deps: StateSystemViewDeps, transfer: WithStateIds): Promise<{ stateManifestId?: string }> {
  const manifestNumber = await manifestNumberOf(deps, transfer);
  return manifestNumber ? { stateManifestId: manifestNumber } : {};
}

/**
 * While the state system refuses the manifest the shipment is not on record there: departing is
 * refused (409 `state-refused`, with the state's words) unless the rule is off, when it only warns.
 */
export function departureCheck(status: StateSystemStatus, rules: Pick<TransferRules, 'noDepartureWhileStateRefuses'>): { readonly code: string; readonly message: string }[] {
  if (!manifestRefused(status)) return [];
  const words = `The state system refused this transfer's manifest${status.code ? ` (${status.code}` : ''}${status.message ? `: ${status.message}` : ''}${status.code ? ')' : ''}.`;
  if (rules.noDepartureWhileStateRefuses.enabled) {
    throw new ConflictError('state-refused', `${words} Correct the transfer (amend or void it) before it departs.`, {
      stateSystem: status,
    });
  }
  return [{ code: 'state-refused', message: `${words} It departs without a manifest on record at the state.` }];
}
