import { describe, expect, it } from 'vitest';
import { allowedActions, checkTransition, nextStatuses, reservesTags, transferStatuses } from '#shared/domain/transfer/index.ts';
import type { TransferAction, TransferStatus } from '#shared/domain/transfer/index.ts';

describe('the transfer lifecycle', () => {
  it('allows exactly the actions of the domain doc in each state', () => {
    const expected: Record<TransferStatus, TransferAction[]> = {
      DRAFT: ['update', 'discard', 'manifest'],
      MANIFESTED: ['amend', 'void', 'depart'],
      IN_TRANSIT: ['arrive'],
      ARRIVED: ['receive'],
      ACCEPTED: ['return'],
      PARTIALLY_ACCEPTED: ['return'],
      REJECTED: ['return'],
      DISCARDED: [],
      VOIDED: [],
    };

    for (const status of transferStatuses) expect([...allowedActions(status)].sort()).toEqual(expected[status].sort());
  });

  it('leads where the domain doc says', () => {
    expect(nextStatuses('DRAFT', 'manifest')).toEqual(['MANIFESTED']);
    expect(nextStatuses('DRAFT', 'discard')).toEqual(['DISCARDED']);
    expect(nextStatuses('DRAFT', 'update')).toEqual(['DRAFT']);
    expect(nextStatuses('MANIFESTED', 'depart')).toEqual(['IN_TRANSIT']);
    expect(nextStatuses('MANIFESTED', 'void')).toEqual(['VOIDED']);
    expect(nextStatuses('MANIFESTED', 'amend')).toEqual(['MANIFESTED']);
    expect(nextStatuses('IN_TRANSIT', 'arrive')).toEqual(['ARRIVED']);
    expect(nextStatuses('ARRIVED', 'receive')).toEqual(['ACCEPTED', 'PARTIALLY_ACCEPTED', 'REJECTED']);
    expect(nextStatuses('REJECTED', 'return')).toEqual(['REJECTED']);
    expect(nextStatuses('PARTIALLY_ACCEPTED', 'return')).toEqual(['PARTIALLY_ACCEPTED']);
    expect(nextStatuses('IN_TRANSIT', 'void')).toEqual([]);
  });

  it('names the current state and the allowed actions when it refuses', () => {
    expect(checkTransition('IN_TRANSIT', 'void')).toEqual({
      ok: false,
      error: { kind: 'invalid-transition', current: 'IN_TRANSIT', action: 'void', allowed: ['arrive'] },
    });
    expect(checkTransition('ACCEPTED', 'receive')).toEqual({
      ok: false,
      error: { kind: 'invalid-transition', current: 'ACCEPTED', action: 'receive', allowed: ['return'] },
    });
    expect(checkTransition('MANIFESTED', 'update')).toMatchObject({ ok: false, error: { allowed: ['amend', 'void', 'depart'] } });
    expect(checkTransition('DRAFT', 'manifest')).toEqual({ ok: true });
  });

  it('reserves tags from manifest until receipt or void', () => {
    expect(transferStatuses.filter(reservesTags)).toEqual(['MANIFESTED', 'IN_TRANSIT', 'ARRIVED']);
  });
});
