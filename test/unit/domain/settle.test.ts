import { describe, expect, it } from 'vitest';
import { awaitedStepDone } from '#shared/domain/reconciliation/settle.ts';
import type { Submission, SubmissionStep } from '#shared/domain/submission/submission.ts';

const wait = { instruction: 'Register template HUB-1 in Metrc: Transfers → Templates → Register', where: { menuPath: ['Transfers'] }, resultKey: 'HUB-1', deadline: '2026-03-02T14:00:00.000Z' };

function submission(step: SubmissionStep, status: Submission['status'], sequence: number): Submission {
  return {
    id: `t-${sequence}-${step}`,
    transferId: 't',
    sequence,
    step,
    licenseeId: 'shipper',
    system: 'metrc',
    status,
    attempts: 1,
    createdAt: '2026-03-02T12:00:00.000Z',
    updatedAt: '2026-03-02T12:00:00.000Z',
    ...(status === 'awaiting-person' ? { awaitingPerson: wait } : {}),
    version: 1,
  };
}

describe('what a step seen done at the state settles', () => {
  const manifest = submission('manifest', 'awaiting-person', 1);
  const amend = submission('amend', 'blocked', 2);

  it('settles the registration the person was asked for once the state shows it registered', () => {
    expect(awaitedStepDone({ kind: 'registered', manifestNumber: '0000012345' }, [manifest, amend])).toBe(manifest);
  });

  it('settles only a step that waits for a person, and only the one the observation is about', () => {
    expect(awaitedStepDone({ kind: 'registered', manifestNumber: '0000012345' }, [submission('manifest', 'succeeded', 1)])).toBeUndefined();
    expect(awaitedStepDone({ kind: 'registered', manifestNumber: '0000012345' }, [submission('manifest', 'retrying', 1)])).toBeUndefined();
    expect(awaitedStepDone({ kind: 'departed' }, [manifest])).toBeUndefined();
    expect(awaitedStepDone({ kind: 'received', packages: [] }, [manifest])).toBeUndefined();
    const voiding = submission('void', 'awaiting-person', 3);
    expect(awaitedStepDone({ kind: 'voided' }, [manifest, voiding])).toBe(voiding);
    const editing = submission('amend', 'awaiting-person', 2);
    expect(awaitedStepDone({ kind: 'edited' }, [submission('manifest', 'succeeded', 1), editing])).toBe(editing);
  });

  it('settles the taking back of rejected packages once the state shows them returned, not at the receipt', () => {
    const receive = submission('receive', 'awaiting-person', 5);
    const takeBack = submission('take-back', 'awaiting-person', 5);
    expect(awaitedStepDone({ kind: 'received', packages: [] }, [receive, takeBack])).toBe(receive);
    expect(awaitedStepDone({ kind: 'taken-back' }, [receive, takeBack])).toBe(takeBack);
    expect(awaitedStepDone({ kind: 'taken-back' }, [receive])).toBeUndefined();
  });
});
