import { describe, expect, it } from 'vitest';
import { packageTagFormatOf } from '#shared/state-system/capabilities.ts';
import { manifest, payloadHash, receive, returnDraftFrom, updateDraft } from '#shared/domain/transfer/index.ts';
import type { ReceiptBody, ReturnContext, Transfer } from '#shared/domain/transfer/index.ts';
import {
  RECEIVED_AT,
  arrived,
  biotrackTag,
  context,
  draftBody,
  draftContext,
  expectOk,
  expectRefused,
  inTransit,
  line,
  manifestContext,
  minutesAfter,
  parties,
  pointersOf,
  problemsOf,
  receiptFor,
  receiveContext,
  received,
  receiver,
  receiverActor,
  shipper,
  withRules,
} from './fixtures.ts';

const [first, second] = [biotrackTag(1), biotrackTag(2)];
const rejected = (tag: string, reason: 'damaged' | 'other' = 'damaged', note?: string): ReceiptBody['lines'][number] => ({
  tag,
  outcome: 'rejected',
  reason,
  ...(note === undefined ? {} : { note }),
});
const accepted = (tag: string, acceptedQuantity: number, confirmVariance?: boolean): ReceiptBody['lines'][number] => ({
  tag,
  outcome: 'accepted',
  acceptedQuantity,
  ...(confirmVariance === undefined ? {} : { confirmVariance }),
});

/** Arrived with one bulk line of 100 g, to try variances on. */
const bulkArrived = () => arrived(draftBody({ lines: [line({ unit: 'g', quantity: 100, netWeight: undefined, grossWeight: undefined })] }));
const receiveBulk = (answer: ReceiptBody['lines'][number], rules = withRules({})) => {
  const transfer = bulkArrived();
  return receive(transfer, receiptFor(transfer, { [first]: answer }), receiveContext(RECEIVED_AT, { rules }));
};

describe('receive', () => {
  it('accepts everything: ACCEPTED, with the receipt in manifest order', () => {
    const transfer = arrived();
    const body = { ...receiptFor(transfer), lines: [...receiptFor(transfer).lines].reverse() };
    const { transfer: after, event } = expectOk(receive(transfer, body, receiveContext(RECEIVED_AT)));

    expect(after.status).toBe('ACCEPTED');
    expect(after.version).toBe(transfer.version + 1);
    expect(after.receipt).toEqual({
      at: RECEIVED_AT.toISOString(),
      receivedBy: { name: 'Sam Lee', title: 'Inventory manager' },
      lines: [
        { tag: first, outcome: 'accepted', unit: 'each', shippedQuantity: 24, acceptedQuantity: 24, varianceConfirmed: false },
        { tag: second, outcome: 'accepted', unit: 'each', shippedQuantity: 12, acceptedQuantity: 12, varianceConfirmed: false },
      ],
    });
    expect(event).toMatchObject({ action: 'receive', from: 'ARRIVED', to: 'ACCEPTED', actor: receiverActor, summary: 'Received: 2 accepted, 0 rejected' });
    expect(event.payloadHash).toBe(payloadHash(after.receipt));
  });

  it('accepts some and rejects others: PARTIALLY_ACCEPTED', () => {
    const { transfer } = received({ [second]: rejected(second, 'other', 'Jars arrived open') });

    expect(transfer.status).toBe('PARTIALLY_ACCEPTED');
    expect(transfer.receipt?.lines[1]).toEqual({ tag: second, outcome: 'rejected', unit: 'each', shippedQuantity: 12, reason: 'other', note: 'Jars arrived open' });
  });

  it('rejects everything: REJECTED', () => {
    expect(received({ [first]: rejected(first), [second]: rejected(second) }).transfer.status).toBe('REJECTED');
  });

  it('counts a package accepted with a confirmed shortfall as accepted', () => {
    const { transfer } = received({ [first]: accepted(first, 23, true) });

    expect(transfer.status).toBe('ACCEPTED');
    expect(transfer.receipt?.lines[0]).toMatchObject({ acceptedQuantity: 23, varianceConfirmed: true });
  });

  describe('variance', () => {
    it('up to 5% needs the receiver to confirm it', () => {
      expect(problemsOf(receiveBulk(accepted(first, 96)))).toEqual([
        {
          pointer: '/lines/0/confirmVariance',
          code: 'variance-unconfirmed',
          message: 'Received 96 g of 100 g shipped (4% off): send confirmVariance: true to accept a quantity other than the one shipped',
        },
      ]);
      expect(pointersOf(receiveBulk(accepted(first, 96, false)))).toEqual(['/lines/0/confirmVariance']);
      expect(receiveBulk(accepted(first, 96, true)).ok).toBe(true);
    });

    it('of exactly 5%, short or over, is accepted with confirmation', () => {
      expect(receiveBulk(accepted(first, 95, true)).ok).toBe(true);
      expect(receiveBulk(accepted(first, 105, true)).ok).toBe(true);
    });

    it('above 5% is refused even when confirmed, explaining what to do instead', () => {
      expect(problemsOf(receiveBulk(accepted(first, 94.999, true)))).toEqual([
        {
          pointer: '/lines/0/acceptedQuantity',
          code: 'variance-too-large',
          message:
            'Received 94.999 g of 100 g shipped (5.001% off): more than 5% cannot be accepted. Reject the package, or accept the shipped quantity and open a return for the difference',
        },
      ]);
      expect(pointersOf(receiveBulk(accepted(first, 110, true)))).toEqual(['/lines/0/acceptedQuantity']);
    });

    it('follows the configured threshold, and only needs confirmation when the rule is off', () => {
      expect(receiveBulk(accepted(first, 91, true), withRules({ receivingVariance: { enabled: true, threshold: 0.1 } })).ok).toBe(true);
      const off = withRules({ receivingVariance: { enabled: false, threshold: 0.05 } });
      expect(receiveBulk(accepted(first, 50, true), off).ok).toBe(true);
      expect(pointersOf(receiveBulk(accepted(first, 50), off))).toEqual(['/lines/0/confirmVariance']);
    });
  });

  it('refuses a fractional quantity of a package counted in each', () => {
    const transfer = arrived();

    expect(problemsOf(receive(transfer, receiptFor(transfer, { [first]: accepted(first, 23.5, true) }), receiveContext(RECEIVED_AT)))).toMatchObject([
      { pointer: '/lines/0/acceptedQuantity', code: 'fractional-each' },
    ]);
  });

  it('needs exactly one answer for every shipped package', () => {
    const transfer = arrived();
    const stranger = accepted(biotrackTag(77), 1);
    const body = (lines: ReceiptBody['lines']) => ({ ...receiptFor(transfer), lines });

    expect(problemsOf(receive(transfer, body([accepted(first, 24)]), receiveContext(RECEIVED_AT)))).toEqual([
      { pointer: '/lines', code: 'unanswered-package', message: `Package ${second} has no answer: accept or reject every package` },
    ]);
    expect(pointersOf(receive(transfer, body([accepted(first, 24), stranger, accepted(second, 12)]), receiveContext(RECEIVED_AT)))).toEqual(['/lines/1/tag']);
    expect(pointersOf(receive(transfer, body([accepted(first, 24), rejected(first), accepted(second, 12)]), receiveContext(RECEIVED_AT)))).toEqual([
      '/lines/1/tag',
    ]);
  });

  it('is allowed only once the shipment has arrived', () => {
    const transfer = inTransit();

    expect(expectRefused(receive(transfer, receiptFor(transfer), receiveContext(RECEIVED_AT)))).toEqual({
      kind: 'invalid-transition',
      current: 'IN_TRANSIT',
      action: 'receive',
      allowed: ['arrive'],
    });
  });

  it('refuses a receipt time before the arrival, or in the future', () => {
    const transfer = arrived();
    const at = (time: Date) => receive(transfer, { ...receiptFor(transfer), at: time.toISOString() }, receiveContext(RECEIVED_AT));

    expect(at(minutesAfter(210)).ok).toBe(true);
    expect(pointersOf(at(minutesAfter(209)))).toEqual(['/at']);
    expect(pointersOf(at(minutesAfter(246)))).toEqual(['/at']);
    const early = { ...receiptFor(transfer), lines: receiptFor(transfer).lines.slice(1), at: minutesAfter(200).toISOString() };
    expect(pointersOf(receive(transfer, early, receiveContext(RECEIVED_AT)))).toEqual(['/at', '/lines']);
  });

  it('refuses a receiver that lost access to the state system', () => {
    const transfer = arrived();

    expect(problemsOf(receive(transfer, receiptFor(transfer), receiveContext(RECEIVED_AT, { receiverStateAccessLost: true })))).toMatchObject([
      { pointer: '', code: 'state-access-lost' },
    ]);
  });
});

describe('returnDraftFrom', () => {
  const returnContext = (overrides: Partial<ReturnContext> = {}): ReturnContext => ({
    ...context(minutesAfter(300), { actor: receiverActor }),
    returnId: 'tr-return',
    ...overrides,
  });

  const partiallyAccepted = () =>
    received({ [first]: accepted(first, 23, true), [second]: rejected(second, 'other', 'Jars arrived open') }).transfer;

  it('drafts the rejected packages back to the original shipper, linked to the original', () => {
    const original = partiallyAccepted();
    const result = expectOk(returnDraftFrom(original, { receiverPartnerId: 'partner-hudson', estimatedDeparture: '2026-03-03T10:00:00-05:00' }, returnContext()));
    const { transfer: draft, event } = result.draft;

    expect(draft).toMatchObject({ id: 'tr-return', shipperId: receiverActor.licenseeId, status: 'DRAFT', version: 1 });
    expect(draft.returnOf).toEqual({ transferId: original.id, manifestNumber: '000042', shipperLicenseNumber: shipper.licenseNumber });
    expect(draft.content).toEqual({
      type: 'return',
      receiverPartnerId: 'partner-hudson',
      estimatedDeparture: '2026-03-03T10:00:00-05:00',
      lines: [{ ...original.content.lines[1], notes: 'Returned: other (Jars arrived open)' }],
    });
    expect(event).toMatchObject({ action: 'create', from: null, to: 'DRAFT', summary: 'Return of manifest 000042 drafted with 1 rejected package' });
  });

  it('leaves the original in its state and records the return on it', () => {
    const original = partiallyAccepted();
    const { transfer, event } = expectOk(returnDraftFrom(original, { receiverPartnerId: 'partner-hudson' }, returnContext())).original;

    expect(transfer).toMatchObject({ status: 'PARTIALLY_ACCEPTED', version: original.version + 1, returnIds: ['tr-return'] });
    expect(event).toMatchObject({ action: 'return', from: 'PARTIALLY_ACCEPTED', to: 'PARTIALLY_ACCEPTED' });
  });

  it('returns every package of a rejected transfer', () => {
    const original = received({ [first]: rejected(first), [second]: rejected(second) }).transfer;
    const { draft } = expectOk(returnDraftFrom(original, { receiverPartnerId: 'partner-hudson' }, returnContext()));

    expect(draft.transfer.content.lines.map((l) => l.tag)).toEqual([first, second]);
  });

  it('is refused when nothing was rejected and no overage is named', () => {
    expect(pointersOf(returnDraftFrom(received().transfer, { receiverPartnerId: 'partner-hudson' }, returnContext()))).toEqual(['/overages']);
  });

  it('returns an unwanted overage under its new package at the excess quantity, beside the rejected packages', () => {
    // 25 of 24 accepted (4%, confirmed): the receiver repackaged the one extra unit and sends it back.
    const over = received({ [first]: accepted(first, 25, true), [second]: rejected(second, 'other', 'Jars arrived open') }).transfer;
    const newTag = biotrackTag(77);
    const { draft } = expectOk(returnDraftFrom(over, { receiverPartnerId: 'partner-hudson', overages: [{ tag: first, newTag }] }, returnContext()));
    expect(draft.transfer.content.lines).toMatchObject([
      { tag: second, quantity: 12, notes: 'Returned: other (Jars arrived open)' },
      { tag: newTag, quantity: 1, productName: over.content.lines[0]?.productName, notes: `Overage of package ${first}: 25 each received of 24 each shipped, the excess repackaged as ${newTag} and returned` },
    ]);
    expect(draft.event.summary).toBe('Return of manifest 000042 drafted with 1 rejected package and 1 overage');
    // All accepted: a return is of the overage only.
    const allAccepted = received({ [first]: accepted(first, 25, true), [second]: accepted(second, 12) }).transfer;
    const onlyOverage = expectOk(returnDraftFrom(allAccepted, { receiverPartnerId: 'partner-hudson', overages: [{ tag: first, newTag }] }, returnContext()));
    expect(onlyOverage.draft.transfer.content.lines.map((l) => [l.tag, l.quantity])).toEqual([[newTag, 1]]);
    expect(onlyOverage.original.transfer.status).toBe('ACCEPTED');
  });

  it('refuses an overage of a package not received above what was shipped, or under a tag already on the transfer', () => {
    const over = received({ [first]: accepted(first, 25, true), [second]: accepted(second, 12) }).transfer;
    const refused = returnDraftFrom(over, { receiverPartnerId: 'partner-hudson', overages: [{ tag: second, newTag: biotrackTag(78) }, { tag: first, newTag: second }] }, returnContext());
    expect(pointersOf(refused)).toEqual(['/overages/0/tag', '/overages/1/newTag']);
  });

  describe('the return draft', () => {
    const returnDraft = (): Transfer =>
      expectOk(returnDraftFrom(partiallyAccepted(), { receiverPartnerId: 'partner-hudson' }, returnContext())).draft.transfer;
    const ready = (transfer: Transfer) =>
      expectOk(
        updateDraft(
          transfer,
          {
            taxPayer: { taxPaid: true },
            driverIds: ['driver-ana'],
            vehicleId: 'vehicle-van',
            plannedRoute: 'NY-9 N to River Road',
            estimatedDeparture: '2026-03-03T10:00:00-05:00',
            estimatedArrival: '2026-03-03T12:00:00-05:00',
          },
          { ...draftContext({ actor: receiverActor, shipperTags: packageTagFormatOf('none') }), now: minutesAfter(300) },
        ),
      ).transfer;
    const asReturner = { shipper: { ...receiver, partnerId: undefined }, drivers: parties.drivers, vehicle: parties.vehicle };

    it('stays a return', () => {
      expect(problemsOf(updateDraft(returnDraft(), { type: 'transfer' }, draftContext()))).toMatchObject([{ pointer: '/type', code: 'return-type-fixed' }]);
    });

    it('manifests to the original shipper only', () => {
      const transfer = ready(returnDraft());
      const context = manifestContext({ now: minutesAfter(300), manifestNumber: '000007' });
      const elsewhere = { ...shipper, licenseeId: 'lic-other', licenseNumber: 'OCM-DIST-24-000999' };

      expect(manifest(transfer, { ...asReturner, receiver: shipper }, context).ok).toBe(true);
      expect(problemsOf(manifest(transfer, { ...asReturner, receiver: elsewhere }, context))).toMatchObject([
        { pointer: '/receiverPartnerId', code: 'return-to-original-shipper', message: `A return goes back to the original shipper (${shipper.licenseNumber})` },
      ]);
    });
  });
});
