/**
 * OCM licence numbers: `OCM-<TYPE>-<YY>-<6 digits>` with an optional site suffix, e.g.
 * `OCM-DIST-24-000114-DX1`. The shape comes from public data, not an official spec, so an unknown
 * type code is accepted with a warning; only what cannot be a licence number is refused.
 */

/** Type codes seen on issued licences and permits. */
export const licenceTypes = {
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

export type KnownLicenceType = keyof typeof licenceTypes;

export interface LicenceNumber {
  /** Canonical form: upper case, hyphen-separated. */
  readonly value: string;
  readonly type: string;
  /** Two-digit year of issue, as printed. */
  readonly year: string;
  readonly serial: string;
  /** Site suffix of a licensee with several premises (`DX1`, `P1`). */
  readonly site?: string;
}

export interface LicenceNumberWarning {
  readonly code: 'unknown-licence-type';
  readonly message: string;
}

export type LicenceNumberReading =
  | { readonly ok: true; readonly licence: LicenceNumber; readonly warnings: readonly LicenceNumberWarning[] }
  | { readonly ok: false; readonly message: string };

/** Longer than any licence number with its suffix; keeps regex work on hostile input bounded. */
export const MAX_LICENCE_NUMBER_LENGTH = 64;

const CANONICAL = /^OCM-([A-Z]{2,6})-(\d{2})-(\d{6})(?:-([A-Z0-9]{1,4}))?$/;
/** Runs of whitespace, hyphens and the dashes word processors substitute for them. */
const SEPARATORS = /[\s\u2010-\u2015\u2212-]+/g;

export const isKnownLicenceType = (code: string): code is KnownLicenceType => Object.hasOwn(licenceTypes, code);

/** Case and separators normalised; anything else must already be right. */
export function normaliseLicenceNumber(input: string): string {
  return input.trim().toUpperCase().replace(SEPARATORS, '-');
}

export function parseLicenceNumber(input: string): LicenceNumberReading {
  const refused = {
    ok: false,
    message: 'Not an OCM licence number: expected OCM-<TYPE>-<YY>-<6 digits>, optionally -<site>, e.g. OCM-DIST-24-000114',
  } as const;
  if (input.length > MAX_LICENCE_NUMBER_LENGTH) return refused;
  const value = normaliseLicenceNumber(input);
  const match = CANONICAL.exec(value);
  if (!match) return refused;
  const [, type = '', year = '', serial = '', site] = match;
  const warnings: LicenceNumberWarning[] = isKnownLicenceType(type)
    ? []
    : [{ code: 'unknown-licence-type', message: `${type} is not a licence type code the hub knows; check the number` }];
  return { ok: true, licence: { value, type, year, serial, ...(site ? { site } : {}) }, warnings };
}

export const licenceTypeName = (code: string): string | undefined => (isKnownLicenceType(code) ? licenceTypes[code] : undefined);
