/**
 * The worker's use-case with fakes for its ports: lifecycle order, stopping at the first step that
 * cannot go, no retry storms, no waits in the worker (quick retries only for what asks no wait,
 * everything else back to the queue), the last attempt before the DLQ.
 */
import { describe, expect, it } from 'vitest';
import type { StateSystemStatus } from '#shared/domain/submission/state-status.ts';
import type { Submission, SubmissionStep } from '#shared/domain/submission/submission.ts';
import { deliverTransfer } from '#shared/submissions/deliver.ts';
import type { DeliveryDeps } from '#shared/submissions/deliver.ts';
import type { StoredSubmission, SubmissionRepository } from '#shared/submissions/repository.ts';
import { PersonStepRequired, StateSystemError } from '#shared/state-system/port.ts';
import type { StateAccount, StateRefs, StateTrackingSystem } from '#shared/state-system/port.ts';
import { arrived } from '../domain/fixtures.ts';

const transfer = arrived();
const submission = (sequence: number, step: SubmissionStep, status: Submission['status'] = 'pending'): StoredSubmission => ({
  id: `${transfer.id}-${sequence}-${step}`,
  transferId: transfer.id,
  sequence,
  step,
  licenseeId: 'lic-hudson',
  system: 'biotrack-ny',
  status,
  attempts: 0,
  createdAt: '2026-03-02T14:00:00.000Z',
  updatedAt: '2026-03-02T14:00:00.000Z',
  version: 1,
});

function world(plan: Partial<Record<SubmissionStep, (() => void)[]>>, submissions: StoredSubmission[]) {
  const stored = new Map(submissions.map((s) => [s.id, s]));
  const reported: string[] = [];
  const counts = { sent: 0, succeeded: 0, retried: 0, failed: [] as string[] };
  const slept: number[] = [];
  const outcome = (step: SubmissionStep) => {
    reported.push(step);
    const next = plan[step]?.shift();
    next?.();
  };
  const accounts: StateAccount[] = [];
  const system: StateTrackingSystem = {
    reportManifest: async (account, _report, _known, keep) => {
      accounts.push(account);
      // The invoice exists (and is kept) before the manifest call that may be refused.
      await keep({ invoiceId: 'I1' });
      outcome('manifest');
      return { manifestId: 'M1', invoiceId: 'I1' };
    },
    amendManifest: async () => (outcome('amend'), {}),
    reportShipment: async (account) => (accounts.push(account), outcome('ship'), { inventoryTransferIds: [7] }),
    reportArrival: async () => outcome('arrive'),
    reportReceipt: async () => outcome('receive'),
    reportIntake: async () => (outcome('intake'), { inventoryTransferIds: [8] }),
    reportVoid: async () => outcome('void'),
    observe: async () => ({ observed: [], checkpoint: '', skipped: 0 }),
    checkLines: async () => [],
    factsOf: (refs) => ({ objectKeys: [], followUp: false, ...(typeof refs['manifestId'] === 'string' ? { manifestNumber: refs['manifestId'] } : {}) }),
    checkConsent: async () => ({ connected: true }),
  };
  const ids: StateRefs[] = [];
  const statuses: StateSystemStatus[] = [];
  const repository: SubmissionRepository = {
    list: async () => [...stored.values()],
    save: async (next) => (stored.set(next.id, next), true),
    markEnqueued: async () => undefined,
    open: async () => [],
    unenqueued: async () => [],
    awaitingConsent: async () => [],
    stateRefs: async () => ({ refs: Object.assign({}, ...ids) as StateRefs, openDiscrepancies: 0 }),
    saveStateRefs: async (_t, _owner, found) => void ids.push(found),
    transferOfStateObject: async () => undefined,
    followUps: async () => [],
    touchFollowUp: async () => undefined,
    saveStatus: async (_t, status) => void statuses.push(status),
    statuses: async () => new Map(),
    countRefused: async () => 0,
    awaitingPerson: async () => [],
    countOverdue: async () => 0,
    countOverdueTransfers: async () => 0,
  };
  const deps: DeliveryDeps = {
    submissions: repository,
    transfers: { get: async () => transfer },
    accounts: { account: async (licenseeId) => ({ licenseeId, system: 'biotrack-ny', stateLicenseNumber: 'LIC', identity: {} }), stateLicenseOf: async (p) => p.licenseNumber },
    systems: { 'biotrack-ny': system },
    metrics: {
      sent: () => {
        counts.sent += 1;
      },
      succeeded: () => {
        counts.succeeded += 1;
      },
      retried: () => {
        counts.retried += 1;
      },
      failed: (code) => void counts.failed.push(code),
    },
    now: () => new Date('2026-03-02T15:00:00.000Z'),
    random: () => 0.5,
    // Delivery must never wait in place: a call here is a failure of the test below.
    sleep: async (ms) => void slept.push(ms),
    maxReceiveCount: 5,
    quickRetries: 2,
    backoffCapSeconds: 900,
  };
  return { deps, stored, reported, counts, slept, ids, accounts, statuses };
}

const fail = (kind: 'transient' | 'permanent' | 'consent-expired', code: string, retryAfterMs?: number) => () => {
  throw new StateSystemError(kind, code, `${code} happened`, retryAfterMs === undefined ? {} : { retryAfterMs });
};

describe('delivering a transfer’s submissions', () => {
  it('delivers every open submission in lifecycle order, skips what succeeded, and keeps the state ids', async () => {
    const w = world({}, [submission(4, 'arrive'), submission(2, 'manifest', 'succeeded'), submission(3, 'ship')]);
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: true });
    expect(w.reported).toEqual(['ship', 'arrive']);
    expect([...w.stored.values()].every((s) => s.status === 'succeeded')).toBe(true);
    expect(w.ids).toEqual([{ inventoryTransferIds: [7] }]);
    expect(w.counts).toMatchObject({ sent: 2, succeeded: 2 });
  });

  it('stops at a transient failure, leaving later steps untouched, and asks for a backoff', async () => {
    const w = world({ ship: [fail('transient', 'SERVER_ERROR'), fail('transient', 'SERVER_ERROR'), fail('transient', 'SERVER_ERROR')] }, [submission(3, 'ship'), submission(4, 'arrive')]);
    const result = await deliverTransfer(w.deps, transfer.id, 2);
    expect(result).toEqual({ done: false, retryInSeconds: 4 });
    expect(w.reported).toEqual(['ship', 'ship', 'ship']);
    expect(w.stored.get(`${transfer.id}-3-ship`)).toMatchObject({ status: 'retrying', attempts: 1, lastError: { code: 'SERVER_ERROR' } });
    expect(w.stored.get(`${transfer.id}-4-arrive`)?.status).toBe('pending');
    expect(w.counts.retried).toBe(3);
  });

  it('retries a blip that asks for no wait at once, without sleeping, and then succeeds', async () => {
    const w = world({ ship: [fail('transient', 'SERVER_ERROR'), fail('transient', 'SERVER_ERROR')] }, [submission(3, 'ship'), submission(4, 'arrive')]);
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: true });
    expect(w.reported).toEqual(['ship', 'ship', 'ship', 'arrive']);
    expect(w.slept).toEqual([]);
    expect(w.stored.get(`${transfer.id}-3-ship`)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('sends even a short Retry-After back to the queue at once: the worker never waits in place', async () => {
    const w = world({ ship: [fail('transient', 'RATE_LIMITED', 1000)] }, [submission(3, 'ship'), submission(4, 'arrive')]);
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: false, retryInSeconds: 2 });
    expect(w.reported).toEqual(['ship']);
    expect(w.slept).toEqual([]);
    expect(w.stored.get(`${transfer.id}-3-ship`)).toMatchObject({ status: 'retrying', attempts: 1, lastError: { code: 'RATE_LIMITED' } });
    expect(w.stored.get(`${transfer.id}-4-arrive`)?.status).toBe('pending');
    // The next receive, after the wait, delivers both in order.
    expect(await deliverTransfer(w.deps, transfer.id, 2)).toEqual({ done: true });
    expect(w.reported).toEqual(['ship', 'ship', 'arrive']);
  });

  it('sends an unsettled create back to the queue for what is left of its settle window, not waiting for it', async () => {
    const unsettled = () => {
      throw new StateSystemError('transient', 'UNSETTLED', 'looking again in 3 s', { retryAfterMs: 2500, unsettledSince: '2026-03-02T14:59:58.000Z' });
    };
    const w = world({ ship: [unsettled] }, [submission(3, 'ship')]);
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: false, retryInSeconds: 3 });
    expect(w.slept).toEqual([]);
    expect(w.stored.get(`${transfer.id}-3-ship`)?.lastError).toMatchObject({ code: 'UNSETTLED', unsettledSince: '2026-03-02T14:59:58.000Z' });
  });

  it('sends a long Retry-After back to the queue for at least that long', async () => {
    const w = world({ ship: [fail('transient', 'RATE_LIMITED', 120_000)] }, [submission(3, 'ship')]);
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: false, retryInSeconds: 120 });
  });

  it('marks the last attempt dead-lettered and lets the message go to the DLQ at once', async () => {
    const w = world({ ship: [fail('transient', 'TIMEOUT'), fail('transient', 'TIMEOUT'), fail('transient', 'TIMEOUT')] }, [submission(3, 'ship')]);
    expect(await deliverTransfer(w.deps, transfer.id, 5)).toEqual({ done: false, retryInSeconds: 0 });
    expect(w.stored.get(`${transfer.id}-3-ship`)?.status).toBe('dead-lettered');
  });

  it('records a refusal for good, blocks the later steps, and is done (no retry storm)', async () => {
    const w = world({ ship: [fail('permanent', 'ALREADY_SHIPPED')] }, [submission(3, 'ship'), submission(4, 'arrive')]);
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: true });
    expect(w.reported).toEqual(['ship']);
    expect(w.stored.get(`${transfer.id}-3-ship`)).toMatchObject({ status: 'failed', lastError: { code: 'ALREADY_SHIPPED' } });
    expect(w.stored.get(`${transfer.id}-4-arrive`)).toMatchObject({ status: 'blocked', blockedBy: `${transfer.id}-3-ship` });
    expect(w.counts.failed).toEqual(['ALREADY_SHIPPED']);
    // Lists show the refusal, with the state's words, at once.
    expect(w.statuses.at(-1)).toMatchObject({ status: 'refused', step: 'ship', code: 'ALREADY_SHIPPED', message: 'ALREADY_SHIPPED happened' });
    // A later message for the same transfer changes nothing.
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: true });
    expect(w.reported).toEqual(['ship']);
  });

  it('parks on an expired consent, and delivers once it is back', async () => {
    const w = world({ ship: [fail('consent-expired', 'CONSENT_EXPIRED')] }, [submission(3, 'ship'), submission(4, 'arrive')]);
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: true });
    expect(w.stored.get(`${transfer.id}-3-ship`)?.status).toBe('consent-expired');
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: true });
    expect([...w.stored.values()].map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('carries the time of an unanswered try to the next attempts, so creates wait out its settle window', async () => {
    const unanswered = () => {
      throw new StateSystemError('transient', 'TIMEOUT', 'No answer', { unsettledSince: '2026-03-02T14:59:58.000Z' });
    };
    const w = world({ ship: [unanswered, fail('transient', 'SERVER_ERROR'), fail('transient', 'SERVER_ERROR')] }, [submission(3, 'ship')]);
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toMatchObject({ done: false });
    // The quick retries of the same receive already know; so does the stored submission.
    expect(w.accounts.map((a) => a.unsettledSince)).toEqual([undefined, '2026-03-02T14:59:58.000Z', '2026-03-02T14:59:58.000Z']);
    expect(w.stored.get(`${transfer.id}-3-ship`)?.lastError).toMatchObject({ code: 'SERVER_ERROR', unsettledSince: '2026-03-02T14:59:58.000Z' });

    const again = world({ ship: [unanswered, unanswered, unanswered] }, [submission(3, 'ship')]);
    await deliverTransfer(again.deps, transfer.id, 1);
    const stored = again.stored.get(`${transfer.id}-3-ship`);
    expect(stored?.lastError).toMatchObject({ code: 'TIMEOUT', unsettledSince: '2026-03-02T14:59:58.000Z' });
    const next = world({}, [stored ?? submission(3, 'ship')]);
    expect(await deliverTransfer(next.deps, transfer.id, 2)).toEqual({ done: true });
    expect(next.accounts[0]).toMatchObject({ retry: true, unsettledSince: '2026-03-02T14:59:58.000Z' });
  });

  it('keeps the ids a manifest report made before it was refused', async () => {
    const w = world({ manifest: [fail('permanent', 'INVALID_TIMES')] }, [submission(2, 'manifest')]);
    expect(await deliverTransfer(w.deps, transfer.id, 1)).toEqual({ done: true });
    expect(w.stored.get(`${transfer.id}-2-manifest`)).toMatchObject({ status: 'failed', lastError: { code: 'INVALID_TIMES' } });
    expect(w.ids).toEqual([{ invoiceId: 'I1' }]);
  });

  it('fails a submission for a state system without an adapter yet', async () => {
    const w = world({}, [{ ...submission(3, 'ship'), system: 'metrc' }]);
    await deliverTransfer(w.deps, transfer.id, 1);
    expect(w.stored.get(`${transfer.id}-3-ship`)).toMatchObject({ status: 'failed', lastError: { code: 'ADAPTER_NOT_AVAILABLE' } });
  });

  it('records a step a person must finish as awaiting-person: not retried, not failed, later steps wait behind it', async () => {
    const register = () => {
      throw new PersonStepRequired({
        action: 'Register template HUB-7K2Q',
        where: { menuPath: ['Transfers', 'Templates', 'Register'] },
        resultKey: 'HUB-7K2Q',
        deadline: '2026-03-02T15:00:00.000Z',
      });
    };
    const w = world({ manifest: [register] }, [{ ...submission(2, 'manifest'), system: 'metrc' }, { ...submission(3, 'ship'), system: 'metrc' }]);
    // A fake adapter for a system whose registration is a person's: BioTrack never asks for one.
    const deps: DeliveryDeps = { ...w.deps, systems: { metrc: w.deps.systems['biotrack-ny'] } };
    expect(await deliverTransfer(deps, transfer.id, 1)).toEqual({ done: true });
    expect(w.stored.get(`${transfer.id}-2-manifest`)).toMatchObject({
      status: 'awaiting-person',
      attempts: 1,
      awaitingPerson: {
        instruction: 'Register template HUB-7K2Q in Metrc: Transfers → Templates → Register',
        resultKey: 'HUB-7K2Q',
        deadline: '2026-03-02T15:00:00.000Z',
      },
    });
    expect(w.stored.get(`${transfer.id}-3-ship`)).toMatchObject({ status: 'blocked', blockedBy: `${transfer.id}-2-manifest` });
    expect(w.counts).toMatchObject({ retried: 0, failed: [], succeeded: 0 });
    expect(w.statuses.at(-1)).toMatchObject({
      status: 'awaiting-person',
      step: 'manifest',
      instruction: 'Register template HUB-7K2Q in Metrc: Transfers → Templates → Register',
      deadline: '2026-03-02T15:00:00.000Z',
      licenseeId: 'lic-hudson',
    });
    // A later message does not ask the state system again: the person's step is awaited, not retried.
    expect(await deliverTransfer(deps, transfer.id, 1)).toEqual({ done: true });
    expect(w.reported).toEqual(['manifest']);
  });
});
