/**
 * New York's Metrc rules by effective date (metrc.md §5) as the pre-flight applies them: which
 * rules are in force for which kind of shipment on which New York day, what each finds wrong with
 * a package, and how METRC_RULES changes them.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#shared/config.ts';
import { defaultMetrcRules, metrcRulesFrom, retailIdsOnEveryUnit, ruleProblems, rulesInForce } from '#shared/state-system/metrc/rules.ts';
import type { RuledPackage } from '#shared/state-system/metrc/rules.ts';

const NY = 'America/New_York';
const toDispensary = { shipperLicenseType: 'DIST', receiverLicenseType: 'RETL' };
const inForce = (at: string, shipment = toDispensary, rules = defaultMetrcRules) => rulesInForce(rules, new Date(at), NY, shipment).map((rule) => rule.requires).sort();

const bare: RuledPackage = { label: '1A4000000000000000000001', isFinishedGood: false, labTestingState: 'TestFailed', retailIdCount: 0, quantity: 20, countBased: true };

describe("New York's Metrc rules by date", () => {
  it('asks distributor → dispensary for Retail Item IDs from 28 Feb 2026, and for finished goods and a passed test from 31 Mar 2026 (New York days)', () => {
    expect(inForce('2026-02-27T12:00:00-05:00')).toEqual([]);
    // 23:30 on 27 Feb in New York is already 28 Feb in UTC: New York's day decides.
    expect(inForce('2026-02-28T04:30:00Z')).toEqual([]);
    expect(inForce('2026-02-28T05:00:00Z')).toEqual(['retail-ids']);
    expect(inForce('2026-03-30T23:59:00-04:00')).toEqual(['retail-ids']);
    expect(inForce('2026-03-31T00:00:00-04:00')).toEqual(['finished-good', 'lab-passed', 'retail-ids']);
  });

  it('asks processor → distributor for Retail Item IDs only, from 17 Dec 2025; other shipments for nothing', () => {
    expect(inForce('2025-12-16T12:00:00-05:00', { shipperLicenseType: 'PROC', receiverLicenseType: 'DIST' })).toEqual([]);
    expect(inForce('2025-12-17T00:00:00-05:00', { shipperLicenseType: 'PROC', receiverLicenseType: 'DIST' })).toEqual(['retail-ids']);
    expect(inForce('2026-06-01T12:00:00-04:00', { shipperLicenseType: 'PROC', receiverLicenseType: 'DIST' })).toEqual(['retail-ids']);
    expect(inForce('2026-06-01T12:00:00-04:00', { shipperLicenseType: 'DIST', receiverLicenseType: 'PROC' })).toEqual([]);
    expect(inForce('2026-06-01T12:00:00-04:00', { shipperLicenseType: 'DIST', receiverLicenseType: 'CAURD' })).toEqual(['finished-good', 'lab-passed', 'retail-ids']);
    // A party whose license type the hub cannot read: no rule is assumed.
    expect(inForce('2026-06-01T12:00:00-04:00', { shipperLicenseType: 'DIST', receiverLicenseType: '' })).toEqual([]);
  });

  it('finds each missing requirement once, in plain words that say what to do', () => {
    const rules = rulesInForce(defaultMetrcRules, new Date('2026-04-01T12:00:00-04:00'), NY, toDispensary);
    const problems = ruleProblems(rules, bare, 'a shipment from DIST to RETL');
    expect(problems.map((p) => p.requires).sort()).toEqual(['finished-good', 'lab-passed', 'retail-ids']);
    expect(problems.find((p) => p.requires === 'lab-passed')?.message).toContain('TestFailed');
    expect(problems.find((p) => p.requires === 'finished-good')?.message).toContain('NY_IB_0011, from 2026-03-31');
    expect(problems.find((p) => p.requires === 'retail-ids')?.message).toContain('assign Retail Item IDs');
    const ready = { ...bare, isFinishedGood: true, labTestingState: 'RetestPassed', retailIdCount: 20 };
    expect(ruleProblems(rules, ready, 'a shipment')).toEqual([]);
  });

  it('reads "Retail Item IDs on every unit" as one per unit of a counted package, one at least on a weighed one', () => {
    expect(retailIdsOnEveryUnit({ ...bare, retailIdCount: 19 })).toBe(false);
    expect(retailIdsOnEveryUnit({ ...bare, retailIdCount: 20 })).toBe(true);
    expect(retailIdsOnEveryUnit({ ...bare, countBased: false, quantity: 453.6, retailIdCount: 1 })).toBe(true);
    expect(retailIdsOnEveryUnit({ ...bare, countBased: false, quantity: 453.6, retailIdCount: 0 })).toBe(false);
  });

  it('takes METRC_RULES rule by rule: another date, a rule off, a rule of its own; refuses what is not a rule', () => {
    const rules = metrcRulesFrom(
      JSON.stringify({
        finishedGoodDistributorToDispensary: { effectiveFrom: '2026-04-15' },
        retailIdsDistributorToDispensary: { enabled: false },
        labPassedMicrobusiness: { enabled: true, requires: 'lab-passed', effectiveFrom: '2026-01-01', shipperLicenseTypes: ['MICR'], receiverLicenseTypes: ['RETL'] },
      }),
    );
    expect(inForce('2026-04-01T12:00:00-04:00', toDispensary, rules)).toEqual(['lab-passed']);
    expect(inForce('2026-04-15T00:00:00-04:00', toDispensary, rules)).toEqual(['finished-good', 'lab-passed']);
    expect(inForce('2026-02-01T12:00:00-05:00', { shipperLicenseType: 'MICR', receiverLicenseType: 'RETL' }, rules)).toEqual(['lab-passed']);
    expect(metrcRulesFrom(undefined)).toBe(defaultMetrcRules);
    expect(() => metrcRulesFrom('{"finishedGoodDistributorToDispensary":{"effectiveFrom":"31 March"}}')).toThrow(ConfigError);
    expect(() => metrcRulesFrom('{"somethingNew":{"enabled":true}}')).toThrow(/somethingNew/);
    expect(() => metrcRulesFrom('[1]')).toThrow(ConfigError);
    expect(() => metrcRulesFrom('{')).toThrow('METRC_RULES is not valid JSON');
  });
});
