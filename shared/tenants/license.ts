/**
 * OCM license numbers: `OCM-<TYPE>-<YY>-<6 digits>` with an optional site suffix, e.g.
 * `OCM-DIST-24-000114-DX1`. The shape comes from public data, not an official spec, so an unknown
 * type code is accepted with a warning; only what cannot be a license number is refused.
 */

/** Type codes seen on issued licenses and permits. */
export const licenseTypes = {
  CAURD: 'Conditional adult-use retail dispensary',
  RETL: 'Adult-use retail dispensary',
  PROC: 'Adult-use processor',
  DIST: 'Adult-use distributor',
  MICR: 'Microbusiness',
  AUCC: 'Adult-use conditional cultivator',
  AUCP: 'Adult-use conditional processor',
  // Seen on cultivators' labels and certificates of analysis (e.g. OCM-CULT-24-000119).
  CULT: 'Adult-use cultivator',
  // Testing laboratory permits (a lab is a common receiver of samples).
  CPL: 'Cannabis laboratory permit',
} as const satisfies Record<string, string>;

export type KnownLicenseType = keyof typeof licenseTypes;

export interface LicenseNumber {
  /** Canonical form: upper case, hyphen-separated. */
  readonly value: string;
  readonly type: string;
  /** Two-digit year of issue, as printed. */
  readonly year: string;
  readonly serial: string;
  /** Site suffix of a licensee with several premises (`DX1`, `P1`). */
  readonly site?: string;
}

export interface LicenseNumberWarning {
  readonly code: 'unknown-license-type';
  readonly message: string;
}

export type LicenseNumberReading =
  | { readonly ok: true; readonly license: LicenseNumber; readonly warnings: readonly LicenseNumberWarning[] }
  | { readonly ok: false; readonly message: string };

/** Longer than any license number with its suffix; keeps regex work on hostile input bounded. */
export const MAX_LICENSE_NUMBER_LENGTH = 64;

const CANONICAL = /^OCM-([A-Z]{2,6})-(\d{2})-(\d{6})(?:-([A-Z0-9]{1,4}))?$/;
/** Runs of whitespace, hyphens and the dashes word processors substitute for them. */
const SEPARATORS = /[\s\u2010-\u2015\u2212-]+/g;

export const isKnownLicenseType = (code: string): code is KnownLicenseType => Object.hasOwn(licenseTypes, code);

/** Case and separators normalized; anything else must already be right. */
export function normalizeLicenseNumber(input: string): string {
  return input.trim().toUpperCase().replace(SEPARATORS, '-');
}

export function parseLicenseNumber(input: string): LicenseNumberReading {
  const refused = {
    ok: false,
    message: 'Not an OCM license number: expected OCM-<TYPE>-<YY>-<6 digits>, optionally -<site>, e.g. OCM-DIST-24-000114',
  } as const;
  if (input.length > MAX_LICENSE_NUMBER_LENGTH) return refused;
  const value = normalizeLicenseNumber(input);
  const match = CANONICAL.exec(value);
  if (!match) return refused;
  const [, type = '', year = '', serial = '', site] = match;
  const warnings: LicenseNumberWarning[] = isKnownLicenseType(type)
    ? []
    : [{ code: 'unknown-license-type', message: `${type} is not a license type code the hub knows; check the number` }];
  return { ok: true, license: { value, type, year, serial, ...(site ? { site } : {}) }, warnings };
}

export const licenseTypeName = (code: string): string | undefined => (isKnownLicenseType(code) ? licenseTypes[code] : undefined);
