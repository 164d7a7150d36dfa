/**
 * One neutral state-system status per transfer, from its submissions.
 */
import { describe, expect, it } from 'vitest';
import { manifestRefused, stateSystemStatusOf } from '#shared/domain/submission/state-status.ts';
import { isOverdue } from '#shared/domain/submission/submission.ts';
import type { Submission, SubmissionStep } from '#shared/domain/submission/submission.ts';

const submission = (sequence: number, step: SubmissionStep, status: Submission['status'], lastError?: Submission['lastError']): Submission => ({
  id: `t-${sequence}-${step}`,
  transferId: 't',
  sequence,
  step,
  licenseeId: 'lic-hudson',
  system: 'biotrack-ny',
  status,
  attempts: status === 'pending' ? 0 : 1,
  createdAt: `2026-03-02T14:0${sequence}:00.000Z`,
  updatedAt: `2026-03-02T14:0${sequence}:30.000Z`,
  ...(status === 'succeeded' ? { succeededAt: `2026-03-02T14:0${sequence}:30.000Z` } : {}),
  ...(lastError ? { lastError } : {}),
  version: 2,
});

describe('the state-system status of a transfer', () => {
  it('is not-required when nothing is owed, recorded with the state manifest id when all went through', () => {
    expect(stateSystemStatusOf([])).toEqual({ status: 'not-required' });
    expect(stateSystemStatusOf([submission(2, 'manifest', 'succeeded'), submission(3, 'ship', 'succeeded')], '1234567890123456')).toEqual({
      status: 'recorded',
      stateManifestId: '1234567890123456',
      since: '2026-03-02T14:03:30.000Z',
    });
  });

  it('is refused, with the state’s code and words and who must act, when any step was refused, even with later steps blocked', () => {
    const refusal = { code: 'INVALID_QUANTITY', message: 'Inventory 1: quantity exceeds the remaining amount', at: '2026-03-02T14:02:31.000Z' };
    const status = stateSystemStatusOf([submission(3, 'ship', 'blocked'), submission(2, 'manifest', 'failed', refusal)]);
    expect(status).toEqual({ status: 'refused', step: 'manifest', licenseeId: 'lic-hudson', code: 'INVALID_QUANTITY', message: refusal.message, since: refusal.at });
    expect(manifestRefused(status)).toBe(true);
    expect(manifestRefused(stateSystemStatusOf([submission(2, 'manifest', 'succeeded'), submission(4, 'receive', 'failed', refusal)]))).toBe(false);
  });

  it('is pending on the first step still on its way, saying in plain words what the hub does about it', () => {
    const status = stateSystemStatusOf([submission(2, 'manifest', 'succeeded'), submission(3, 'ship', 'retrying', { code: 'SERVER_ERROR', message: 'down', at: 'x' }), submission(4, 'arrive', 'pending')]);
    expect(status).toMatchObject({ status: 'pending', step: 'ship', code: 'SERVER_ERROR' });
    expect(status.detail).toContain('keeps trying');
    expect(stateSystemStatusOf([submission(2, 'manifest', 'consent-expired')]).detail).toContain('license admin');
    expect(stateSystemStatusOf([submission(2, 'manifest', 'dead-lettered')]).detail).toContain('redrive');
  });

  it('is awaiting-person with the instruction while a person must act, overdue once its deadline passed', () => {
    const awaited: Submission = {
      ...submission(2, 'manifest', 'awaiting-person'),
      system: 'metrc',
      awaitingPerson: {
        instruction: 'Register template HUB-7K2Q in Metrc: Transfers → Templates → Register',
        where: { menuPath: ['Transfers', 'Templates', 'Register'] },
        resultKey: 'HUB-7K2Q',
        deadline: '2026-03-02T16:00:00.000Z',
      },
    };
    const owed = [awaited, submission(3, 'ship', 'blocked')];
    expect(stateSystemStatusOf(owed, undefined, new Date('2026-03-02T15:00:00.000Z'))).toEqual({
      status: 'awaiting-person',
      step: 'manifest',
      instruction: 'Register template HUB-7K2Q in Metrc: Transfers → Templates → Register',
      deadline: '2026-03-02T16:00:00.000Z',
      overdue: false,
      licenseeId: 'lic-hudson',
      since: '2026-03-02T14:02:30.000Z',
    });
    expect(stateSystemStatusOf(owed, undefined, new Date('2026-03-02T16:00:01.000Z')).overdue).toBe(true);
    // Stored for list rows without a clock: the deadline says when it falls due.
    expect(stateSystemStatusOf(owed)).not.toHaveProperty('overdue');
    expect(isOverdue(awaited, new Date('2026-03-02T16:00:01.000Z'))).toBe(true);
    expect(isOverdue(submission(2, 'manifest', 'pending'), new Date('2030-01-01T00:00:00.000Z'))).toBe(false);
  });
});
