/**
 * Rules the domain reads from the state system's capabilities instead of knowing systems by name:
 * whether a receipt needs an arrival first.
 */
import { describe, expect, it } from 'vitest';
import { allowedActions, checkTransition, hubLifecycle, issueReceiptLink, receive, receiveByLink } from '#shared/domain/transfer/index.ts';
import type { LinkConfirmation, TransferCapabilities } from '#shared/domain/transfer/index.ts';
import { biotrackCapabilities } from '#shared/state-system/biotrack/capabilities.ts';
import { stateSystemSteps } from '#shared/state-system/port.ts';
import { receiptCapabilities, transferCapabilitiesOf } from '#shared/state-system/capabilities.ts';
import { metrcCapabilities } from '#shared/state-system/metrc/capabilities.ts';
import { biotrackTag, context, expectOk, expectRefused, inTransit, metrcTag, minutesAfter, parties, problemsOf, receiptFor, receiveContext, receiver } from './fixtures.ts';

const withoutArrival: TransferCapabilities = { receiveOnlyAfterArrival: false };

describe('receive only after arrival, as a capability', () => {
  it("keeps BioTrack's rule: a shipment in transit cannot be received", () => {
    expect(checkTransition('IN_TRANSIT', 'receive', biotrackCapabilities)).toMatchObject({ ok: false, error: { current: 'IN_TRANSIT', allowed: ['arrive'] } });
    expect(expectRefused(receive(inTransit(), receiptFor(inTransit()), receiveContext(minutesAfter(240))))).toMatchObject({ kind: 'invalid-transition' });
    expect(allowedActions('IN_TRANSIT', hubLifecycle)).toEqual(['arrive']);
  });

  it('lets a system that records receipts without arrival receive a shipment in transit', () => {
    const transfer = inTransit();
    expect(allowedActions('IN_TRANSIT', withoutArrival)).toEqual(['arrive', 'receive']);
    const received = expectOk(receive(transfer, receiptFor(transfer), receiveContext(minutesAfter(240), { stateSystem: withoutArrival })));
    expect(received.transfer.status).toBe('ACCEPTED');
    expect(received.transfer.arrivedAt).toBeUndefined();
    expect(received.event).toMatchObject({ action: 'receive', from: 'IN_TRANSIT', to: 'ACCEPTED' });
  });

  it('refuses such a receipt before the departure', () => {
    const transfer = inTransit();
    const refused = receive(transfer, { ...receiptFor(transfer), at: minutesAfter(30).toISOString() }, receiveContext(minutesAfter(240), { stateSystem: withoutArrival }));
    expect(problemsOf(refused).map((problem) => [problem.pointer, problem.message])).toEqual([['/at', expect.stringContaining('after the departure') as string]]);
  });

  it('records no arrival for a link receipt when the system does not need one', () => {
    const transfer = inTransit();
    const linked = expectOk(issueReceiptLink(transfer, 'link-1', { ...context(minutesAfter(90), { actor: { licenseeId: 'lic-hudson', apiKeyId: 'key-hudson' } }), validForMs: 86_400_000 })).transfer;
    const confirmation: LinkConfirmation = { method: 'receipt-link', linkId: 'link-1', photos: [] };
    const needs = expectOk(receiveByLink(linked, receiptFor(linked), receiveContext(minutesAfter(240), { confirmation })));
    expect(needs.changes.map((change) => change.event.action)).toEqual(['arrive', 'receive']);
    const without = expectOk(receiveByLink(linked, receiptFor(linked), receiveContext(minutesAfter(240), { confirmation, stateSystem: withoutArrival })));
    expect(without.changes.map((change) => change.event.action)).toEqual(['receive']);
  });
});

describe('capabilities per system', () => {
  it('BioTrack performs every step by API and numbers nothing itself', () => {
    expect(biotrackCapabilities).toMatchObject({ byApi: stateSystemSteps, byPerson: [], observed: [], issuesManifestNumber: false, receiveOnlyAfterArrival: true });
    expect(biotrackCapabilities.packageTag.pattern.test(biotrackTag(1))).toBe(true);
    expect(biotrackCapabilities.packageTag.pattern.test(metrcTag(1))).toBe(false);
  });

  it('Metrc leaves registration and receipt to a person and is only observed for the trip', () => {
    expect(metrcCapabilities.byPerson).toEqual(['register', 'receive', 'void-registered', 'accept-returned']);
    expect(metrcCapabilities.observed).toEqual(['depart', 'arrive', 'receive']);
    expect(metrcCapabilities).toMatchObject({ issuesManifestNumber: true, receiveOnlyAfterArrival: false, hubReceiptIsStateReceipt: { byApi: false, byLink: false } });
    expect(metrcCapabilities.packageTag.pattern.test(metrcTag(1))).toBe(true);
    expect(metrcCapabilities.packageTag.pattern.test(biotrackTag(1))).toBe(false);
  });

  it("a receipt follows the receiver's system when it reports, else the shipper's; none is the hub's lifecycle", () => {
    expect(transferCapabilitiesOf('none')).toBe(hubLifecycle);
    const onMetrc = { manifest: { parties: { ...parties, receiver: { ...receiver, stateSystem: 'metrc' as const } } } };
    expect(receiptCapabilities(onMetrc as never)).toBe(metrcCapabilities);
    const linkReceiver = { manifest: { parties: { ...parties, shipper: { ...parties.shipper, stateSystem: 'metrc' as const }, receiver: { ...receiver, stateSystem: 'none' as const } } } };
    expect(receiptCapabilities(linkReceiver as never)).toBe(metrcCapabilities);
    expect(receiptCapabilities({})).toBe(hubLifecycle);
  });
});
