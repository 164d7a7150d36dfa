import { describe, expect, it } from 'vitest';
import { judge } from '#shared/domain/reconciliation/judge.ts';
import { arrived, biotrackTag, inTransit, NOW, received, receiver } from './fixtures.ts';

const [TAG1, TAG2] = [biotrackTag(1), biotrackTag(2)];
const asShipped = [
  { tag: TAG1, accepted: true, receivedQuantity: 24 },
  { tag: TAG2, accepted: true, receivedQuantity: 12 },
];

describe('judging what the state system shows', () => {
  it('finds nothing to settle when the state received what the hub recorded', () => {
    const { transfer } = received({ [TAG2]: { tag: TAG2, outcome: 'rejected', reason: 'damaged' } });
    const state = [asShipped[0] ?? { tag: TAG1, accepted: true, receivedQuantity: 24 }, { tag: TAG2, accepted: false, receivedQuantity: 0 }];
    expect(judge(transfer, { kind: 'received', packages: state }, NOW).discrepancies).toEqual([]);
  });

  it('records a receipt that differs from the hub’s, package by package, with both sides and a stable key', () => {
    const { transfer } = received({ [TAG1]: { tag: TAG1, outcome: 'accepted', acceptedQuantity: 23, confirmVariance: true } });
    const state = [
      { tag: TAG1, accepted: true, receivedQuantity: 20 },
      { tag: TAG2, accepted: false, receivedQuantity: 0 },
    ];
    const [found, ...others] = judge(transfer, { kind: 'received', packages: state, at: '2026-03-02T19:00:00.000Z' }, NOW).discrepancies;
    expect(others).toEqual([]);
    expect(found).toMatchObject({ kind: 'receipt-differs', observedAt: '2026-03-02T19:00:00.000Z' });
    expect(found?.lines).toEqual([
      { tag: TAG1, hub: { outcome: 'accepted', quantity: 23 }, state: { outcome: 'accepted', quantity: 20 } },
      { tag: TAG2, hub: { outcome: 'accepted', quantity: 12 }, state: { outcome: 'rejected', quantity: 0 } },
    ]);
    expect(found?.message).toContain('2 packages differ');
    expect(found?.message).toContain('the hub has 23 each accepted, the state system 20 each accepted');
    // Seen again, it is the same discrepancy; another difference has another key.
    expect(judge(transfer, { kind: 'received', packages: state }, NOW).discrepancies[0]?.key).toBe(found?.key);
    expect(judge(transfer, { kind: 'received', packages: state.slice(0, 1) }, NOW).discrepancies[0]?.key).not.toBe(found?.key);
  });

  it('takes the state’s receipt of a transfer the hub has no receipt for as it is, unless it names other packages', () => {
    const transfer = arrived();
    expect(judge(transfer, { kind: 'received', packages: [{ tag: TAG1, accepted: true, receivedQuantity: 20 }, { tag: TAG2, accepted: true, receivedQuantity: 12 }] }, NOW).discrepancies).toEqual([]);
    const other = judge(transfer, { kind: 'received', packages: [{ tag: TAG1, accepted: true, receivedQuantity: 24 }, { tag: biotrackTag(9), accepted: true, receivedQuantity: 1 }] }, NOW);
    expect(other.discrepancies[0]?.kind).toBe('shipment-differs');
    expect(other.discrepancies[0]?.lines).toEqual([
      { tag: TAG2, hub: { outcome: 'shipped', quantity: 12 } },
      { tag: biotrackTag(9), state: { outcome: 'accepted', quantity: 1 } },
    ]);
  });

  it('records a registration or an edit with other packages, quantities or receiver', () => {
    const transfer = inTransit();
    const same = judge(transfer, { kind: 'registered', manifestNumber: '0000012345', receiverLicenseNumber: receiver.licenseNumber, lines: [{ tag: TAG1, quantity: 24 }, { tag: TAG2, quantity: 12 }] }, NOW);
    expect(same.discrepancies).toEqual([]);
    const edited = judge(transfer, { kind: 'edited', receiverLicenseNumber: 'OCM-RETL-99-000001', lines: [{ tag: TAG1, quantity: 20 }, { tag: TAG2, quantity: 12 }] }, NOW);
    expect(edited.discrepancies.map((d) => d.kind)).toEqual(['receiver-differs', 'shipment-differs']);
    expect(edited.discrepancies[0]?.receiver).toEqual({ hub: receiver.licenseNumber, state: 'OCM-RETL-99-000001' });
    expect(edited.discrepancies[1]?.lines).toEqual([{ tag: TAG1, hub: { outcome: 'shipped', quantity: 24 }, state: { outcome: 'shipped', quantity: 20 } }]);
  });

  it('records a void the hub did not make, follows an arrival, and takes a departure as it is', () => {
    const transfer = inTransit();
    expect(judge(transfer, { kind: 'voided' }, NOW).discrepancies.map((d) => d.kind)).toEqual(['voided-at-state']);
    expect(judge(transfer, { kind: 'arrived' }, NOW)).toEqual({ discrepancies: [], arrived: true });
    expect(judge(transfer, { kind: 'departed' }, NOW)).toEqual({ discrepancies: [], arrived: false });
  });
});

describe('judging the times the state system shows', () => {
  const departed = inTransit();
  const at = (minutes: number) => new Date(Date.parse(departed.departedAt ?? '') + minutes * 60_000).toISOString();

  it('finds a departure further from the hub’s than the tolerance, with both times', () => {
    const [found, ...others] = judge(departed, { kind: 'departed', at: at(40) }, NOW, { timeToleranceMinutes: 15 }).discrepancies;
    expect(others).toEqual([]);
    expect(found).toMatchObject({
      kind: 'departure-time-differs',
      times: { hub: departed.departedAt, state: at(40) },
      message: 'The state system shows the shipment departed 40 minutes later than the hub recorded (more than the 15 minutes allowed). Correct the departure time where it is wrong, so both agree.',
    });
    // The same difference seen again is the same discrepancy.
    expect(judge(departed, { kind: 'departed', at: at(40) }, NOW, { timeToleranceMinutes: 15 }).discrepancies[0]?.key).toBe(found?.key);
  });

  it('takes a time within the tolerance, and one the hub has not recorded yet, as no difference', () => {
    expect(judge(departed, { kind: 'departed', at: at(-15) }, NOW, { timeToleranceMinutes: 15 }).discrepancies).toEqual([]);
    expect(judge(departed, { kind: 'departed', at: at(-16) }, NOW, { timeToleranceMinutes: 15 }).discrepancies[0]?.message).toMatch(/^The state system shows the shipment departed 16 minutes earlier/);
    expect(judge(departed, { kind: 'arrived', at: at(90) }, NOW).discrepancies).toEqual([]);
    const landed = arrived();
    const arrival = judge(landed, { kind: 'arrived', at: new Date(Date.parse(landed.arrivedAt ?? '') + 3_600_000).toISOString() }, NOW);
    expect(arrival).toMatchObject({ arrived: true, discrepancies: [{ kind: 'arrival-time-differs' }] });
  });
});
