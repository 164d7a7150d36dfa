/**
 * The worker's hook for the state's manifest number: called once a drain keeps a number the
 * transfer does not record (before the step shows as recorded), not again once it does, and tried
 * again by the next drain after a failure.
 */
import { describe, expect, it } from 'vitest';
import type { StoredSubmission, SubmissionRepository } from '#shared/submissions/repository.ts';
import { deliverTransfer } from '#shared/submissions/deliver.ts';
import type { DeliveryDeps } from '#shared/submissions/deliver.ts';
import type { StateFacts, StateRefs, StateTrackingSystem } from '#shared/state-system/port.ts';
import type { Transfer } from '#shared/domain/transfer/index.ts';
import { manifested } from '../domain/fixtures.ts';

const STATE_NUMBER = '4409871236540021';

function world(hook: (transferId: string, number: string) => Promise<void>) {
  let transfer: Transfer = manifested();
  const manifestSubmission: StoredSubmission = {
    id: `${transfer.id}-000002-manifest`,
    transferId: transfer.id,
    sequence: 2,
    step: 'manifest',
    licenseeId: 'lic-hudson',
    system: 'biotrack-ny',
    status: 'pending',
    attempts: 0,
    createdAt: '2026-03-02T14:00:00.000Z',
    updatedAt: '2026-03-02T14:00:00.000Z',
    version: 1,
  };
  const stored = new Map([[manifestSubmission.id, manifestSubmission]]);
  let kept: { refs: StateRefs; facts?: StateFacts } = { refs: {} };
  const factsOf = (refs: StateRefs): StateFacts => ({ objectKeys: [], followUp: false, ...(typeof refs['manifestId'] === 'string' ? { manifestNumber: refs['manifestId'] } : {}) });
  const system = {
    factsOf,
    reportManifest: async () => ({ manifestId: STATE_NUMBER }),
  } as unknown as StateTrackingSystem;
  const repository = {
    list: async () => [...stored.values()],
    save: async (next) => (stored.set(next.id, next), true),
    stateRefs: async () => ({ refs: kept.refs, ...(kept.facts?.manifestNumber ? { manifestNumber: kept.facts.manifestNumber } : {}), openDiscrepancies: 0 }),
    saveStateRefs: async (_id, _owner, changed, facts) => void (kept = { refs: { ...kept.refs, ...changed }, facts }),
    saveStatus: async () => undefined,
  } as Partial<SubmissionRepository> as SubmissionRepository;
  const calls: string[] = [];
  /** The manifest submission's status each time the hook was called. */
  const seen: string[] = [];
  const deps: DeliveryDeps = {
    submissions: repository,
    transfers: { get: async () => transfer },
    accounts: { account: async (licenseeId) => ({ licenseeId, system: 'biotrack-ny', stateLicenseNumber: 'LIC', identity: {} }), stateLicenseOf: async (p) => p.licenseNumber },
    systems: { 'biotrack-ny': system },
    metrics: { sent: () => undefined, succeeded: () => undefined, failed: () => undefined, retried: () => undefined },
    now: () => new Date('2026-03-02T15:00:00.000Z'),
    random: () => 0.5,
    sleep: async () => undefined,
    maxReceiveCount: 5,
    quickRetries: 0,
    backoffCapSeconds: 900,
    onStateManifestNumber: async (transferId, number) => {
      calls.push(number);
      seen.push(stored.get(manifestSubmission.id)?.status ?? '');
      await hook(transferId, number);
      transfer = { ...transfer, stateManifestNumber: number };
    },
  };
  return { deps, calls, seen, transferId: transfer.id, stored };
}

describe('the state manifest number hook of the worker', () => {
  it('is called once when the manifest report gains a number, before the step shows as recorded, and not by later drains', async () => {
    const w = world(async () => undefined);
    expect(await deliverTransfer(w.deps, w.transferId, 1)).toEqual({ done: true });
    expect(w.calls).toEqual([STATE_NUMBER]);
    // Whoever waits for the manifest's verdict finds the numbered version committed already.
    expect(w.seen).toEqual(['pending']);
    expect(await deliverTransfer(w.deps, w.transferId, 1)).toEqual({ done: true });
    expect(w.calls).toEqual([STATE_NUMBER]);
  });

  it('keeps the accepted submission when the hook fails, and the next drain tries again', async () => {
    let failures = 1;
    const w = world(async () => {
      if (failures-- > 0) throw new Error('documents bucket unavailable');
    });
    expect(await deliverTransfer(w.deps, w.transferId, 1)).toEqual({ done: true });
    expect([...w.stored.values()].map((s) => s.status)).toEqual(['succeeded']);
    expect(w.calls).toEqual([STATE_NUMBER]);
    // A redelivery (or the next step's drain) finds the number kept but not on the transfer.
    expect(await deliverTransfer(w.deps, w.transferId, 1)).toEqual({ done: true });
    expect(w.calls).toEqual([STATE_NUMBER, STATE_NUMBER]);
    expect(await deliverTransfer(w.deps, w.transferId, 1)).toEqual({ done: true });
    expect(w.calls).toHaveLength(2);
  });
});
