import { describe, expect, it } from 'vitest';
import type { ReconcileResult } from '#shared/reconciliation/reconciler.ts';
import type { ReconcilerRunDeps } from '#shared/wiring/reconciler.ts';

import { LICENSEES_AT_ONCE, reconcileAll } from '#shared/reconciliation/run.ts';

const one: ReconcileResult = { imported: 1, arrived: 0, observed: 2, discrepancies: 0, skipped: 0 };

function runDeps(licensees: Record<string, string[]>): ReconcilerRunDeps {
  return {
    systems: Object.fromEntries(Object.keys(licensees).map((system) => [system, {}])),
    connections: { connectedLicensees: (system: string) => Promise.resolve(licensees[system] ?? []) },
  } as unknown as ReconcilerRunDeps;
}

describe('the reconciler run', () => {
  it('reconciles every connected licensee of every system, a few at a time, and adds up what it found', async () => {
    const many = Array.from({ length: 20 }, (_, i) => `lic-${i}`);
    let inFlight = 0;
    let most = 0;
    const done: string[] = [];
    const run = () => reconcileAll(runDeps({ biotrack: many.slice(0, 5), metrc: many.slice(5) }), async (_deps, licenseeId) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      done.push(licenseeId);
      return one;
    });
    const totals = await run();
    expect(done.sort()).toEqual([...many].sort());
    expect(most).toBe(LICENSEES_AT_ONCE);
    expect(totals).toEqual({ imported: 20, arrived: 0, observed: 40, discrepancies: 0, skipped: 0, failed: 0 });
  });

  it('goes on with the others when one licensee fails, and counts the failure', async () => {
    const run = () => reconcileAll(runDeps({ metrc: ['ok-1', 'broken', 'ok-2'] }), (_deps, licenseeId) =>
      licenseeId === 'broken' ? Promise.reject(new Error('consent expired')) : Promise.resolve(one),
    );
    expect(await run()).toEqual({ imported: 2, arrived: 0, observed: 4, discrepancies: 0, skipped: 0, failed: 1 });
  });
});
