/**
 * Building blocks every request schema shares: bounded text, phone numbers, US addresses, and the
 * JSON pointers that name a field in a 422 answer. Pure zod, so the domain uses them too.
 */
import * as z from 'zod';
import { MAX_LICENSE_NUMBER_LENGTH, parseLicenseNumber } from '../tenants/license.ts';

/**
 * Characters no name, number, tag or plate may hold: control characters (they break what prints and
 * what logs), and the bidirectional embeddings, overrides, isolates and marks, which make a name
 * display as something else ("Acme\u202Eeman" shows as "Acmename" reversed). Notes allow tab, line
 * feed and carriage return, nothing else of these.
 */
const controlOrBidi = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

const refuseSpoofing = (keep: RegExp | undefined, what: string) => (value: string, ctx: z.RefinementCtx) => {
  // A lone surrogate is not a character: it cannot be stored, printed or compared faithfully.
  if (!value.isWellFormed()) ctx.addIssue({ code: 'custom', message: 'Not valid Unicode text (a lone surrogate)' });
  else if (controlOrBidi.test(keep ? value.replace(keep, '') : value)) ctx.addIssue({ code: 'custom', message: `No ${what} here` });
};

/**
 * Trimmed, non-empty, bounded, one line: every identity field (names, numbers, labels) is one of
 * these, so none can carry control characters or bidirectional overrides. No string in a request
 * is unbounded.
 */
export const text = (max: number) =>
  z.string().trim().min(1).max(max).superRefine(refuseSpoofing(undefined, 'control characters or bidirectional formatting characters'));

/** Free text (notes, routes, reasons): like `text`, but tabs and line breaks are kept. */
export const note = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine(refuseSpoofing(/[\t\n\r]/g, 'control characters (other than tab and line breaks) or bidirectional formatting characters'));

export const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{7,24}$/, { error: 'A phone number: digits, spaces, ( ) . - and an optional leading +' });

export const usStateCode = z.string().trim().regex(/^[A-Z]{2}$/, { error: 'A two-letter state code' });

const zipCode = z.string().trim().regex(/^\d{5}(-\d{4})?$/, { error: 'A ZIP code: 5 digits, optionally -4' });

/** A US address without its state: each use decides what the state may be. */
export const addressFields = {
  street: text(200),
  unit: text(50).optional(),
  city: text(100),
  zip: zipCode,
};

/**
 * The one cross-field rule of a query with a range: `to` is not before `from`. Both are instants
 * as ISO-8601 UTC strings by then, so they compare as strings. The issue points at `to`.
 */
export function rangeInOrder(query: { readonly from?: string | undefined; readonly to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
  }
}

/** RFC 6901: `['lines', 3, 'tag']` → `/lines/3/tag`. */
export const jsonPointer = (path: readonly PropertyKey[]): string =>
  path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Normalized to the canonical form; refuses what cannot be a license number (warnings come from the use-case). */
export const licenseNumberSchema = z
  .string()
  .max(MAX_LICENSE_NUMBER_LENGTH)
  .transform((raw, ctx) => {
    const reading = parseLicenseNumber(raw);
    if (reading.ok) return reading.license.value;
    ctx.issues.push({ code: 'custom', input: raw, message: reading.message });
    return z.NEVER;
  })
  .meta({ description: 'OCM license number, e.g. OCM-DIST-24-000114-DX1' });
