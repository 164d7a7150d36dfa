/**
 * Every 15 minutes (an EventBridge schedule in AWS, the local hub's timer in local mode): each
 * connected licensee's drivers and vehicles are synced both ways with its state system's
 * transporter list. One licensee's failure (key revoked, state system down) does not stop the others.
 */
import { readConfig } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { syncLicenseeRegistries } from '#shared/registries/state-sync.ts';
import type { RegistrySyncTotals } from '#shared/registries/state-sync.ts';
import { registrySyncDeps } from '#shared/wiring/registry-sync.ts';
import type { RegistrySyncRunDeps } from '#shared/wiring/registry-sync.ts';

export function createHandler(deps: RegistrySyncRunDeps) {
  return async () => {
    const totals: RegistrySyncTotals & { failed: number } = { created: 0, pushed: 0, pulled: 0, imported: 0, conflicts: 0, deferred: 0, failed: 0 };
    for (const system of Object.keys(deps.systems)) {
      if (!deps.systems[system]?.transporters) continue;
      for (const licenseeId of await deps.connections.connectedLicensees(system)) {
        try {
          const result = await syncLicenseeRegistries(deps, licenseeId);
          for (const name of Object.keys(result) as (keyof RegistrySyncTotals)[]) totals[name] += result[name];
        } catch (error) {
          totals.failed += 1;
          logger.warn('Registry sync failed for a licensee', { licenseeId, system, error: error as Error });
        }
      }
    }
    return totals;
  };
}

export const handler = createHandler(await registrySyncDeps(readConfig()));
