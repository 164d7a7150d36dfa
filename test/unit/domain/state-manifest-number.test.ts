/**
 * The state system's manifest number on the hub's manifest: a new version that prints it before
 * departure, the number recorded on the transfer after, nothing twice, and nothing owed the state.
 */
import { describe, expect, it } from 'vitest';
import { plannedSubmissions } from '#shared/domain/submission/submission.ts';
import { amend, recordStateManifestNumber, voidTransfer, withReceiptLink } from '#shared/domain/transfer/index.ts';
import type { Transfer } from '#shared/domain/transfer/index.ts';
import { arrived, context, draft, expectOk, inTransit, manifested, minutesAfter, parties, problemsOf } from './fixtures.ts';

const STATE_NUMBER = '1234567890123456';
const system = { licenseeId: 'lic-hudson', apiKeyId: 'state-system' };
const later = context(minutesAfter(5), { actor: system });
const everyStepReported = () => true;

describe('recording the state system’s manifest number', () => {
  it('issues the next version with the same content and parties that carries the number', () => {
    const before = manifested();
    const numbered = expectOk(recordStateManifestNumber(before, STATE_NUMBER, later));
    expect(numbered.kind).toBe('new-version');
    if (numbered.kind === 'unchanged') return;
    const { transfer, event } = numbered;

    expect(transfer.status).toBe('MANIFESTED');
    expect(transfer.version).toBe(before.version + 1);
    expect(transfer.content).toEqual(before.content);
    expect(transfer.stateManifestNumber).toBe(STATE_NUMBER);
    expect(transfer.manifest).toMatchObject({
      number: before.manifest?.number,
      version: 2,
      manifestedAt: minutesAfter(5).toISOString(),
      stateManifestNumber: STATE_NUMBER,
      onlyAddsStateNumber: true,
      parties: before.manifest?.parties,
    });
    // What the new version prints differs by the number, and its hash vouches for it.
    expect(transfer.manifest?.contentHash).not.toBe(before.manifest?.contentHash);
    const { lines: _lines, ...terms } = before.content;
    expect(transfer.manifestHistory).toEqual([{ manifest: before.manifest, terms }]);
    expect(event).toMatchObject({ action: 'record-state-manifest-number', from: 'MANIFESTED', to: 'MANIFESTED', sequence: transfer.version, actor: system });
    expect(event.summary).toBe(`The state system recorded manifest ${before.manifest?.number ?? ''} as ${STATE_NUMBER}; version 2 carries its number`);
  });

  it('owes the state system nothing and is no amendment of the shipper’s', () => {
    const numbered = expectOk(recordStateManifestNumber(manifested(), STATE_NUMBER, later));
    if (numbered.kind === 'unchanged') expect.fail('expected a change');
    expect(plannedSubmissions(numbered, everyStepReported)).toEqual([]);
    expect(numbered.event.action).not.toBe('amend');
    // An amendment after it still owes its report, and keeps printing the state's number.
    const amended = expectOk(amend(numbered.transfer, { plannedRoute: 'Taconic Pkwy S' }, parties, context(minutesAfter(10))));
    expect(amended.transfer.manifest).toMatchObject({ version: 3, stateManifestNumber: STATE_NUMBER });
    // An amendment says more than the state's number: a copy of an earlier version is outdated.
    expect(amended.transfer.manifest?.onlyAddsStateNumber).toBeUndefined();
    expect(plannedSubmissions(amended, everyStepReported).map((s) => s.step)).toEqual(['amend']);
  });

  it('changes nothing when the current version already carries that number', () => {
    const numbered = expectOk(recordStateManifestNumber(manifested(), STATE_NUMBER, later));
    if (numbered.kind === 'unchanged') expect.fail('expected a change');
    expect(expectOk(recordStateManifestNumber(numbered.transfer, STATE_NUMBER, context(minutesAfter(6))))).toEqual({ ok: true, kind: 'unchanged' });
    expect(expectOk(recordStateManifestNumber(numbered.transfer, ` ${STATE_NUMBER} `, context(minutesAfter(6)))).kind).toBe('unchanged');
    // Another number from the state is another version.
    const renumbered = expectOk(recordStateManifestNumber(numbered.transfer, '6543210987654321', context(minutesAfter(7))));
    expect(renumbered.kind === 'unchanged' ? undefined : renumbered.transfer.manifest?.version).toBe(3);
  });

  it('issues no version once the shipment left: the number is recorded on the transfer, and the event says so', () => {
    for (const left of [inTransit(), arrived()]) {
      const recorded = expectOk(recordStateManifestNumber(left, STATE_NUMBER, context(minutesAfter(300), { actor: system })));
      if (recorded.kind === 'unchanged') expect.fail('expected a change');
      expect(recorded.kind).toBe('recorded');
      expect(recorded.transfer.manifest).toEqual(left.manifest);
      expect(recorded.transfer.manifestHistory).toEqual(left.manifestHistory);
      expect(recorded.transfer).toMatchObject({ status: left.status, version: left.version + 1, stateManifestNumber: STATE_NUMBER });
      expect(recorded.event).toMatchObject({ action: 'record-state-manifest-number', from: left.status, to: left.status });
      expect(recorded.event.summary).toContain('no new version was issued');
      expect(plannedSubmissions(recorded, everyStepReported)).toEqual([]);
      expect(expectOk(recordStateManifestNumber(recorded.transfer, STATE_NUMBER, context(minutesAfter(301)))).kind).toBe('unchanged');
    }
  });

  it('issues no version of a void manifest', () => {
    const voided = expectOk(voidTransfer(manifested(), { reason: 'Order cancelled' }, context(minutesAfter(2)))).transfer;
    const recorded = expectOk(recordStateManifestNumber(voided, STATE_NUMBER, later));
    expect(recorded.kind).toBe('recorded');
    if (recorded.kind !== 'unchanged') expect(recorded.event.summary).toContain('the manifest is void');
  });

  it('keeps the receipt link the receiver holds, and issues none', () => {
    const linked = withReceiptLink(manifested(), 'link-1', { now: minutesAfter(1), validForMs: 86_400_000 });
    const numbered = expectOk(recordStateManifestNumber(linked, STATE_NUMBER, later));
    if (numbered.kind === 'unchanged') expect.fail('expected a change');
    expect(numbered.transfer.receiptLink).toEqual(linked.receiptLink);
    expect(numbered.transfer.manifest?.receiptLinkId).toBe('link-1');
  });

  it('is refused for a transfer never manifested, and for an empty number', () => {
    expect(problemsOf(recordStateManifestNumber(draft(), STATE_NUMBER, later)).map((p) => p.code)).toEqual(['not-manifested']);
    expect(problemsOf(recordStateManifestNumber(manifested(), '  ', later)).map((p) => p.code)).toEqual(['state-manifest-number-empty']);
  });

  it('keeps the transfer it numbers unchanged', () => {
    const before: Transfer = manifested();
    const copy = structuredClone(before);
    recordStateManifestNumber(before, STATE_NUMBER, later);
    expect(before).toEqual(copy);
  });
});
