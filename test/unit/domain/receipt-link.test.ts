import { describe, expect, it } from 'vitest';
import {
  activeLink,
  discard,
  issueReceiptLink,
  linkStanding,
  manifest,
  payloadHash,
  receiveByLink,
  revokeReceiptLink,
  takesReceiptLink,
  voidTransfer,
  withReceiptLink,
} from '#shared/domain/transfer/index.ts';
import type { LinkConfirmation, ReceiptLink, Transfer, TransitionContext } from '#shared/domain/transfer/index.ts';
import {
  RECEIVED_AT,
  arrived,
  biotrackTag,
  context,
  draft,
  draftContext,
  expectOk,
  expectRefused,
  inTransit,
  manifestContext,
  manifested,
  minutesAfter,
  parties,
  problemsOf,
  receiptFor,
  receiveContext,
  received,
  receiver,
  receiverActor,
} from './fixtures.ts';

const DAY_MS = 24 * 3600 * 1000;
const ISSUED_AT = minutesAfter(30);
const linkContext = (now: Date = ISSUED_AT, validForMs = 7 * DAY_MS): TransitionContext & { readonly validForMs: number } => ({ ...context(now), validForMs });

/** The transfer with a receipt link issued at `ISSUED_AT`, valid for a week. */
const withLink = (transfer: Transfer, linkId = 'link-1', now: Date = ISSUED_AT): Transfer =>
  expectOk(issueReceiptLink(transfer, linkId, linkContext(now))).transfer;

const integrated = (): Transfer =>
  expectOk(manifest(draft(), { ...parties, receiver: { ...receiver, stateSystem: 'biotrack-ny' } }, manifestContext())).transfer;

const voided = (): Transfer => expectOk(voidTransfer(withLink(manifested()), { reason: 'Order cancelled' }, context(minutesAfter(40)))).transfer;

const confirmation: LinkConfirmation = {
  method: 'receipt-link',
  linkId: 'link-1',
  signature: { key: 'receipts/tr-1/signature.png', contentType: 'image/png', bytes: 2048, sha256: 'a'.repeat(64) },
  photos: [{ key: 'receipts/tr-1/photo-1.jpg', contentType: 'image/jpeg', bytes: 400_000, sha256: 'b'.repeat(64) }],
};
const byLink = (now: Date = RECEIVED_AT) => receiveContext(now, { confirmation });

describe('takesReceiptLink', () => {
  it('is for a manifested transfer to a receiver that is not integrated', () => {
    expect(takesReceiptLink(manifested())).toBe(true);
    expect(takesReceiptLink(integrated())).toBe(false);
    expect(takesReceiptLink(draft())).toBe(false);
  });
});

describe('issueReceiptLink', () => {
  it.each([
    ['MANIFESTED', manifested],
    ['IN_TRANSIT', inTransit],
    ['ARRIVED', arrived],
  ] as const)('issues a link for a %s transfer: same status, one more version, and an event', (status, build) => {
    const transfer = build();
    const now = minutesAfter(300);
    const { transfer: after, event } = expectOk(issueReceiptLink(transfer, 'link-1', linkContext(now, 3 * DAY_MS)));
    const link: ReceiptLink = { linkId: 'link-1', issuedAt: now.toISOString(), validUntil: new Date(now.getTime() + 3 * DAY_MS).toISOString() };

    expect(after.status).toBe(status);
    expect(after.version).toBe(transfer.version + 1);
    expect(after.updatedAt).toBe(now.toISOString());
    expect(after.receiptLink).toEqual(link);
    expect(after.content).toBe(transfer.content);
    expect(event).toMatchObject({
      transferId: transfer.id,
      sequence: after.version,
      action: 'issue-receipt-link',
      from: status,
      to: status,
      at: now.toISOString(),
      summary: `Receipt link issued, valid until ${link.validUntil}`,
    });
    expect(event.payloadHash).toBe(payloadHash(link));
  });

  it('replaces the current link, saying the previous one no longer works', () => {
    const first = withLink(inTransit(), 'link-1');
    const now = minutesAfter(90);
    const { transfer: after, event } = expectOk(issueReceiptLink(first, 'link-2', linkContext(now)));

    expect(after.receiptLink).toEqual({ linkId: 'link-2', issuedAt: now.toISOString(), validUntil: new Date(now.getTime() + 7 * DAY_MS).toISOString() });
    expect(activeLink(after)?.linkId).toBe('link-2');
    expect(after.version).toBe(first.version + 1);
    expect(event.summary).toMatch(/; the previous link no longer works$/);
  });

  it('does not mention a previous link that was already revoked', () => {
    const revoked = expectOk(revokeReceiptLink(withLink(inTransit()), context(minutesAfter(70)))).transfer;
    const { transfer: after, event } = expectOk(issueReceiptLink(revoked, 'link-2', linkContext(minutesAfter(80))));

    expect(after.receiptLink?.revokedAt).toBeUndefined();
    expect(event.summary).not.toContain('previous link');
  });

  it('is refused before the manifest and once received, voided or discarded', () => {
    const closed = (transfer: Transfer) => problemsOf(issueReceiptLink(transfer, 'link-9', linkContext(minutesAfter(300))));

    expect(closed(draft())).toEqual([
      { pointer: '', code: 'receipt-link-closed', message: 'A DRAFT transfer takes no receipt link: only a manifested transfer not yet received does' },
    ]);
    expect(closed(received().transfer)).toMatchObject([{ pointer: '', code: 'receipt-link-closed', message: expect.stringContaining('A ACCEPTED transfer') as unknown }]);
    expect(closed(voided())).toMatchObject([{ code: 'receipt-link-closed' }]);
    expect(closed(expectOk(discard(draft(), draftContext())).transfer)).toMatchObject([{ code: 'receipt-link-closed' }]);
  });

  it('is refused for a receiver that reports to the state system itself', () => {
    expect(problemsOf(issueReceiptLink(integrated(), 'link-1', linkContext()))).toMatchObject([{ pointer: '', code: 'receiver-integrated' }]);
  });
});

describe('revokeReceiptLink', () => {
  it('ends the current link: same status, one more version, and an event', () => {
    const transfer = withLink(inTransit(), 'link-1', minutesAfter(65));
    const now = minutesAfter(70);
    const { transfer: after, event } = expectOk(revokeReceiptLink(transfer, context(now)));

    expect(after.status).toBe('IN_TRANSIT');
    expect(after.version).toBe(transfer.version + 1);
    expect(after.receiptLink).toEqual({ ...transfer.receiptLink, revokedAt: now.toISOString() });
    expect(activeLink(after)).toBeUndefined();
    expect(event).toMatchObject({ action: 'revoke-receipt-link', from: 'IN_TRANSIT', to: 'IN_TRANSIT', sequence: after.version, summary: 'Receipt link revoked' });
    expect(event.payloadHash).toBe(payloadHash({ linkId: 'link-1' }));
  });

  it('is refused without a link, or when it is already revoked', () => {
    expect(problemsOf(revokeReceiptLink(inTransit(), context(minutesAfter(70))))).toMatchObject([{ pointer: '', code: 'no-receipt-link' }]);
    const revoked = expectOk(revokeReceiptLink(withLink(inTransit()), context(minutesAfter(70)))).transfer;
    expect(problemsOf(revokeReceiptLink(revoked, context(minutesAfter(71))))).toMatchObject([{ code: 'no-receipt-link' }]);
  });
});

describe('linkStanding', () => {
  const link = (transfer: Transfer) => {
    if (!transfer.receiptLink) return expect.fail('Expected a receipt link');
    return transfer.receiptLink;
  };
  const validUntil = (transfer: Transfer) => new Date(link(transfer).validUntil);

  it('is open while the goods are on the way or arrived, and the link is current and valid', () => {
    const onTheWay = withLink(inTransit());
    expect(linkStanding(onTheWay, link(onTheWay), minutesAfter(100))).toBe('open');
    const there = withLink(arrived());
    expect(linkStanding(there, link(there), minutesAfter(220))).toBe('open');
    expect(linkStanding(there, link(there), new Date(validUntil(there).getTime() - 1))).toBe('open');
  });

  it('is not-departed before the shipment leaves', () => {
    const transfer = withLink(manifested());
    expect(linkStanding(transfer, link(transfer), minutesAfter(40))).toBe('not-departed');
  });

  it('expires at its validUntil', () => {
    const transfer = withLink(inTransit());
    expect(linkStanding(transfer, link(transfer), validUntil(transfer))).toBe('expired');
    expect(linkStanding(transfer, link(transfer), new Date(validUntil(transfer).getTime() + DAY_MS))).toBe('expired');
  });

  it('is revoked once a newer link replaced it, or it was revoked', () => {
    const old = withLink(inTransit(), 'link-1');
    const replaced = withLink(old, 'link-2', minutesAfter(90));
    expect(linkStanding(replaced, link(old), minutesAfter(100))).toBe('revoked');
    expect(linkStanding(replaced, link(replaced), minutesAfter(100))).toBe('open');

    const revoked = expectOk(revokeReceiptLink(old, context(minutesAfter(90)))).transfer;
    expect(linkStanding(revoked, link(old), minutesAfter(100))).toBe('revoked');
  });

  it('is received once a receipt is recorded, even for an expired or replaced link', () => {
    const transfer = withLink(arrived());
    const after = expectOk(receiveByLink(transfer, receiptFor(transfer), byLink())).changes.at(-1)?.transfer;
    if (!after) return expect.fail('Expected a change');

    expect(linkStanding(after, link(transfer), RECEIVED_AT)).toBe('received');
    expect(linkStanding(after, { linkId: 'some-older-link', validUntil: ISSUED_AT.toISOString() }, new Date(validUntil(transfer).getTime() + DAY_MS))).toBe(
      'received',
    );
  });

  it('is voided for a voided transfer, before being revoked or expired', () => {
    const transfer = voided();
    expect(linkStanding(transfer, link(transfer), minutesAfter(50))).toBe('voided');
    expect(linkStanding(transfer, { linkId: 'other', validUntil: ISSUED_AT.toISOString() }, minutesAfter(50))).toBe('voided');
  });
});

describe('receiveByLink', () => {
  it('marks a shipment still on the road arrived, then receives it with the link confirmation', () => {
    const transfer = withLink(inTransit());
    const { changes } = expectOk(receiveByLink(transfer, receiptFor(transfer), byLink()));

    expect(changes).toHaveLength(2);
    const [arrival, receipt] = changes;
    expect(arrival?.transfer).toMatchObject({ status: 'ARRIVED', version: transfer.version + 1, arrivedAt: RECEIVED_AT.toISOString() });
    expect(arrival?.event).toMatchObject({ action: 'arrive', from: 'IN_TRANSIT', to: 'ARRIVED', actor: receiverActor, sequence: transfer.version + 1 });
    expect(receipt?.transfer).toMatchObject({ status: 'ACCEPTED', version: transfer.version + 2 });
    expect(receipt?.transfer.receipt).toMatchObject({ at: RECEIVED_AT.toISOString(), confirmation });
    expect(receipt?.transfer.arrivedAt).toBe(RECEIVED_AT.toISOString());
    expect(receipt?.transfer.receiptLink).toEqual(transfer.receiptLink);
    expect(receipt?.event).toMatchObject({
      action: 'receive',
      from: 'ARRIVED',
      to: 'ACCEPTED',
      actor: receiverActor,
      sequence: transfer.version + 2,
      summary: 'Received through the receipt link by Sam Lee (Inventory manager): 2 accepted, 0 rejected',
    });
  });

  it('records the arrival as the receiver\'s report through the link, not as a driver\'s', () => {
    const transfer = withLink(inTransit());
    const [arrival, receipt] = expectOk(receiveByLink(transfer, receiptFor(transfer), byLink())).changes;

    const report = { by: 'receiver-through-receipt-link', linkId: 'link-1', at: RECEIVED_AT.toISOString() };
    expect(arrival?.transfer.arrivalReport).toEqual(report);
    expect(arrival?.event.summary).toBe(`Arrival reported by the receiver through the receipt link, at ${RECEIVED_AT.toISOString()}; no driver or carrier recorded it`);
    expect(receipt?.transfer.arrivalReport).toEqual(report);
    // An arrival the driver recorded stays the driver's.
    const [only] = expectOk(receiveByLink(withLink(arrived()), receiptFor(transfer), byLink())).changes;
    expect(only?.transfer.arrivalReport).toBeUndefined();
  });

  it('receives an arrived shipment in one change', () => {
    const transfer = withLink(arrived());
    const { changes } = expectOk(receiveByLink(transfer, receiptFor(transfer), byLink()));

    expect(changes).toHaveLength(1);
    expect(changes[0]?.event).toMatchObject({ action: 'receive', from: 'ARRIVED', to: 'ACCEPTED' });
    expect(changes[0]?.transfer.receipt?.confirmation).toEqual(confirmation);
    expect(changes[0]?.transfer.version).toBe(transfer.version + 1);
  });

  it('records rejections as the API does', () => {
    const transfer = withLink(inTransit());
    const body = receiptFor(transfer, { [biotrackTag(2)]: { tag: biotrackTag(2), outcome: 'rejected', reason: 'damaged' } });
    const last = expectOk(receiveByLink(transfer, body, byLink())).changes.at(-1);

    expect(last?.transfer.status).toBe('PARTIALLY_ACCEPTED');
    expect(last?.event.summary).toBe('Received through the receipt link by Sam Lee (Inventory manager): 1 accepted, 1 rejected');
  });

  it('returns a refused receipt and no change, not even the arrival', () => {
    const transfer = withLink(inTransit());
    const unanswered = { ...receiptFor(transfer), lines: receiptFor(transfer).lines.slice(0, 1) };
    const result = receiveByLink(transfer, unanswered, byLink());

    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('changes');
    expect(problemsOf(result)).toEqual([
      { pointer: '/lines', code: 'unanswered-package', message: `Package ${biotrackTag(2)} has no answer: accept or reject every package` },
    ]);
    expect(problemsOf(receiveByLink(transfer, receiptFor(transfer), receiveContext(RECEIVED_AT, { confirmation, receiverStateAccessLost: true })))).toMatchObject([
      { code: 'state-access-lost' },
    ]);
  });

  it('refuses a shipment that has not departed, or was already received', () => {
    const notDeparted = withLink(manifested());
    expect(expectRefused(receiveByLink(notDeparted, receiptFor(notDeparted), byLink()))).toMatchObject({ kind: 'invalid-transition', current: 'MANIFESTED' });
    const done = received().transfer;
    expect(expectRefused(receiveByLink(done, receiptFor(done), byLink()))).toMatchObject({ kind: 'invalid-transition', current: 'ACCEPTED' });
  });
});

describe('withReceiptLink', () => {
  const settings = { now: minutesAfter(5), validForMs: 2 * DAY_MS };

  it('issues a link for a receiver that is not integrated, and prints its id on the manifest', () => {
    const transfer = manifested();
    const after = withReceiptLink(transfer, 'link-new', settings);
    const link = { linkId: 'link-new', issuedAt: settings.now.toISOString(), validUntil: new Date(settings.now.getTime() + 2 * DAY_MS).toISOString() };

    expect(after.receiptLink).toEqual(link);
    expect(after.manifest).toEqual({ ...transfer.manifest, receiptLinkId: 'link-new' });
    expect(after.version).toBe(transfer.version);
    expect(after.status).toBe(transfer.status);
  });

  it('keeps an active link', () => {
    const transfer = withLink(manifested(), 'link-1');
    const after = withReceiptLink(transfer, 'link-new', settings);

    expect(after.receiptLink).toEqual(transfer.receiptLink);
    expect(after.manifest?.receiptLinkId).toBe('link-1');
  });

  it('replaces a revoked link with a new one', () => {
    const revoked = expectOk(revokeReceiptLink(withLink(manifested(), 'link-1'), context(minutesAfter(40)))).transfer;
    const after = withReceiptLink(revoked, 'link-new', settings);

    expect(after.receiptLink).toEqual({ linkId: 'link-new', issuedAt: settings.now.toISOString(), validUntil: expect.any(String) as unknown });
    expect(after.manifest?.receiptLinkId).toBe('link-new');
  });

  it('leaves an integrated receiver’s transfer, or one without a manifest, as it is', () => {
    const integratedTransfer = integrated();
    expect(withReceiptLink(integratedTransfer, 'link-new', settings)).toBe(integratedTransfer);
    const unmanifested = draft();
    expect(withReceiptLink(unmanifested, 'link-new', settings)).toBe(unmanifested);
  });
});
