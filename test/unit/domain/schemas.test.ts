import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  arriveBody,
  createTransferBody,
  departBody,
  jsonPointer,
  receiptBody,
  returnBody,
  updateTransferBody,
  voidBody,
} from '#shared/domain/transfer/index.ts';
import { biotrackTag, draftBody, line, metrcTag } from './fixtures.ts';

/** Each issue as `pointer: message`, the way the API reports it. */
function issuesOf(schema: z.ZodType, body: unknown): string[] {
  const result = schema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => `${jsonPointer(issue.path as (string | number)[])}: ${issue.message}`);
}
const pointersOf = (schema: z.ZodType, body: unknown) => issuesOf(schema, body).map((issue) => issue.split(':')[0]);

describe('createTransferBody', () => {
  it('accepts a complete draft', () => {
    expect(issuesOf(createTransferBody, draftBody())).toEqual([]);
  });

  it('accepts a bare draft: type, receiver and lines; the rest can wait until manifesting', () => {
    const body = { type: 'transfer', receiverPartnerId: 'p1', lines: [line({ unitPrice: undefined })] };

    expect(issuesOf(createTransferBody, JSON.parse(JSON.stringify(body)))).toEqual([]);
  });

  it('refuses unknown fields, at the top and inside', () => {
    expect(pointersOf(createTransferBody, { ...draftBody(), shipperId: 'someone-else' })).toEqual(['']);
    expect(pointersOf(createTransferBody, draftBody({ lines: [{ ...line(), price: 1 } as never] }))).toEqual(['/lines/0']);
  });

  it('refuses a return: returns are drafted from the received transfer', () => {
    expect(pointersOf(createTransferBody, draftBody({ type: 'return' as never }))).toEqual(['/type']);
  });

  it('bounds every string', () => {
    const long = 'x'.repeat(201);

    expect(pointersOf(createTransferBody, draftBody({ lines: [line({ productName: long })] }))).toEqual(['/lines/0/productName']);
    expect(pointersOf(createTransferBody, draftBody({ plannedRoute: 'x'.repeat(2001) }))).toEqual(['/plannedRoute']);
    expect(pointersOf(createTransferBody, draftBody({ receiverPartnerId: 'p'.repeat(65) }))).toEqual(['/receiverPartnerId']);
    expect(pointersOf(createTransferBody, draftBody({ lines: [line({ notes: 'n'.repeat(1001) })] }))).toEqual(['/lines/0/notes']);
    expect(pointersOf(createTransferBody, draftBody({ lines: [line({ productName: '   ' })] }))).toEqual(['/lines/0/productName']);
  });

  it('requires date-times with an offset', () => {
    expect(pointersOf(createTransferBody, draftBody({ estimatedDeparture: '2026-03-02T10:00:00' }))).toEqual(['/estimatedDeparture']);
    expect(pointersOf(createTransferBody, draftBody({ estimatedDeparture: '2026-03-02' }))).toEqual(['/estimatedDeparture']);
    expect(pointersOf(createTransferBody, draftBody({ estimatedDeparture: 'tomorrow' }))).toEqual(['/estimatedDeparture']);
    expect(issuesOf(createTransferBody, draftBody({ estimatedDeparture: '2026-03-02T15:00:00Z' }))).toEqual([]);
    expect(issuesOf(createTransferBody, draftBody({ estimatedDeparture: '2026-03-02T15:00:00.123+00:00' }))).toEqual([]);
  });

  it('refuses more than 1000 lines at /lines, and takes exactly 1000', () => {
    const lines = (count: number) => Array.from({ length: count }, (_, i) => line({ tag: biotrackTag(i + 1) }));

    expect(pointersOf(createTransferBody, draftBody({ lines: lines(1001) }))).toEqual(['/lines']);
    expect(issuesOf(createTransferBody, draftBody({ lines: lines(1000) }))).toEqual([]);
    expect(pointersOf(createTransferBody, draftBody({ lines: [] }))).toEqual(['/lines']);
  });

  it('points at the later of two lines with the same tag', () => {
    const lines = [line({ tag: biotrackTag(1) }), line({ tag: biotrackTag(2) }), line({ tag: biotrackTag(1) }), line({ tag: biotrackTag(1) })];

    expect(issuesOf(createTransferBody, draftBody({ lines }))).toEqual([
      '/lines/2/tag: This package is already on line 1: a tag appears at most once on a transfer',
      '/lines/3/tag: This package is already on line 1: a tag appears at most once on a transfer',
    ]);
  });

  it('refuses a tag of no known format, and takes either known format', () => {
    expect(pointersOf(createTransferBody, draftBody({ lines: [line({ tag: 'ABC-123' })] }))).toEqual(['/lines/0/tag']);
    expect(pointersOf(createTransferBody, draftBody({ lines: [line({ tag: metrcTag(1).toLowerCase() })] }))).toEqual(['/lines/0/tag']);
    expect(issuesOf(createTransferBody, draftBody({ lines: [line({ tag: metrcTag(1) })] }))).toEqual([]);
  });

  it('refuses a fractional quantity counted in each', () => {
    expect(issuesOf(createTransferBody, draftBody({ lines: [line({ quantity: 2.5, unit: 'each' })] }))).toEqual([
      '/lines/0/quantity: Counted in `each`, a quantity must be a whole number',
    ]);
    expect(issuesOf(createTransferBody, draftBody({ lines: [line({ quantity: 2.5, unit: 'g', netWeight: undefined, grossWeight: undefined })] }))).toEqual([]);
  });

  it('takes quantities above 0 with at most 3 decimals', () => {
    const bulk = (quantity: number) => draftBody({ lines: [line({ quantity, unit: 'kg', netWeight: undefined, grossWeight: undefined })] });

    expect(issuesOf(createTransferBody, bulk(1.005))).toEqual([]);
    expect(issuesOf(createTransferBody, bulk(1.0005))).toEqual(['/lines/0/quantity: At most 3 decimals']);
    expect(pointersOf(createTransferBody, bulk(0))).toEqual(['/lines/0/quantity']);
    expect(pointersOf(createTransferBody, bulk(-1))).toEqual(['/lines/0/quantity']);
    expect(pointersOf(createTransferBody, bulk(1_000_001))).toEqual(['/lines/0/quantity']);
  });

  it('refuses an arrival at or before the departure, whatever the offsets', () => {
    const departure = '2026-03-02T10:00:00-05:00';

    expect(issuesOf(createTransferBody, draftBody({ estimatedDeparture: departure, estimatedArrival: '2026-03-02T09:00:00-05:00' }))).toEqual([
      '/estimatedArrival: The estimated arrival must be after the estimated departure',
    ]);
    expect(pointersOf(createTransferBody, draftBody({ estimatedDeparture: departure, estimatedArrival: '2026-03-02T15:00:00Z' }))).toEqual(['/estimatedArrival']);
    expect(issuesOf(createTransferBody, draftBody({ estimatedDeparture: departure, estimatedArrival: '2026-03-02T15:00:01Z' }))).toEqual([]);
  });

  it('keeps a layover within the trip', () => {
    const layover = (at: string) => draftBody({ layover: { location: 'Motel 9, Newburgh', at } });

    expect(issuesOf(createTransferBody, layover('2026-03-02T11:00:00-05:00'))).toEqual([]);
    expect(pointersOf(createTransferBody, layover('2026-03-02T13:00:00-05:00'))).toEqual(['/layover/at']);
  });

  it('refuses a driver listed twice', () => {
    expect(pointersOf(createTransferBody, draftBody({ driverIds: ['d1', 'd2', 'd1'] }))).toEqual(['/driverIds/2']);
  });

  it('takes the tax payer by name and address, or taxPaid: true', () => {
    const address = { street: '1 Tax Way', city: 'Albany', state: 'NY', zip: '12207' };

    expect(issuesOf(createTransferBody, draftBody({ taxPayer: { name: 'Hudson Distribution LLC', address } }))).toEqual([]);
    expect(pointersOf(createTransferBody, draftBody({ taxPayer: { name: 'Hudson' } as never }))).toEqual(['/taxPayer/address']);
    expect(pointersOf(createTransferBody, draftBody({ taxPayer: { taxPaid: true, name: 'Hudson' } as never }))).toEqual(['/taxPayer']);
    expect(pointersOf(createTransferBody, draftBody({ taxPayer: { name: 'Hudson', address: { ...address, zip: '1220' } } }))).toEqual(['/taxPayer/address/zip']);
  });

  it('refuses a gross weight below the net weight, comparing across units', () => {
    const weights = (gross: { value: number; unit: 'g' | 'kg' | 'oz' | 'lb' }) => draftBody({ lines: [line({ netWeight: { value: 1, unit: 'lb' }, grossWeight: gross })] });

    expect(issuesOf(createTransferBody, weights({ value: 16, unit: 'oz' }))).toEqual([]);
    expect(issuesOf(createTransferBody, weights({ value: 15.999, unit: 'oz' }))).toEqual([
      '/lines/0/grossWeight: The gross weight cannot be less than the net weight',
    ]);
  });

  it('refuses a THC percentage above 100, and an amount in mg that does not say per unit or per package', () => {
    expect(pointersOf(createTransferBody, draftBody({ lines: [line({ totalThc: { value: 100.5, unit: '%' } })] }))).toEqual(['/lines/0/totalThc/value']);
    expect(issuesOf(createTransferBody, draftBody({ lines: [line({ totalThc: { value: 250, unit: 'mg', per: 'package' } })] }))).toEqual([]);
    // An amount in mg says what it is for: one unit or the whole package.
    expect(pointersOf(createTransferBody, draftBody({ lines: [line({ totalThc: { value: 250, unit: 'mg' } })] }))).toEqual(['/lines/0/totalThc/per']);
  });

  it('takes unit prices in cents', () => {
    expect(issuesOf(createTransferBody, draftBody({ lines: [line({ unitPrice: 18.55 })] }))).toEqual([]);
    expect(issuesOf(createTransferBody, draftBody({ lines: [line({ unitPrice: 18.555 })] }))).toEqual(['/lines/0/unitPrice: At most 2 decimals']);
  });

  it('reports several problems at once', () => {
    const body = draftBody({
      estimatedArrival: '2026-03-02T09:00:00-05:00',
      lines: [line({ quantity: 1.5 }), line()],
    });

    expect(pointersOf(createTransferBody, body)).toEqual(['/lines/0/quantity', '/lines/1/tag', '/estimatedArrival']);
  });
});

describe('updateTransferBody', () => {
  it('takes any subset of the draft fields', () => {
    expect(issuesOf(updateTransferBody, { plannedRoute: 'Taconic Parkway' })).toEqual([]);
    expect(issuesOf(updateTransferBody, { lines: [line()] })).toEqual([]);
  });

  it('takes null to clear an optional field, but not a required one', () => {
    expect(issuesOf(updateTransferBody, { transporterPartnerId: null, layover: null, taxPayer: null })).toEqual([]);
    expect(pointersOf(updateTransferBody, { lines: null })).toEqual(['/lines']);
    expect(pointersOf(updateTransferBody, { receiverPartnerId: null })).toEqual(['/receiverPartnerId']);
  });

  it('refuses an empty change and unknown fields', () => {
    expect(issuesOf(updateTransferBody, {})).toEqual([': Send at least one field to change']);
    expect(issuesOf(updateTransferBody, { status: 'MANIFESTED' })).toEqual([': Unrecognized key: "status"', ': Send at least one field to change']);
  });

  it('checks what it can see of the fields together', () => {
    expect(pointersOf(updateTransferBody, { estimatedDeparture: '2026-03-02T10:00:00-05:00', estimatedArrival: '2026-03-02T09:00:00-05:00' })).toEqual([
      '/estimatedArrival',
    ]);
    expect(pointersOf(updateTransferBody, { lines: [line(), line()] })).toEqual(['/lines/1/tag']);
    expect(pointersOf(updateTransferBody, { lines: [line({ quantity: 0.5 })] })).toEqual(['/lines/0/quantity']);
  });
});

describe('receiptBody', () => {
  const receivedBy = { name: 'Sam Lee', title: 'Inventory manager' };

  it('takes accepted and rejected packages', () => {
    const body = {
      lines: [
        { tag: biotrackTag(1), outcome: 'accepted', acceptedQuantity: 23, confirmVariance: true },
        { tag: biotrackTag(2), outcome: 'rejected', reason: 'damaged', note: 'Crushed jars' },
      ],
      receivedBy,
      at: '2026-03-02T13:00:00-05:00',
    };

    expect(issuesOf(receiptBody, body)).toEqual([]);
  });

  it('requires a note when the reason is other', () => {
    const body = { lines: [{ tag: biotrackTag(1), outcome: 'rejected', reason: 'other' }], receivedBy };

    expect(issuesOf(receiptBody, body)).toEqual(['/lines/0/note: Explain the rejection in a note when the reason is other']);
  });

  it('takes only the listed rejection reasons', () => {
    const body = { lines: [{ tag: biotrackTag(1), outcome: 'rejected', reason: 'did-not-like-it' }], receivedBy };

    expect(pointersOf(receiptBody, body)).toEqual(['/lines/0/reason']);
  });

  it('refuses an accepted quantity of zero: that is a rejection', () => {
    const body = { lines: [{ tag: biotrackTag(1), outcome: 'accepted', acceptedQuantity: 0 }], receivedBy };

    expect(pointersOf(receiptBody, body)).toEqual(['/lines/0/acceptedQuantity']);
  });

  it('refuses a rejection that carries a quantity, and an unknown outcome', () => {
    expect(pointersOf(receiptBody, { lines: [{ tag: biotrackTag(1), outcome: 'rejected', reason: 'damaged', acceptedQuantity: 1 }], receivedBy })).toEqual([
      '/lines/0',
    ]);
    expect(pointersOf(receiptBody, { lines: [{ tag: biotrackTag(1), outcome: 'maybe' }], receivedBy })).toEqual(['/lines/0/outcome']);
  });

  it('points at the later answer for the same package', () => {
    const answer = { tag: biotrackTag(1), outcome: 'accepted', acceptedQuantity: 24 };

    expect(pointersOf(receiptBody, { lines: [answer, answer], receivedBy })).toEqual(['/lines/1/tag']);
  });

  it("requires the receiver's name and title", () => {
    expect(pointersOf(receiptBody, { lines: [{ tag: biotrackTag(1), outcome: 'accepted', acceptedQuantity: 1 }], receivedBy: { name: 'Sam' } })).toEqual([
      '/receivedBy/title',
    ]);
  });
});

describe('action bodies', () => {
  it('take an optional time with an offset for depart and arrive', () => {
    for (const schema of [departBody, arriveBody]) {
      expect(issuesOf(schema, {})).toEqual([]);
      expect(issuesOf(schema, { at: '2026-03-02T10:00:00-05:00' })).toEqual([]);
      expect(pointersOf(schema, { at: '2026-03-02 10:00' })).toEqual(['/at']);
      expect(pointersOf(schema, { at: '2026-03-02T10:00:00-05:00', by: 'driver' })).toEqual(['']);
    }
  });

  it('require a bounded reason to void', () => {
    expect(issuesOf(voidBody, { reason: 'Wrong receiver' })).toEqual([]);
    expect(pointersOf(voidBody, {})).toEqual(['/reason']);
    expect(pointersOf(voidBody, { reason: 'x'.repeat(501) })).toEqual(['/reason']);
  });

  it('draft a return to a partner, with optional estimated times in order', () => {
    expect(issuesOf(returnBody, { receiverPartnerId: 'partner-hudson' })).toEqual([]);
    expect(
      pointersOf(returnBody, { receiverPartnerId: 'partner-hudson', estimatedDeparture: '2026-03-03T10:00:00Z', estimatedArrival: '2026-03-03T09:00:00Z' }),
    ).toEqual(['/estimatedArrival']);
  });
});

describe('JSON Schema', () => {
  it('can be generated from every request schema, under its id', () => {
    const schemas = { TransferDraft: createTransferBody, TransferDraftPatch: updateTransferBody, DepartInput: departBody, ArriveInput: arriveBody, ReceiptInput: receiptBody, VoidInput: voidBody, ReturnInput: returnBody };

    for (const [id, schema] of Object.entries(schemas)) {
      const json = z.toJSONSchema(schema, { io: 'input' }) as { $ref?: string; $defs?: Record<string, { additionalProperties?: boolean }> };
      expect(json.$ref).toBe(`#/$defs/${id}`);
      expect(json.$defs?.[id]?.additionalProperties).toBe(false);
    }
  });
});
