import { describe, expect, it } from 'vitest';
import { judge } from '#shared/domain/reconciliation/judge.ts';
import { isStateSystemActor, receiptFromState, stateReceiptOf, stateReceiptRules, stateSystemActor } from '#shared/domain/reconciliation/state-receipt.ts';
import { defaultTransferRules, receive } from '#shared/domain/transfer/index.ts';
import type { Transfer } from '#shared/domain/transfer/index.ts';
import { recordedReceiptPage } from '#shared/receipt-links/page.ts';
import { recordInStateSystem, receivingSheet } from '#shared/receipts/receiving-sheet.ts';
import { metrcSystem } from '#shared/state-system/capabilities.ts';
import { metrcCapabilities } from '#shared/state-system/metrc/capabilities.ts';
import { receivingPlaceOf } from '#shared/state-system/receiving.ts';
import { submissionsOwed } from '#shared/submissions/planning.ts';
import { arrived, biotrackTag, expectOk, inTransit, minutesAfter, receiptFor, receiveContext, received, receiverActor, shipper } from './fixtures.ts';

const [TAG1, TAG2] = [biotrackTag(1), biotrackTag(2)];
const SEEN = minutesAfter(300);

/** The fixture's transfer as if its parties were on Metrc; `receiverOnHub`: the receiver a tenant there too. */
function onMetrc(transfer: Transfer, receiverOnHub: boolean, stateManifestNumber?: string): Transfer {
  const manifest = transfer.manifest;
  if (!manifest) throw new Error('not manifested');
  const { receiver } = manifest.parties;
  return {
    ...transfer,
    ...(stateManifestNumber ? { stateManifestNumber } : {}),
    manifest: {
      ...manifest,
      parties: {
        ...manifest.parties,
        shipper: { ...shipper, stateSystem: metrcSystem },
        receiver: receiverOnHub ? { ...receiver, stateSystem: metrcSystem } : (({ licenseeId: _l, ...rest }) => rest)(receiver),
      },
    },
  };
}

const stateReceived = (packages: { tag: string; accepted: boolean; receivedQuantity: number }[], at = '2026-03-02T18:30:00.000Z') =>
  stateReceiptOf({ kind: 'received', at, packages }, SEEN);

describe('the receipt as the state system shows it', () => {
  it('is recorded through the receipt transition, by the state system, rejections and the state’s variance as they are', () => {
    const transfer = onMetrc(arrived(), true);
    // 20 of 24 is a 17% variance: the state took it, so the hub records it as it is.
    const receipt = stateReceived([
      { tag: TAG1, accepted: true, receivedQuantity: 20 },
      { tag: TAG2, accepted: false, receivedQuantity: 0 },
    ]);
    expect(receipt.packages).toEqual([
      { tag: TAG1, outcome: 'accepted', quantity: 20 },
      { tag: TAG2, outcome: 'rejected', quantity: 0 },
    ]);
    const body = receiptFromState(transfer, receipt, 'Metrc', SEEN);
    if (!body) throw new Error('no body');
    const actor = stateSystemActor(transfer, metrcSystem);
    expect(actor).toEqual({ licenseeId: receiverActor.licenseeId, apiKeyId: 'state-system:metrc' });
    expect(isStateSystemActor(actor)).toBe(true);
    const refused = receive(transfer, body, { ...receiveContext(SEEN), actor });
    expect(refused.ok).toBe(false);
    const change = expectOk(receive(transfer, body, { ...receiveContext(SEEN), actor, rules: stateReceiptRules(defaultTransferRules), stateSystem: metrcCapabilities }));
    expect(change.transfer.status).toBe('PARTIALLY_ACCEPTED');
    expect(change.transfer.receipt?.at).toBe('2026-03-02T18:30:00.000Z');
    expect(change.transfer.receipt?.lines).toMatchObject([
      { tag: TAG1, outcome: 'accepted', acceptedQuantity: 20, varianceConfirmed: true },
      { tag: TAG2, outcome: 'rejected', reason: 'other', note: 'Rejected in Metrc; the state system gives the hub no reason' },
    ]);
    expect(change.event.actor).toEqual(actor);
    // What the state shows is now the hub's receipt: nothing differs.
    expect(judge(change.transfer, { kind: 'received', packages: [{ tag: TAG1, accepted: true, receivedQuantity: 20 }, { tag: TAG2, accepted: false, receivedQuantity: 0 }] }, SEEN).discrepancies).toEqual([]);
    // It owes the state system no receipt (the state has it): only the shipper's taking the rejected package back.
    expect(submissionsOwed(change)).toMatchObject([{ step: 'take-back', status: 'pending', licenseeId: shipper.licenseeId, system: metrcSystem }]);
    // A receipt from the state that rejects nothing owes nothing at all.
    const whole = receiptFromState(transfer, stateReceived([{ tag: TAG1, accepted: true, receivedQuantity: 24 }, { tag: TAG2, accepted: true, receivedQuantity: 12 }]), 'Metrc', SEEN);
    if (!whole) throw new Error('no body');
    expect(submissionsOwed(expectOk(receive(transfer, whole, { ...receiveContext(SEEN), actor, rules: stateReceiptRules(defaultTransferRules), stateSystem: metrcCapabilities })))).toEqual([]);
  });

  it('keeps its time between the departure and now, and takes no receipt of other packages', () => {
    const transfer = onMetrc(inTransit(), false);
    const early = receiptFromState(transfer, stateReceived([{ tag: TAG1, accepted: true, receivedQuantity: 24 }, { tag: TAG2, accepted: true, receivedQuantity: 12 }], '2026-03-01T00:00:00.000Z'), 'Metrc', SEEN);
    expect(early?.at).toBe(new Date(Date.parse(transfer.departedAt ?? '') + 1).toISOString());
    const late = receiptFromState(transfer, stateReceived([{ tag: TAG1, accepted: true, receivedQuantity: 24 }, { tag: TAG2, accepted: true, receivedQuantity: 12 }], '2027-01-01T00:00:00.000Z'), 'Metrc', SEEN);
    expect(late?.at).toBe(SEEN.toISOString());
    expect(receiptFromState(transfer, stateReceived([{ tag: TAG1, accepted: true, receivedQuantity: 24 }]), 'Metrc', SEEN)).toBeUndefined();
    expect(receiptFromState(transfer, stateReceived([{ tag: TAG1, accepted: true, receivedQuantity: 24 }, { tag: biotrackTag(9), accepted: true, receivedQuantity: 12 }]), 'Metrc', SEEN)).toBeUndefined();
  });
});

describe('a receipt a person must still record in the state system', () => {
  const answers = {
    [TAG1]: { tag: TAG1, outcome: 'accepted' as const, acceptedQuantity: 23, confirmVariance: true },
    [TAG2]: { tag: TAG2, outcome: 'rejected' as const, reason: 'damaged' as const, note: 'Crushed carton' },
  };

  it('is awaited from the receiver on the hub, or from the shipper when the receiver is not on it; never for a system that takes the receipt by API', () => {
    for (const [receiverOnHub, owner] of [[true, receiverActor.licenseeId], [false, shipper.licenseeId]] as const) {
      const transfer = onMetrc(arrived(), receiverOnHub);
      const change = expectOk(receive(transfer, receiptFor(transfer, answers), { ...receiveContext(minutesAfter(240)), stateSystem: metrcCapabilities }));
      // The rejected package is the shipper's to take back in Metrc, behind the receipt (same version, later step).
      expect(submissionsOwed(change)).toMatchObject([
        { step: 'receive', status: 'pending', licenseeId: owner, system: metrcSystem },
        { step: 'take-back', status: 'pending', licenseeId: shipper.licenseeId, system: metrcSystem },
      ]);
    }
    // The fixture's shipper is on BioTrack and its receiver on none: the API receipt owes nothing to anyone.
    expect(submissionsOwed(received(answers))).toEqual([]);
  });

  it('has a receiving sheet in the state system’s words: per package what to enter, accept or reject, the reason', () => {
    const transfer = onMetrc(arrived(), false, '0000000007');
    const change = expectOk(receive(transfer, receiptFor(transfer, answers), { ...receiveContext(minutesAfter(240)), stateSystem: metrcCapabilities }));
    const place = receivingPlaceOf(change.transfer);
    expect(place).toEqual({ system: metrcSystem, displayName: 'Metrc', menuPath: ['Transfers', 'Licensed', 'Incoming'] });
    if (!place) throw new Error('no place');
    const sheet = receivingSheet(change.transfer, place);
    expect(sheet).toMatchObject({ stateManifestNumber: '0000000007', stateSystem: 'Metrc', receive: 'manifest 0000000007' });
    expect(sheet.instruction).toBe('Receive manifest 0000000007 in Metrc: Transfers → Licensed → Incoming, and enter for each package what this sheet says');
    expect(sheet.packages).toEqual([
      {
        tag: TAG1,
        productName: 'Blue Dream 3.5 g jar',
        shipped: { quantity: 24, unit: 'each' },
        decision: 'accept',
        receivedQuantity: 23,
        confirmVariance: true,
        enter: `${TAG1}: accept; received 23 each of 24 each shipped, and confirm the variance`,
      },
      expect.objectContaining({ tag: TAG2, decision: 'reject', reason: 'Damaged: Crushed carton', enter: `${TAG2}: reject; reason "Damaged: Crushed carton"` }),
    ]);
    expect(recordInStateSystem(sheet)).toBe('Now record this in Metrc: receive manifest 0000000007 under Transfers → Licensed → Incoming, entering for each package:');
    // Before the hub knows the state's number, the sheet names the shipper and the hub's number.
    const { stateManifestNumber: _n, ...unnumberedTransfer } = change.transfer;
    const unnumbered = receivingSheet(unnumberedTransfer, place);
    expect(unnumbered.receive).toBe(`the transfer from ${shipper.legalName} (hub manifest ${change.transfer.manifest?.number ?? ''})`);
    // A system whose receipt the hub reports by API has no sheet.
    expect(receivingPlaceOf(received(answers).transfer)).toBeUndefined();

    // The recorded-receipt page ends with what to enter in Metrc; not for a system that takes the receipt from the hub.
    const page = recordedReceiptPage(change.transfer, 'n0nce', '/r/x/receipt.pdf').html;
    expect(page).toContain('<h2>Now record this in Metrc</h2>');
    expect(page).toContain('Now record this in Metrc: receive manifest 0000000007 under Transfers → Licensed → Incoming, entering for each package:');
    expect(page).toContain(`<li><span class="tag">${TAG2}</span>: reject; reason &quot;Damaged: Crushed carton&quot;</li>`);
    expect(recordedReceiptPage(received(answers).transfer, 'n0nce', '/r/x/receipt.pdf').html).not.toContain('Now record this in');
  });
});
