import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { licenseTypeName, licenseTypes, MAX_LICENSE_NUMBER_LENGTH, parseLicenseNumber } from '#shared/tenants/license.ts';

const CANONICAL = /^OCM-[A-Z]{2,6}-\d{2}-\d{6}(-[A-Z0-9]{1,4})?$/;
const upper = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Z]{${min},${max}}$`));
const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));

/** The parts of a well-formed license number, with a known or an arbitrary type code. */
const parts = fc.record({
  type: fc.oneof(fc.constantFrom(...Object.keys(licenseTypes)), upper(2, 6)),
  year: digits(2),
  serial: digits(6),
  site: fc.option(fc.stringMatching(/^[A-Z0-9]{1,4}$/), { nil: undefined }),
});
const canonical = (p: { type: string; year: string; serial: string; site: string | undefined }) =>
  `OCM-${p.type}-${p.year}-${p.serial}${p.site ? `-${p.site}` : ''}`;

describe('parseLicenseNumber', () => {
  it.each([
    ['OCM-DIST-24-000114-DX1', { type: 'DIST', year: '24', serial: '000114', site: 'DX1' }],
    ['OCM-CAURD-24-000321', { type: 'CAURD', year: '24', serial: '000321' }],
    ['OCM-PROC-26-000331-P1', { type: 'PROC', year: '26', serial: '000331', site: 'P1' }],
  ])('reads %s', (input, expected) => {
    const reading = parseLicenseNumber(input);

    expect(reading).toEqual({ ok: true, license: { value: input, ...expected }, warnings: [] });
  });

  it.each([
    ['  ocm-dist-24-000114-dx1 ', 'OCM-DIST-24-000114-DX1'],
    ['OCM DIST 24 000114', 'OCM-DIST-24-000114'],
    ['OCM – CAURD – 24 – 000321', 'OCM-CAURD-24-000321'],
    ['ocm-proc-26-000331\u2011p1', 'OCM-PROC-26-000331-P1'],
  ])('normalizes case and separators: %j', (input, value) => {
    const reading = parseLicenseNumber(input);

    expect(reading.ok && reading.license.value).toBe(value);
  });

  it('accepts an unknown type code with a warning', () => {
    const reading = parseLicenseNumber('OCM-NURS-25-000042');

    expect(reading).toMatchObject({ ok: true, license: { type: 'NURS' }, warnings: [{ code: 'unknown-license-type' }] });
  });

  it.each([
    '',
    'hello',
    '12345',
    'DIST-24-000114',
    'OCM-DIST-24-00114',
    'OCM-DIST-24-0001145',
    'OCM-DIST-2024-000114',
    'OCM-D1ST-24-000114',
    'OCM-DISTRIBUTOR-24-000114',
    'OCM-DIST-24-000114-SITE5',
    'OCM-DIST-24-000114-',
    'OCM--24-000114',
    'OCM-DIST-24-000114; DROP TABLE',
    `OCM-DIST-24-000114${' '.repeat(MAX_LICENSE_NUMBER_LENGTH)}`,
  ])('refuses what is not a license number: %j', (input) => {
    const reading = parseLicenseNumber(input);

    expect(reading.ok).toBe(false);
    expect(!reading.ok && reading.message).toContain('OCM-<TYPE>-<YY>-<6 digits>');
  });

  it('names the known license types', () => {
    expect(licenseTypeName('CAURD')).toBe('Conditional adult-use retail dispensary');
    expect(licenseTypeName('NURS')).toBeUndefined();
    expect(licenseTypeName('toString')).toBeUndefined();
  });
});

describe('parseLicenseNumber properties', () => {
  it('reads every well-formed number back into its parts, warning exactly on unknown types', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const reading = parseLicenseNumber(canonical(p));
        expect(reading.ok).toBe(true);
        if (!reading.ok) return;
        expect(reading.license).toEqual({ value: canonical(p), type: p.type, year: p.year, serial: p.serial, ...(p.site ? { site: p.site } : {}) });
        expect(reading.warnings.length === 0).toBe(p.type in licenseTypes);
      }),
    );
  });

  it('ignores case, surrounding whitespace and the kind of separator', () => {
    const separator = fc.constantFrom('-', ' ', ' - ', '\u2013', '\u2014', '\t', '--');
    fc.assert(
      fc.property(parts, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), separator, fc.constantFrom('', ' ', '\n '), (p, lower, sep, pad) => {
        const value = canonical(p);
        const mangled = value.replace(/./g, (c, i: number) => (c === '-' ? sep : lower[i] ? c.toLowerCase() : c));
        const reading = parseLicenseNumber(`${pad}${mangled}${pad}`);
        expect(reading.ok && reading.license.value).toBe(value);
      }),
    );
  });

  it('never throws, and anything it accepts is canonical and reads the same again', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 }), parts.map(canonical)), (input) => {
        const reading = parseLicenseNumber(input);
        if (!reading.ok) return;
        expect(reading.license.value).toMatch(CANONICAL);
        expect(parseLicenseNumber(reading.license.value)).toEqual(reading);
      }),
    );
  });

  it('refuses anything without the OCM prefix', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }).filter((s) => !/^\s*ocm/i.test(s)), (input) => {
        expect(parseLicenseNumber(input).ok).toBe(false);
      }),
    );
  });
});
