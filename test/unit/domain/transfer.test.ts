import { describe, expect, it } from 'vitest';
import { packageTagFormatOf } from '#shared/state-system/capabilities.ts';
import {
  arrive,
  createDraft,
  defaultTransferRules,
  depart,
  discard,
  payloadHash,
  updateDraft,
  voidTransfer,
} from '#shared/domain/transfer/index.ts';
import type { Transfer } from '#shared/domain/transfer/index.ts';
import {
  NOW,
  biotrackTag,
  context,
  draft,
  draftBody,
  draftContext,
  expectOk,
  expectRefused,
  inTransit,
  line,
  manifested,
  metrcTag,
  minutesAfter,
  pointersOf,
  problemsOf,
  shipperActor,
  withRules,
} from './fixtures.ts';

/** Freezes a transfer all the way down, so that any mutation by an operation throws. */
function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) frozen(member);
    Object.freeze(value);
  }
  return value;
}

describe('createDraft', () => {
  it('creates version 1 in DRAFT with its creation event', () => {
    const body = draftBody();
    const { transfer, event } = expectOk(createDraft({ id: 'tr-1', shipperId: 'lic-hudson', content: body }, draftContext()));

    expect(transfer).toMatchObject({ id: 'tr-1', shipperId: 'lic-hudson', status: 'DRAFT', version: 1, content: body, returnIds: [] });
    expect(transfer.createdAt).toBe(NOW.toISOString());
    expect(event).toEqual({
      transferId: 'tr-1',
      sequence: 1,
      action: 'create',
      from: null,
      to: 'DRAFT',
      at: NOW.toISOString(),
      actor: shipperActor,
      payloadHash: payloadHash(body),
      summary: 'Draft created with 2 packages',
    });
  });

  it("refuses tags in another format than the shipper's state system", () => {
    const body = draftBody({ lines: [line({ tag: metrcTag(1) }), line({ tag: biotrackTag(2) })] });
    const create = (shipperStateSystem: 'biotrack-ny' | 'metrc' | 'none') =>
      createDraft({ id: 'tr-1', shipperId: 'lic-hudson', content: body }, draftContext({ shipperTags: packageTagFormatOf(shipperStateSystem) }));

    expect(pointersOf(create('biotrack-ny'))).toEqual(['/lines/0/tag']);
    expect(pointersOf(create('metrc'))).toEqual(['/lines/1/tag']);
    expect(create('none').ok).toBe(true);
  });

  it('requires a unit price on wholesale lines, unless the rule is off', () => {
    const body = draftBody({ lines: [line(), line({ tag: biotrackTag(2), unitPrice: undefined })] });
    const create = (rules = defaultTransferRules) => createDraft({ id: 'tr-1', shipperId: 'lic-hudson', content: body }, draftContext({ rules }));

    expect(problemsOf(create())).toEqual([{ pointer: '/lines/1/unitPrice', code: 'unit-price-required', message: 'A wholesale line needs a unit price' }]);
    expect(create(withRules({ wholesaleUnitPrice: { enabled: false } })).ok).toBe(true);
    expect(createDraft({ id: 'tr-1', shipperId: 'lic-hudson', content: { ...body, type: 'transfer' } }, draftContext()).ok).toBe(true);
  });

  it('applies a lowered line limit', () => {
    const rules = withRules({ maxLines: { enabled: true, max: 1 } });

    expect(pointersOf(createDraft({ id: 'tr-1', shipperId: 'lic-hudson', content: draftBody() }, draftContext({ rules })))).toEqual(['/lines']);
  });
});

describe('updateDraft', () => {
  it('changes the named fields, keeps the others, and records the change', () => {
    const before = frozen(draft());
    const { transfer, event } = expectOk(updateDraft(before, { plannedRoute: 'Taconic Parkway' }, draftContext({ now: minutesAfter(5) })));

    expect(transfer.content).toEqual({ ...before.content, plannedRoute: 'Taconic Parkway' });
    expect(transfer.version).toBe(2);
    expect(transfer.updatedAt).toBe(minutesAfter(5).toISOString());
    expect(event).toMatchObject({ sequence: 2, action: 'update', from: 'DRAFT', to: 'DRAFT', summary: 'Draft updated: plannedRoute' });
    expect(before.version).toBe(1);
  });

  it('clears optional fields sent as null and replaces lines whole', () => {
    const before = draft(draftBody({ transporterPartnerId: 'partner-carrier', layover: { location: 'Newburgh', at: '2026-03-02T11:00:00-05:00' } }));
    const lines = [line({ tag: biotrackTag(9) })];
    const { transfer } = expectOk(updateDraft(before, { transporterPartnerId: null, layover: null, lines }, draftContext()));

    expect(transfer.content).not.toHaveProperty('transporterPartnerId');
    expect(transfer.content).not.toHaveProperty('layover');
    expect(transfer.content.lines).toEqual(lines);
  });

  it('checks the draft as it would be, with pointers into it', () => {
    const before = draft();

    expect(pointersOf(updateDraft(before, { estimatedArrival: '2026-03-02T09:00:00-05:00' }, draftContext()))).toEqual(['/estimatedArrival']);
    expect(pointersOf(updateDraft(before, { type: 'wholesale', lines: [line({ unitPrice: undefined })] }, draftContext()))).toEqual(['/lines/0/unitPrice']);
    expect(pointersOf(updateDraft(before, { lines: [line({ tag: metrcTag(1) })] }, draftContext()))).toEqual(['/lines/0/tag']);
  });

  it('is allowed in DRAFT only', () => {
    expect(expectRefused(updateDraft(manifested(), { plannedRoute: 'x' }, draftContext()))).toEqual({
      kind: 'invalid-transition',
      current: 'MANIFESTED',
      action: 'update',
      allowed: ['amend', 'void', 'depart'],
    });
  });
});

describe('discard', () => {
  it('keeps the draft on record as DISCARDED', () => {
    const { transfer, event } = expectOk(discard(frozen(draft()), context()));

    expect(transfer).toMatchObject({ status: 'DISCARDED', version: 2, discardedAt: NOW.toISOString(), content: draftBody() });
    expect(event).toMatchObject({ action: 'discard', from: 'DRAFT', to: 'DISCARDED', payloadHash: payloadHash({}) });
  });

  it('is refused once manifested', () => {
    expect(expectRefused(discard(manifested(), context()))).toMatchObject({ kind: 'invalid-transition', current: 'MANIFESTED' });
  });
});

describe('voidTransfer', () => {
  it('voids a manifested transfer with its reason', () => {
    const { transfer, event } = expectOk(voidTransfer(frozen(manifested()), { reason: 'Wrong receiver' }, context(minutesAfter(10))));

    expect(transfer.status).toBe('VOIDED');
    expect(transfer.voided).toEqual({ at: minutesAfter(10).toISOString(), reason: 'Wrong receiver' });
    expect(event).toMatchObject({ action: 'void', from: 'MANIFESTED', to: 'VOIDED', summary: 'Voided: Wrong receiver' });
  });

  it('is refused after departure, naming what is allowed', () => {
    expect(expectRefused(voidTransfer(inTransit(), { reason: 'Too late' }, context()))).toEqual({
      kind: 'invalid-transition',
      current: 'IN_TRANSIT',
      action: 'void',
      allowed: ['arrive'],
    });
  });

  it('is refused on a draft: a draft is discarded', () => {
    expect(expectRefused(voidTransfer(draft(), { reason: 'x' }, context()))).toMatchObject({ current: 'DRAFT', allowed: ['update', 'discard', 'manifest'] });
  });
});

describe('depart and arrive', () => {
  it('record the actual times, now by default, in UTC', () => {
    const departed = expectOk(depart(frozen(manifested()), {}, context(minutesAfter(60))));
    expect(departed.transfer).toMatchObject({ status: 'IN_TRANSIT', version: 3, departedAt: minutesAfter(60).toISOString() });
    expect(departed.event).toMatchObject({ action: 'depart', from: 'MANIFESTED', to: 'IN_TRANSIT', sequence: 3 });

    const arrived = expectOk(arrive(frozen(departed.transfer), { at: '2026-03-02T12:20:00-05:00' }, context(minutesAfter(240))));
    expect(arrived.transfer).toMatchObject({ status: 'ARRIVED', version: 4, arrivedAt: '2026-03-02T17:20:00.000Z' });
  });

  it('refuse a time in the future beyond the clock skew', () => {
    const transfer = manifested();
    const now = minutesAfter(60);

    expect(depart(transfer, { at: minutesAfter(5, now).toISOString() }, context(now)).ok).toBe(true);
    expect(problemsOf(depart(transfer, { at: minutesAfter(6, now).toISOString() }, context(now)))).toEqual([
      { pointer: '/at', code: 'time-in-future', message: 'This time is in the future' },
    ]);
  });

  it('refuse a departure before the manifest was issued', () => {
    const transfer = manifested();

    expect(depart(transfer, { at: minutesAfter(-5).toISOString() }, context(minutesAfter(60))).ok).toBe(true);
    expect(problemsOf(depart(transfer, { at: minutesAfter(-6).toISOString() }, context(minutesAfter(60))))[0]?.code).toBe('time-out-of-order');
  });

  it('refuse an arrival at or before the departure', () => {
    const transfer = inTransit();

    expect(pointersOf(arrive(transfer, { at: transfer.departedAt }, context(minutesAfter(240))))).toEqual(['/at']);
    expect(pointersOf(arrive(transfer, { at: minutesAfter(30).toISOString() }, context(minutesAfter(240))))).toEqual(['/at']);
  });

  it('keep the order of the lifecycle', () => {
    expect(expectRefused(arrive(manifested(), {}, context()))).toMatchObject({ current: 'MANIFESTED', action: 'arrive' });
    expect(expectRefused(depart(draft(), {}, context()))).toMatchObject({ current: 'DRAFT', action: 'depart' });
  });
});

it('never changes the transfer it is given', () => {
  const transfer: Transfer = frozen(manifested());

  expect(() => depart(transfer, {}, context(minutesAfter(60)))).not.toThrow();
  expect(() => voidTransfer(transfer, { reason: 'x' }, context())).not.toThrow();
  expect(transfer.status).toBe('MANIFESTED');
});
