import { describe, expect, it } from 'vitest';
import { seedSchema } from '#infra/local/metrc/seed.ts';
import { demoPackageLabel, demoPackages, demoUserKey, FIRST_PROBLEM_PACKAGE, metrcDemoSeed, PROBLEMS } from '#infra/local/metrc-demo-data.ts';
import type { MetrcDemoFacility } from '#infra/local/metrc-demo-data.ts';

const distributor: MetrcDemoFacility = { licenseNumber: 'OCM-DIST-24-000114-DX1', name: 'Capital District Distribution LLC', role: 'distributor' };
const dispensary: MetrcDemoFacility = { licenseNumber: 'OCM-CAURD-24-000321', name: 'Hudson Valley Remedies LLC', role: 'dispensary' };
const outsider: MetrcDemoFacility = { licenseNumber: 'OCM-MICR-25-000207', name: 'Catskill Craft Microbusiness LLC', role: 'microbusiness' };
const transport = {
  drivers: [{ name: 'Zoë Peña', employeeId: 'E-104', driversLicenseNumber: '512 884 301' }],
  vehicles: [{ make: 'Ford', model: 'Transit 250', plate: 'KXT 4410' }, { make: 'Tern', model: 'GSD' }],
};

describe('the Metrc demo data', () => {
  it('is the same on every start, and differs between facilities', () => {
    expect(demoPackages(distributor)).toEqual(demoPackages(distributor));
    expect(demoUserKey(distributor.licenseNumber)).toBe(demoUserKey(distributor.licenseNumber));
    expect(demoUserKey(distributor.licenseNumber)).not.toBe(demoUserKey(dispensary.licenseNumber));
    const names = (f: MetrcDemoFacility) => demoPackages(f).map((p) => p.itemName);
    expect(names(distributor)).not.toEqual(names(dispensary));
  });

  it('gives each facility 50 active packages labeled after its license, 1–40 shippable to a dispensary', () => {
    const packages = demoPackages(distributor);
    expect(packages.map((p) => p.label)).toEqual(Array.from({ length: 50 }, (_, i) => demoPackageLabel(distributor.licenseNumber, i + 1)));
    expect(demoPackageLabel(distributor.licenseNumber, 7)).toBe('1A4010000011400000000007');
    for (const p of packages) {
      expect(p.label).toMatch(/^[0-9A-Z]{24}$/);
      expect(p.licenseNumber).toBe(distributor.licenseNumber);
      expect(p.finished ?? false).toBe(false);
      expect(p.quantity).toBeGreaterThan(0);
    }
    for (const p of packages.slice(0, FIRST_PROBLEM_PACKAGE - 1)) {
      expect([p.isFinishedGood, p.isOnHold ?? false, p.retailIdCount === p.quantity, p.unitOfMeasure]).toEqual([true, false, true, 'Each']);
      expect(['TestPassed', 'RetestPassed']).toContain(p.labTestingState);
    }
    // Mostly TestPassed: one in ten or so passed on a retest.
    expect(packages.filter((p) => p.labTestingState === 'TestPassed').length).toBeGreaterThanOrEqual(30);
    expect(new Set(packages.map((p) => p.itemCategory)).size).toBeGreaterThanOrEqual(5);
  });

  it('puts one problem on each of packages 41–50', () => {
    const problems = demoPackages(dispensary).slice(FIRST_PROBLEM_PACKAGE - 1);
    expect(problems).toHaveLength(PROBLEMS.length);
    expect(problems.map((p) => p.labTestingState)).toEqual([
      'TestFailed', 'TestFailed', 'RetestFailed', 'NotSubmitted', 'NotSubmitted', 'SubmittedForTesting',
      expect.stringMatching(/Passed$/), expect.stringMatching(/Passed$/), expect.stringMatching(/Passed$/), expect.stringMatching(/Passed$/),
    ]);
    const [, , , , , , onHold, halfIds, notFinished, noIds] = problems;
    expect(onHold?.isOnHold).toBe(true);
    expect(halfIds?.retailIdCount).toBe(Math.floor((halfIds?.quantity ?? 0) / 2));
    expect(notFinished?.isFinishedGood).toBe(false);
    expect(noIds?.retailIdCount).toBe(0);
  });

  it('is a seed the emulator takes: keys for the tenants only, drivers and plated vehicles per tenant, the outsider a facility', () => {
    const seed = seedSchema.parse(metrcDemoSeed([distributor, dispensary], [outsider], transport));
    expect(seed.facilities.map((f) => [f.licenseNumber, f.role])).toEqual([
      [distributor.licenseNumber, 'distributor'],
      [dispensary.licenseNumber, 'dispensary'],
      [outsider.licenseNumber, 'microbusiness'],
    ]);
    expect(seed.facilities[1]?.facilityType).toMatchObject({ IsRetail: true, CanOnlyReceiveFinishedGoods: true });
    expect(seed.facilities[0]?.transferTypes?.map((t) => t.Name)).toEqual(['Transfer', 'Wholesale', 'Unaffiliated']);
    expect(seed.userKeys.map((k) => [k.key, k.facilities.map((f) => f.licenseNumber)])).toEqual([
      [demoUserKey(distributor.licenseNumber), [distributor.licenseNumber]],
      [demoUserKey(dispensary.licenseNumber), [dispensary.licenseNumber]],
    ]);
    expect(seed.packages).toHaveLength(100);
    expect(seed.drivers.map((d) => d.licenseNumber)).toEqual([distributor.licenseNumber, dispensary.licenseNumber]);
    expect(seed.vehicles.map((v) => [v.licenseNumber, v.licensePlateNumber])).toEqual([
      [distributor.licenseNumber, 'KXT 4410'],
      [dispensary.licenseNumber, 'KXT 4410'],
    ]);
  });
});
