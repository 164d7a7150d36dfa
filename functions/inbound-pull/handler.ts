/**
 * Every five minutes (an EventBridge schedule in AWS, a timer in local mode): the reconciler, for
 * each state system and each licensee connected to it, reads back what the state shows (transfers
 * addressed to the licensee, what became of its own) and hands it to the domain. One licensee's
 * failure (consent expired, state system down) does not stop the others.
 */
import { readConfig } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { reconcileLicensee } from '#shared/reconciliation/reconciler.ts';
import { reconcilerDeps } from '#shared/wiring/reconciler.ts';
import type { ReconcilerRunDeps } from '#shared/wiring/reconciler.ts';

export function createHandler(deps: ReconcilerRunDeps) {
  return async () => {
    const totals = { imported: 0, arrived: 0, observed: 0, discrepancies: 0, skipped: 0, failed: 0 };
    for (const system of Object.keys(deps.systems)) {
      for (const licenseeId of await deps.connections.connectedLicensees(system)) {
        try {
          const result = await reconcileLicensee(deps, licenseeId);
          for (const name of Object.keys(result) as (keyof typeof result)[]) totals[name] += result[name];
        } catch (error) {
          totals.failed += 1;
          logger.warn('Reconciliation failed for a licensee', { licenseeId, system, error: error as Error });
        }
      }
    }
    return totals;
  };
}

export const handler = createHandler(await reconcilerDeps(readConfig()));
