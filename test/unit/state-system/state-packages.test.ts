/**
 * The package picker's use-case with a fake state system: who may list, what a system without a
 * list answers, the shipment each row is judged for, the cursor's scope, and the state system's
 * failures as the caller must read them.
 */
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '#shared/http/problem.ts';
import { processCursors } from '#shared/repositories/paging.ts';
import { listStatePackages, statePackageQuery } from '#shared/state-packages/list.ts';
import type { StatePackageDeps } from '#shared/state-packages/list.ts';
import { StateSystemError } from '#shared/state-system/port.ts';
import type { StatePackage, StatePackageQuery, StateTrackingSystem } from '#shared/state-system/port.ts';

const caller = { licenseeId: 'lic-1', apiKeyId: 'key-1' };
const row = (tag: string): StatePackage => ({ tag, productName: `Item ${tag}`, quantity: 1, unit: 'each', labTest: 'passed', finishedGood: true, toDispensary: { allowed: true, reasons: [] } });
const TAGS = ['A1', 'A2', 'A3'];

function depsWith(system: Partial<StateTrackingSystem> | undefined, linked = true): StatePackageDeps & { readonly asked: StatePackageQuery[] } {
  const asked: StatePackageQuery[] = [];
  const listing: Partial<StateTrackingSystem> = {
    ...system,
    ...(system?.listPackages
      ? {
          async listPackages(account, query) {
            asked.push(query);
            return system.listPackages?.(account, query) ?? { items: [], more: false };
          },
        }
      : {}),
  };
  return {
    asked,
    accounts: { account: async (licenseeId) => (linked ? { licenseeId, system: 'metrc', stateLicenseNumber: 'FAC-1', identity: {} } : undefined) },
    systems: system ? { metrc: listing as StateTrackingSystem } : {},
    licensees: { get: async () => ({ licenseNumber: 'OCM-DIST-26-000111' }) },
    cursors: processCursors,
  };
}

const paged: Partial<StateTrackingSystem> = {
  async listPackages(_account, query) {
    const after = TAGS.filter((tag) => query.afterTag === undefined || tag > query.afterTag);
    return { items: after.slice(0, query.limit).map(row), more: after.length > query.limit };
  },
};

const problemOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof HttpProblem)) throw new Error(`expected an HttpProblem, got ${String(error)}`);
  return [error.problem.status, error.problem.code];
};

describe('the package picker', () => {
  it('pages in tag order with a cursor that opens only the same caller and search, and judges rows for a shipment to a dispensary', async () => {
    const deps = depsWith(paged);
    const first = await listStatePackages(deps, caller, statePackageQuery.parse({ search: 'a', limit: '2' }));
    expect(first.items.map((p) => p.tag)).toEqual(['A1', 'A2']);
    expect(deps.asked[0]).toEqual({ search: 'a', limit: 2, dispensaryShipment: { shipperLicenseType: 'DIST', receiverLicenseType: 'RETL' } });
    const second = await listStatePackages(deps, caller, statePackageQuery.parse({ search: 'a', limit: '2', cursor: first.cursor }));
    expect(second).toEqual({ items: [row('A3')] });
    expect(deps.asked[1]?.afterTag).toBe('A2');
    await expect(listStatePackages(deps, caller, statePackageQuery.parse({ search: 'b', limit: '2', cursor: first.cursor }))).rejects.toThrow('The cursor is not valid here');
    await expect(listStatePackages(deps, { ...caller, licenseeId: 'lic-2' }, statePackageQuery.parse({ search: 'a', cursor: first.cursor }))).rejects.toThrow('The cursor is not valid here');
    // An empty search is no search.
    expect(statePackageQuery.parse({ search: '' }).search).toBe('');
    expect(statePackageQuery.safeParse({ search: 'x'.repeat(101) }).success).toBe(false);
  });

  it('says when the license reports to no state system, and when its system offers no list', async () => {
    expect(await problemOf(listStatePackages(depsWith(paged, false), caller, statePackageQuery.parse({})))).toEqual([409, 'not-integrated']);
    expect(await problemOf(listStatePackages(depsWith({}), caller, statePackageQuery.parse({})))).toEqual([404, 'no-package-list']);
  });

  it('turns the state system’s failures into what the caller can act on', async () => {
    const failing = (error: StateSystemError) => depsWith({ listPackages: () => Promise.reject(error) });
    const query = statePackageQuery.parse({});
    expect(await problemOf(listStatePackages(failing(new StateSystemError('consent-expired', 'NOT_CONNECTED', 'No key')), caller, query))).toEqual([409, 'state-system-not-connected']);
    expect(await problemOf(listStatePackages(failing(new StateSystemError('transient', 'RATE_LIMITED', 'Slow down', { retryAfterMs: 1500 })), caller, query))).toEqual([503, 'state-system-unavailable']);
    expect(await problemOf(listStatePackages(failing(new StateSystemError('permanent', 'REFUSED', 'Window too long')), caller, query))).toEqual([502, 'state-system-refused']);
  });
});
