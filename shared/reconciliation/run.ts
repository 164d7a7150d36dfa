/**
 * One run of the reconciler: every licensee connected to every state system, a few at a time. One
 * licensee's failure (consent expired, state system down) does not stop the others.
 */
import pLimit from 'p-limit';
import { logger } from '../observability.ts';
import type { ReconcilerRunDeps } from '../wiring/reconciler.ts';
import { reconcileLicensee } from './reconciler.ts';
import type { ReconcileResult } from './reconciler.ts';

/**
 * Licensees reconciled at the same time. One after another, a run with many connected licensees
 * (each a few state-system calls of a second or more) outlasted the schedule; a few at once stay well
 * inside Metrc's per-integrator concurrency (30) and the NY-API's rate, which the adapters pace anyway.
 */
export const LICENSEES_AT_ONCE = 6;

export type RunTotals = { -readonly [K in keyof ReconcileResult]: number } & { failed: number };

type Reconcile = (deps: ReconcilerRunDeps, licenseeId: string) => Promise<ReconcileResult>;

export async function reconcileAll(deps: ReconcilerRunDeps, reconcile: Reconcile = reconcileLicensee): Promise<RunTotals> {
  const totals: RunTotals = { imported: 0, arrived: 0, observed: 0, discrepancies: 0, skipped: 0, failed: 0 };
  const limit = pLimit(LICENSEES_AT_ONCE);
  const runs: Promise<void>[] = [];
  for (const system of Object.keys(deps.systems)) {
    for (const licenseeId of await deps.connections.connectedLicensees(system)) {
      runs.push(
        limit(async () => {
          try {
            const result = await reconcile(deps, licenseeId);
            for (const name of Object.keys(result) as (keyof ReconcileResult)[]) totals[name] += result[name];
          } catch (error) {
            totals.failed += 1;
            logger.warn('Reconciliation failed for a licensee', { licenseeId, system, error: error as Error });
          }
        }),
      );
    }
  }
  await Promise.all(runs);
  return totals;
}
