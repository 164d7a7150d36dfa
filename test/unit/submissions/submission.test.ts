import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffSeconds, recordOutcome, submissionId } from '#shared/domain/submission/submission.ts';
import { submissionsOwed } from '#shared/submissions/planning.ts';
import { packageTagFormatOf } from '#shared/state-system/capabilities.ts';
import type { Submission } from '#shared/domain/submission/submission.ts';
import { amend, arrive, depart, discard, manifest, receive, voidTransfer } from '#shared/domain/transfer/index.ts';
import type { Change, PartiesSnapshot, PartySnapshot, Transfer } from '#shared/domain/transfer/index.ts';
import {
  RECEIVED_AT,
  arrived,
  context,
  draft,
  expectOk,
  inTransit,
  manifestContext,
  manifested,
  minutesAfter,
  parties,
  receiptFor,
  receiveContext,
  receiver,
  receiverActor,
  shipperActor,
} from '../domain/fixtures.ts';

const integratedReceiver: PartySnapshot = { ...receiver, stateSystem: 'biotrack-ny' };
const withParties = (transfer: Transfer, overrides: Partial<PartiesSnapshot>): Transfer => {
  const manifest = transfer.manifest;
  if (!manifest) throw new Error('not manifested');
  return { ...transfer, manifest: { ...manifest, parties: { ...manifest.parties, ...overrides } } };
};
const steps = (change: Change) => submissionsOwed(change).map((s) => [s.step, s.licenseeId]);

describe('which transitions owe the state system a submission', () => {
  it('reports the shipper’s manifest, amendment, shipment, arrival and void, as the shipper, with the acting key', () => {
    const manifestedChange = expectOk(manifest(draft(), parties, manifestContext()));
    const [submission] = submissionsOwed(manifestedChange);
    expect(submission).toMatchObject({
      id: submissionId(manifestedChange.transfer.id, 2, 'manifest'),
      step: 'manifest',
      sequence: 2,
      licenseeId: shipperActor.licenseeId,
      actingApiKeyId: shipperActor.apiKeyId,
      system: 'biotrack-ny',
      status: 'pending',
      attempts: 0,
      version: 1,
    });
    expect(steps(expectOk(amend(manifested(), { plannedRoute: 'US-9' }, { drivers: parties.drivers, ...(parties.vehicle ? { vehicle: parties.vehicle } : {}) }, context(minutesAfter(5)))))).toEqual([
      ['amend', shipperActor.licenseeId],
    ]);
    expect(steps(expectOk(depart(manifested(), {}, context(minutesAfter(30)))))).toEqual([['ship', shipperActor.licenseeId]]);
    expect(steps(expectOk(arrive(inTransit(), {}, context(minutesAfter(200)))))).toEqual([['arrive', shipperActor.licenseeId]]);
    expect(steps(expectOk(voidTransfer(manifested(), { reason: 'Wrong van' }, context(minutesAfter(10)))))).toEqual([['void', shipperActor.licenseeId]]);
  });

  it('reports nothing for drafts, discards, or a shipper without a state system', () => {
    expect(submissionsOwed(expectOk(discard(draft(), context())))).toEqual([]);
    const offline = { ...parties, shipper: { ...parties.shipper, stateSystem: 'none' as const } };
    expect(submissionsOwed(expectOk(manifest(draft(), offline, manifestContext())))).toEqual([]);
  });

  it('reports a receipt as the receiver only when the receiver is an integrated tenant and the state system knows the transfer', () => {
    const answer = (transfer: Transfer) => expectOk(receive(transfer, receiptFor(transfer), receiveContext(RECEIVED_AT, { actor: receiverActor })));
    // The fixture receiver is not integrated: it confirms receipt outside the state system.
    expect(submissionsOwed(answer(arrived()))).toEqual([]);
    const integrated = withParties(arrived(), { receiver: integratedReceiver });
    const [receipt] = submissionsOwed(answer(integrated));
    expect(receipt).toMatchObject({ step: 'receive', licenseeId: receiverActor.licenseeId, actingApiKeyId: receiverActor.apiKeyId });
    const unknownToTheState = withParties(integrated, { shipper: { ...parties.shipper, stateSystem: 'none' } });
    expect(submissionsOwed(answer(unknownToTheState))).toEqual([]);
    const notATenant: PartySnapshot = { ...integratedReceiver };
    delete (notATenant as { licenseeId?: string }).licenseeId;
    expect(submissionsOwed(answer(withParties(arrived(), { receiver: notATenant })))).toEqual([]);
  });

  it('owes nothing for a step the system only lets the hub observe: a Metrc shipper reports its manifest, not its trip; the receipt awaits the receiver in Metrc', () => {
    const onMetrc = { ...parties, shipper: { ...parties.shipper, stateSystem: 'metrc' }, receiver: { ...integratedReceiver, stateSystem: 'metrc' } };
    const metrcContext = manifestContext({ shipperTags: packageTagFormatOf('metrc') });
    const metrcLines = draft().content.lines.map((l, i) => ({ ...l, tag: `1A4${String(i + 1).padStart(21, '0')}` }));
    const drafted = { ...draft(), content: { ...draft().content, lines: metrcLines } };
    const manifestedOnMetrc = expectOk(manifest(drafted, onMetrc, metrcContext));
    expect(submissionsOwed(manifestedOnMetrc).map((s) => [s.step, s.system])).toEqual([['manifest', 'metrc']]);
    const departed = expectOk(depart(manifestedOnMetrc.transfer, {}, context(minutesAfter(30))));
    expect(submissionsOwed(departed)).toEqual([]);
    const arrivedOnMetrc = expectOk(arrive(departed.transfer, {}, context(minutesAfter(200))));
    expect(submissionsOwed(arrivedOnMetrc)).toEqual([]);
    const received = expectOk(receive(arrivedOnMetrc.transfer, receiptFor(arrivedOnMetrc.transfer), receiveContext(RECEIVED_AT, { actor: receiverActor })));
    // A person receives in Metrc's app: the receiver's submission waits for that (its adapter says what to do).
    expect(submissionsOwed(received).map((s) => [s.step, s.system, s.licenseeId])).toEqual([['receive', 'metrc', receiverActor.licenseeId]]);
  });

  it('leaves the acting key out when a transporter, not the reporting licensee, made the change', () => {
    const change = expectOk(depart(manifested(), {}, { ...context(minutesAfter(30)), actor: { licenseeId: 'carrier', apiKeyId: 'key-carrier' } }));
    expect(submissionsOwed(change)[0]).not.toHaveProperty('actingApiKeyId');
  });
});

const pending = (sequence: number, overrides: Partial<Submission> = {}): Submission => ({
  id: `t-${sequence}`,
  transferId: 't',
  sequence,
  step: 'ship',
  licenseeId: 'l',
  system: 'biotrack-ny',
  status: 'pending',
  attempts: 0,
  createdAt: '2026-03-02T14:00:00.000Z',
  updatedAt: '2026-03-02T14:00:00.000Z',
  version: 1,
  ...overrides,
});

describe('delivery outcomes', () => {
  const at = '2026-03-02T15:00:00.000Z';
  it('records each outcome with one more attempt and one more version', () => {
    expect(recordOutcome(pending(2), { kind: 'succeeded' }, at)).toMatchObject({ status: 'succeeded', attempts: 1, version: 2, succeededAt: at });
    const error = { code: 'SERVER_ERROR', message: 'down', status: 503 };
    expect(recordOutcome(pending(2), { kind: 'transient', error, lastAttempt: false }, at)).toMatchObject({ status: 'retrying', attempts: 1, lastError: { ...error, at } });
    expect(recordOutcome(pending(2), { kind: 'transient', error, lastAttempt: true }, at).status).toBe('dead-lettered');
    expect(recordOutcome(pending(2), { kind: 'permanent', error: { code: 'NOT_FOUND', message: 'x' } }, at)).toMatchObject({ status: 'failed', lastError: { code: 'NOT_FOUND' } });
    expect(recordOutcome(pending(2), { kind: 'consent-expired', error: { code: 'CONSENT_EXPIRED', message: 'x' } }, at).status).toBe('consent-expired');
    const blocked = recordOutcome(pending(3), { kind: 'blocked', by: 't-2' }, at);
    expect(blocked).toMatchObject({ status: 'blocked', blockedBy: 't-2', attempts: 0 });
    expect(recordOutcome(blocked, { kind: 'succeeded' }, at)).not.toHaveProperty('blockedBy');
  });

  it('backs off exponentially with jitter, within the cap, and never shorter than a Retry-After', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.option(fc.integer({ min: 0, max: 2_000_000 })), (attempt, random, retryAfter) => {
        const seconds = backoffSeconds(attempt, random, retryAfter ?? undefined, 900);
        expect(seconds).toBeGreaterThanOrEqual(1);
        expect(seconds).toBeLessThanOrEqual(900);
        expect(seconds).toBeLessThanOrEqual(Math.max(Math.min(900, 2 ** attempt * 2), Math.ceil((retryAfter ?? 0) / 1000)));
        if (retryAfter !== null) expect(seconds).toBeGreaterThanOrEqual(Math.min(900, Math.ceil(retryAfter / 1000)));
      }),
    );
  });
});
