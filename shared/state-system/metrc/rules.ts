/**
 * New York's Metrc rules with effective dates (docs/metrc.md §5), as the pre-flight and the package
 * picker apply them: each asks one thing of every package of one kind of shipment (by the OCM
 * license types of shipper and receiver) from a New York date on. The defaults are metrc.md's;
 * `METRC_RULES` changes them rule by rule (JSON, merged over the defaults like `TRANSFER_RULES`).
 */
import * as z from 'zod';
import { ConfigError } from '../../config.ts';

/** What a rule asks of each package. */
export const ruleRequirements = ['finished-good', 'lab-passed', 'retail-ids'] as const;
export type RuleRequirement = (typeof ruleRequirements)[number];

export interface MetrcRule {
  readonly enabled: boolean;
  readonly requires: RuleRequirement;
  /** The bulletin that says so, quoted in the problem. */
  readonly bulletin?: string;
  /** A New York date (`YYYY-MM-DD`): the rule applies from that day's start, New York time. */
  readonly effectiveFrom: string;
  /** OCM license type codes. */
  readonly shipperLicenseTypes: readonly string[];
  readonly receiverLicenseTypes: readonly string[];
}

export type MetrcRules = Readonly<Record<string, MetrcRule>>;

const DISPENSARIES = ['RETL', 'CAURD'] as const;
const PROCESSORS = ['PROC', 'AUCP'] as const;

/** metrc.md §5: NY_IB_0011 from 31 Mar 2026; Retail Item IDs processor → distributor from 17 Dec 2025, distributor → dispensary from 28 Feb 2026. */
export const defaultMetrcRules: MetrcRules = {
  retailIdsProcessorToDistributor: { enabled: true, requires: 'retail-ids', effectiveFrom: '2025-12-17', shipperLicenseTypes: PROCESSORS, receiverLicenseTypes: ['DIST'] },
  retailIdsDistributorToDispensary: { enabled: true, requires: 'retail-ids', effectiveFrom: '2026-02-28', shipperLicenseTypes: ['DIST'], receiverLicenseTypes: DISPENSARIES },
  finishedGoodDistributorToDispensary: {
    enabled: true,
    requires: 'finished-good',
    bulletin: 'NY_IB_0011',
    effectiveFrom: '2026-03-31',
    shipperLicenseTypes: ['DIST'],
    receiverLicenseTypes: DISPENSARIES,
  },
  labPassedDistributorToDispensary: {
    enabled: true,
    requires: 'lab-passed',
    bulletin: 'NY_IB_0011',
    effectiveFrom: '2026-03-31',
    shipperLicenseTypes: ['DIST'],
    receiverLicenseTypes: DISPENSARIES,
  },
};

const ruleSchema = z.strictObject({
  enabled: z.boolean(),
  requires: z.enum(ruleRequirements),
  bulletin: z.string().min(1).optional(),
  effectiveFrom: z.iso.date(),
  shipperLicenseTypes: z.array(z.string().regex(/^[A-Z]{2,6}$/)),
  receiverLicenseTypes: z.array(z.string().regex(/^[A-Z]{2,6}$/)),
});

/** The default rules with `json`'s merged in: a known name changes that rule's fields, a new name must be a whole rule. */
export function metrcRulesFrom(json: string | undefined): MetrcRules {
  if (json === undefined) return defaultMetrcRules;
  let overrides: unknown;
  try {
    overrides = JSON.parse(json);
  } catch {
    throw new ConfigError('METRC_RULES is not valid JSON');
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) throw new ConfigError('METRC_RULES must be a JSON object of rules by name');
  const rules: Record<string, MetrcRule> = { ...defaultMetrcRules };
  for (const [name, value] of Object.entries(overrides)) {
    const parsed = ruleSchema.safeParse(typeof value === 'object' && value !== null ? { ...rules[name], ...value } : value);
    if (!parsed.success) throw new ConfigError(`METRC_RULES: ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'} ${i.message}`).join('; ')}`);
    const { bulletin, ...rule } = parsed.data;
    rules[name] = { ...rule, ...(bulletin ? { bulletin } : {}) };
  }
  return rules;
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The rules in force on `at` (a New York day) for a shipment between these license types. */
export function rulesInForce(rules: MetrcRules, at: Date, timeZone: string, shipment: { readonly shipperLicenseType?: string | undefined; readonly receiverLicenseType?: string | undefined }): MetrcRule[] {
  const { shipperLicenseType: shipper, receiverLicenseType: receiver } = shipment;
  if (!shipper || !receiver) return [];
  const today = localDate(at, timeZone);
  return Object.values(rules).filter((rule) => rule.enabled && today >= rule.effectiveFrom && rule.shipperLicenseTypes.includes(shipper) && rule.receiverLicenseTypes.includes(receiver));
}

/** The package facts the rules read, from Metrc's package record. */
export interface RuledPackage {
  readonly label: string;
  readonly isFinishedGood: boolean;
  readonly labTestingState: string;
  readonly retailIdCount: number;
  readonly quantity: number;
  readonly countBased: boolean;
}

export const PASSED_LAB_STATES: ReadonlySet<string> = new Set(['TestPassed', 'RetestPassed']);

/**
 * [inferred, as the emulator] "Retail Item IDs on every unit": at least one per unit of a package
 * counted in units, at least one on a package tracked by weight or volume.
 */
export const retailIdsOnEveryUnit = (pkg: RuledPackage) => pkg.retailIdCount > 0 && pkg.retailIdCount >= (pkg.countBased ? Math.ceil(pkg.quantity) : 1);

export interface RuleProblem {
  readonly requires: RuleRequirement;
  /** Plain words: what the package lacks and what to do about it in Metrc. */
  readonly message: string;
}

/** What each rule in force finds wrong with one package; one problem per requirement. */
export function ruleProblems(rules: readonly MetrcRule[], pkg: RuledPackage, shipmentWords: string): RuleProblem[] {
  const problems = new Map<RuleRequirement, RuleProblem>();
  for (const rule of rules) {
    if (problems.has(rule.requires)) continue;
    const since = `${rule.bulletin ? `${rule.bulletin}, ` : ''}from ${rule.effectiveFrom}`;
    if (rule.requires === 'finished-good' && !pkg.isFinishedGood) {
      problems.set(rule.requires, {
        requires: rule.requires,
        message: `Metrc does not show package ${pkg.label} as a Finished Good, and ${shipmentWords} takes finished goods only (${since}): flag it as a Finished Good in Metrc, or take it off this transfer.`,
      });
    }
    if (rule.requires === 'lab-passed' && !PASSED_LAB_STATES.has(pkg.labTestingState)) {
      problems.set(rule.requires, {
        requires: rule.requires,
        message: `Metrc shows package ${pkg.label} with lab testing state ${pkg.labTestingState}, and ${shipmentWords} needs TestPassed or RetestPassed (${since}): wait for a passing result in Metrc, or take it off this transfer.`,
      });
    }
    if (rule.requires === 'retail-ids' && !retailIdsOnEveryUnit(pkg)) {
      problems.set(rule.requires, {
        requires: rule.requires,
        message: `Metrc shows ${pkg.retailIdCount} Retail Item IDs on package ${pkg.label}, and ${shipmentWords} needs one on every unit (${since}): assign Retail Item IDs to its units in Metrc, or take it off this transfer.`,
      });
    }
  }
  return [...problems.values()];
}
