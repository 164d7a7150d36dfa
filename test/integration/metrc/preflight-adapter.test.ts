/**
 * The Metrc adapter's pre-flight and package list against the strict emulator (24 h windows, rate
 * limits on), beyond the HTTP tests: New York's rules follow the day the check runs and the kind of
 * shipment; the transfer type's Requires* flags are checked; a slow Metrc cannot hold a manifest
 * past its budget; and the active list is read in windows of the configured size.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_USER } from '#shared/state-system/connections.ts';
import { metrcSystem } from '#shared/state-system/capabilities.ts';
import type { LineCheckShipment, ReportedLine, StateAccount } from '#shared/state-system/port.ts';
import { label, QUANTITY, useMetrcWorld } from '../state-system/contract/metrc-world.ts';

const { world } = useMetrcWorld();

const line = (n: number, overrides: Partial<ReportedLine> = {}): ReportedLine => ({ tag: label(n), quantity: QUANTITY, unit: 'each', unitPrice: 5, ...overrides });
const toDispensary: LineCheckShipment = { shipperLicenseType: 'DIST', receiverLicenseType: 'RETL', vehicle: { plate: 'KXT 4410' } };
const at = (iso: string) => () => new Date(iso);
const codes = (checks: readonly { line?: number; field: string; code: string }[]) => checks.map((c) => [c.line, c.field, c.code]);

describe('the Metrc pre-flight, rule by rule and day by day', () => {
  it('asks a dispensary-bound package for Retail Item IDs from 28 Feb 2026, for a Finished Good and a passed test from 31 Mar 2026', async () => {
    const w = await world();
    await w.control('PUT', '/packages', { label: label(1), isFinishedGood: false, labTestingState: 'TestFailed', retailIdCount: 3 });
    const lines = [line(1), line(2)];
    expect(await w.adapterWith({}, at('2026-02-27T17:00:00Z')).checkLines(w.shipper, lines, toDispensary)).toEqual([]);
    expect(codes(await w.adapterWith({}, at('2026-03-30T17:00:00Z')).checkLines(w.shipper, lines, toDispensary))).toEqual([[0, 'tag', 'retail-ids-missing-at-state']]);
    expect(codes(await w.adapterWith({}, at('2026-03-31T17:00:00Z')).checkLines(w.shipper, lines, toDispensary))).toEqual([
      [0, 'tag', 'retail-ids-missing-at-state'],
      [0, 'finishedGoods', 'not-finished-at-state'],
      [0, 'labTestStatus', 'lab-test-not-passed-at-state'],
    ]);
    // The same packages to another distributor: no dispensary rule applies; with the rules moved, neither.
    expect(await w.adapterWith({}, at('2026-04-01T17:00:00Z')).checkLines(w.shipper, lines, { ...toDispensary, receiverLicenseType: 'DIST' })).toEqual([]);
    const moved = w.adapterWith(
      { rules: { later: { enabled: true, requires: 'lab-passed', effectiveFrom: '2026-06-01', shipperLicenseTypes: ['DIST'], receiverLicenseTypes: ['RETL'] } } },
      at('2026-04-01T17:00:00Z'),
    );
    expect(await moved.checkLines(w.shipper, lines, toDispensary)).toEqual([]);
  });

  it('checks what the transfer type requires: a registration number for the vehicle, a gross weight for every package, nothing the template cannot carry', async () => {
    const w = await world();
    // The emulator's Wholesale type requires the vehicle's registration number.
    const wholesale = w.adapterWith({ transferTypeName: 'Wholesale' });
    expect(await wholesale.checkLines(w.shipper, [line(1)], toDispensary)).toEqual([]);
    const noPlate = await wholesale.checkLines(w.shipper, [line(1)], { ...toDispensary, vehicle: {} });
    expect(codes(noPlate)).toEqual([[undefined, 'vehicleId', 'required-by-state']]);
    expect(noPlate[0]?.message).toContain('Wholesale');

    const license = 'OCM-DIST-26-000777';
    await w.control('POST', '/seed', {
      facilities: [
        {
          licenseNumber: license,
          name: 'Weighed Distribution LLC',
          role: 'distributor',
          transferTypes: [
            { Name: 'Weighed', TransactionType: 'Standard', RequiresPackagesGrossWeight: true },
            { Name: 'Documented', TransactionType: 'Standard', RequiresDestinationGrossWeight: true, RequiresPDFDocument: true },
          ],
        },
      ],
      userKeys: [{ key: 'key-weighed', facilities: [{ licenseNumber: license, permissions: 'all' }] }],
      packages: [
        { label: label(71), licenseNumber: license, quantity: 20, unitOfMeasure: 'Each', isFinishedGood: true, retailIdCount: 20 },
        { label: label(72), licenseNumber: license, quantity: 453.6, unitOfMeasure: 'Grams', isFinishedGood: true, retailIdCount: 1 },
      ],
    });
    await w.store.putStateUser('tenant-weighed', metrcSystem, DEFAULT_STATE_USER, { username: 'wes', password: 'key-weighed' }, new Date().toISOString());
    const weighed: StateAccount = { licenseeId: 'tenant-weighed', system: metrcSystem, stateLicenseNumber: license, identity: {} };
    const checks = await w.adapterWith({ transferTypeName: 'Weighed' }).checkLines(weighed, [line(71), line(72, { quantity: 453.6, unit: 'g' })], toDispensary);
    expect(codes(checks)).toEqual([[0, 'unit', 'required-by-state']]);
    expect(checks[0]?.message).toContain('gross weight');
    // What the template never carries, no line or field can mend: the whole shipment's problem.
    const documented = await w.adapterWith({ transferTypeName: 'Documented' }).checkLines(weighed, [line(71)], toDispensary);
    expect(codes(documented)).toEqual([[undefined, '', 'required-by-state']]);
    expect(documented[0]?.message).toContain('a gross weight for the whole destination and a PDF document');
  });

  it('leaves the lines it could not look up within its budget to the submission, so a slow Metrc cannot hold the manifest', async () => {
    const w = await world();
    await w.faults([{ route: 'GET /packages/v2/{label}', latencyMs: 500 }]);
    // Five at a time: the first five are looked up, the next five start before the budget ends, the rest never do.
    const lines = [line(99), line(1), line(2), line(3), line(4), line(5), line(6), line(1), line(2), line(3), line(98), line(97)];
    const started = Date.now();
    const checks = await w.adapterWith({ preflightBudgetMs: 800 }).checkLines(w.shipper, lines, toDispensary);
    expect(codes(checks)).toEqual([[0, 'tag', 'not-at-state']]);
    expect(Date.now() - started).toBeLessThan(3_000);
    const lookups = (await w.calls()).filter((c) => c.path.startsWith('/packages/v2/1A4')).length;
    expect(lookups).toBe(10);
  });
});

describe('the Metrc package list', () => {
  it('reads the active packages to the end in windows of the configured size (24 h where Metrc holds to a day), and none at all from another facility', async () => {
    const w = await world();
    const strict = w.adapterWith({ packageListWindowHours: 24, packageListSince: new Date(Date.now() - 3 * 86_400_000).toISOString() });
    const page = await strict.listPackages?.(w.shipper, { limit: 10, dispensaryShipment: toDispensary });
    expect(page?.items.map((p) => p.tag)).toEqual([1, 2, 3, 4, 5, 6].map(label));
    expect(page?.more).toBe(false);
    const windows = (await w.calls()).filter((c) => c.path === '/packages/v2/active').map((c) => new URLSearchParams(c.query));
    expect(windows.length).toBeGreaterThanOrEqual(4);
    for (const query of windows) {
      expect(Date.parse(`${query.get('lastModifiedEnd') ?? ''}Z`) - Date.parse(`${query.get('lastModifiedStart') ?? ''}Z`)).toBeLessThanOrEqual(86_400_000);
      expect(query.get('licenseNumber')).toBe(w.shipper.stateLicenseNumber);
    }
    // A year's window is what NY production took; the strict emulator refuses it, and the caller hears that the state refused.
    await expect(w.adapterWith({}).listPackages?.(w.shipper, { limit: 10 })).rejects.toMatchObject({ name: 'StateSystemError', kind: 'permanent' });
    expect((await strict.listPackages?.(w.receiver, { limit: 10 }))?.items).toEqual([]);
  });
});
