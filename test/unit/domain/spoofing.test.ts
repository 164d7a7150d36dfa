/**
 * Identity fields refuse what spoofs or breaks a name: control characters, lone surrogates and
 * bidirectional formatting; notes keep tabs and line breaks.
 */
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { createTransferBody, jsonPointer, receiptBody } from '#shared/domain/transfer/index.ts';
import { driverBody, partnerBody } from '#shared/registries/schemas.ts';
import { biotrackTag, draftBody, line } from './fixtures.ts';

const pointersOf = (schema: z.ZodType, body: unknown) => {
  const result = schema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => jsonPointer(issue.path as (string | number)[]));
};

const driver = { name: 'Zoë Peña', employeeId: 'E-104', driversLicenseNumber: '123456789', phone: '+1 518 555 0100' };
const spoofs = {
  'a right-to-left override': 'Acme\u202Eeman',
  'a left-to-right isolate': 'Acme\u2066x\u2069',
  'a right-to-left mark': 'Acme\u200F',
  'a lone surrogate': 'Acme \uD800',
  'a newline': 'Acme\nCorp',
  'a NUL': 'Acme\u0000',
  'a C1 control': 'Acme\u0085',
};

describe('identity fields', () => {
  it.each(Object.entries(spoofs))('refuse %s in a name, with a pointer', (_what, name) => {
    expect(pointersOf(driverBody, { ...driver, name })).toEqual(['/name']);
  });

  it('refuse a bidi override in a license number, an invoice number and a tag', () => {
    expect(pointersOf(driverBody, { ...driver, driversLicenseNumber: '1234\u202E5678' })).toEqual(['/driversLicenseNumber']);
    expect(pointersOf(createTransferBody, { ...draftBody(), invoiceNumbers: ['INV-\u202E1'] })).toEqual(['/invoiceNumbers/0']);
    expect(pointersOf(createTransferBody, { ...draftBody(), lines: [line({ tag: `${biotrackTag(1)}\u202E` })] })).toContain('/lines/0/tag');
    const partner = { legalName: 'Hudson LLC', licenseNumber: 'OCM-CAURD-24-000321\u202E', premisesAddress: { street: '1 Main St', city: 'Kingston', zip: '12401' }, phone: '8455550199', integrated: false };
    expect(pointersOf(partnerBody, partner)).toEqual(['/licenseNumber']);
    expect(pointersOf(partnerBody, { ...partner, licenseNumber: 'OCM-CAURD-24-000321', legalName: 'Hudson\u202E LLC' })).toEqual(['/legalName']);
  });

  it('keep ordinary Unicode: accents, other scripts, emoji', () => {
    expect(pointersOf(driverBody, { ...driver, name: 'Łódź Zoë 王芳 محمد 👩‍🔧' })).toEqual([]);
  });
});

describe('notes', () => {
  it('keep tabs and line breaks', () => {
    const body = createTransferBody.parse({ ...draftBody(), lines: [line({ notes: 'Box 1:\tdented\r\nBox 2: fine' })] });
    expect(body.lines[0]?.notes).toBe('Box 1:\tdented\r\nBox 2: fine');
  });

  it('refuse other controls, lone surrogates and bidi overrides', () => {
    for (const notes of ['a\u0007b', 'a\uDC00', 'a\u202Eb']) {
      expect(pointersOf(createTransferBody, { ...draftBody(), lines: [line({ notes })] }), JSON.stringify(notes)).toEqual(['/lines/0/notes']);
    }
  });

  it('in a receipt keep line breaks', () => {
    const parsed = receiptBody.safeParse({
      receivedBy: { name: 'Ana Ruiz', title: 'Manager' },
      lines: [{ tag: biotrackTag(1), outcome: 'rejected', reason: 'other', note: 'Seal broken\nwet box' }],
    });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });
});
