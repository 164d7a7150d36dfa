/**
 * The receipt of a Metrc transfer, over HTTP through the local hub and its Metrc emulator, with the
 * reconciler on its local schedule: the receiver (a tenant on Metrc) receives in the hub, the
 * transfer then waits for the receipt in Metrc with a receiving sheet to enter it from; a person
 * receiving in Metrc as the sheet says (the emulator's `ui/receive`) settles it, and the transfer
 * shows the state's receipt; one receiving otherwise is a discrepancy with both sides; and a
 * receipt made only in Metrc is recorded from the state, its rejected package ready to go back.
 */
import { describe, expect, inject, it } from 'vitest';
import { eventually } from '../../support/nyapi.ts';
import { connectShipper, metrcHubWorld, receiverTenant } from './hub-world.ts';
import type { MetrcHubWorld, ReceiverTenant } from './hub-world.ts';

interface Submission {
  readonly step: string;
  readonly status: string;
  readonly reportedBy: string;
  readonly awaitingPerson?: { readonly instruction: string; readonly resultKey: string; readonly deadline: string; readonly overdue: boolean };
}
interface StateSystemView {
  readonly status: string;
  readonly step?: string;
  readonly instruction?: string;
  readonly deadline?: string;
  readonly overdue?: boolean;
  readonly receipt?: { readonly at: string; readonly packages: readonly { tag: string; outcome: string; quantity: number }[] };
  readonly differences?: readonly { kind: string; lines: readonly { tag: string; hub?: unknown; state?: unknown }[] }[];
}

interface Shipment {
  readonly w: MetrcHubWorld;
  readonly id: string;
  readonly deliveryId: number;
  readonly manifestNumber: string;
  readonly receiver: ReceiverTenant;
}

const submissionsOf = async (w: MetrcHubWorld, id: string) => (await w.call('GET', `/v1/transfers/${id}/submissions`)).body['items'] as Submission[];
const stateOf = async (w: MetrcHubWorld, id: string) => (await w.call('GET', `/v1/transfers/${id}`)).body['stateSystem'] as StateSystemView;

/** Two packages (20 each, and 100 each) manifested, registered by a person in Metrc, seen by the hub, and departed. */
async function registeredAndDeparted(): Promise<Shipment> {
  const w = await metrcHubWorld([{ n: 1 }, { n: 2, quantity: 100 }]);
  const receiver = await receiverTenant(w);
  await connectShipper(w);
  const id = await w.draft([{ n: 1 }, { n: 2, quantity: 100 }]);
  const manifested = await w.manifest(id);
  expect(manifested.status, JSON.stringify(manifested.body)).toBe(200);
  const [awaited] = await eventually(async () => {
    const list = await submissionsOf(w, id);
    return list[0]?.status === 'awaiting-person' ? list : undefined;
  }, 30_000, 'the manifest step waiting for a person');
  const state = (await w.control('GET', '/state')) as { templates: { Id: number; Name: string }[] };
  const templateId = state.templates.find((t) => t.Name === awaited?.awaitingPerson?.resultKey)?.Id;
  const registered = (await w.control('POST', '/ui/register', { templateId })) as { ManifestNumber: string; Deliveries: { DeliveryId: number }[] };
  const deliveryId = registered.Deliveries[0]?.DeliveryId ?? 0;
  await eventually(async () => ((await stateOf(w, id)).status === 'recorded' ? true : undefined), 60_000, 'the registration seen');
  const transfer = (await w.call('GET', `/v1/transfers/${id}`)).body;
  const departed = await w.call('POST', `/v1/transfers/${id}/depart`, {}, { 'if-match': `"${String(transfer['version'])}"` });
  expect(departed.status, JSON.stringify(departed.body)).toBe(200);
  return { w, id, deliveryId, manifestNumber: registered.ManifestNumber, receiver };
}

/** The receiver's receipt in the hub: package 1 rejected (damaged), package 2 accepted at 97 of 100 (3%, confirmed). */
async function hubReceipt(s: Shipment): Promise<void> {
  const transfer = (await s.receiver.call('GET', `/v1/transfers/${s.id}`)).body;
  const answer = await s.receiver.call(
    'POST',
    `/v1/transfers/${s.id}/receipt`,
    {
      lines: [
        { tag: s.w.tag(1), outcome: 'rejected', reason: 'damaged', note: 'Crushed carton' },
        { tag: s.w.tag(2), outcome: 'accepted', acceptedQuantity: 97, confirmVariance: true },
      ],
      receivedBy: { name: 'Ada Ruiz', title: 'Receiving lead' },
    },
    { 'if-match': `"${String(transfer['version'])}"` },
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

describe('the receipt of a Metrc transfer', { timeout: 180_000 }, () => {
  it('awaits the receipt in Metrc with a receiving sheet; Metrc receiving as the sheet says settles it, with the state’s receipt shown', async () => {
    const s = await registeredAndDeparted();
    await hubReceipt(s);
    const receive = await eventually(async () => (await submissionsOf(s.w, s.id)).find((sub) => sub.step === 'receive' && sub.status === 'awaiting-person'), 30_000, 'the receipt awaited in Metrc');
    expect(receive.reportedBy).toBe(s.receiver.id);
    expect(receive.awaitingPerson?.instruction).toBe(`Receive manifest ${s.manifestNumber} (enter what the hub's receiving sheet says) in Metrc: Transfers → Licensed → Incoming`);
    const hours = (Date.parse(receive.awaitingPerson?.deadline ?? '') - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThanOrEqual(24);
    expect(await stateOf(s.w, s.id)).toMatchObject({ status: 'awaiting-person', step: 'receive', overdue: false });

    // The sheet, for the receiver and the shipper alike.
    const sheet = await s.receiver.call('GET', `/v1/transfers/${s.id}/receiving-sheet`);
    expect(sheet.status, JSON.stringify(sheet.body)).toBe(200);
    expect(sheet.body).toMatchObject({ stateSystem: 'Metrc', stateManifestNumber: s.manifestNumber, menuPath: ['Transfers', 'Licensed', 'Incoming'] });
    expect(sheet.body['packages']).toMatchObject([
      { tag: s.w.tag(1), decision: 'reject', reason: 'Damaged: Crushed carton', shipped: { quantity: 20, unit: 'each' } },
      { tag: s.w.tag(2), decision: 'accept', receivedQuantity: 97, confirmVariance: true, shipped: { quantity: 100, unit: 'each' } },
    ]);
    expect((await s.w.call('GET', `/v1/transfers/${s.id}/receiving-sheet`)).body).toEqual(sheet.body);
    const asPdf = await fetch(`${inject('hub').urls.api}/v1/transfers/${s.id}/receiving-sheet`, { headers: { authorization: `Bearer ${s.w.apiKey}`, accept: 'application/pdf' }, redirect: 'manual' });
    expect(asPdf.status).toBe(302);
    const pdf = Buffer.from(await (await fetch(asPdf.headers.get('location') ?? '')).arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // A person receives in Metrc as the sheet says.
    const packages = sheet.body['packages'] as { tag: string; decision: string; receivedQuantity?: number; confirmVariance?: boolean; reason?: string }[];
    await s.w.control('POST', '/ui/receive', {
      deliveryId: s.deliveryId,
      packages: packages.map((p) =>
        p.decision === 'reject'
          ? { label: p.tag, action: 'reject', rejectReason: p.reason }
          : { label: p.tag, action: 'accept', receivedQuantity: p.receivedQuantity, confirmVariance: p.confirmVariance },
      ),
    });
    const seen = await eventually(async () => {
      const view = await stateOf(s.w, s.id);
      return view.receipt && view.step === 'take-back' ? view : undefined;
    }, 60_000, 'the receipt seen in Metrc');
    expect(seen.receipt?.packages).toEqual([
      { tag: s.w.tag(1), outcome: 'rejected', quantity: 0, unit: 'each' },
      { tag: s.w.tag(2), outcome: 'accepted', quantity: 97, unit: 'each' },
    ]);
    expect(seen.differences).toBeUndefined();
    expect((await submissionsOf(s.w, s.id)).find((sub) => sub.step === 'receive')).toMatchObject({ status: 'succeeded' });
    // The receiver sees the same.
    expect(((await s.receiver.call('GET', `/v1/transfers/${s.id}`)).body['stateSystem'] as StateSystemView).receipt).toEqual(seen.receipt);

    // The rejected package is the shipper's to accept back in Metrc, which the hub then sees.
    const shipperId = (await submissionsOf(s.w, s.id)).find((sub) => sub.step === 'manifest')?.reportedBy;
    expect(seen).toMatchObject({
      status: 'awaiting-person',
      step: 'take-back',
      licenseeId: shipperId,
      instruction: `Accept back the rejected package ${s.w.tag(1)} of manifest ${s.manifestNumber} in Metrc: Transfers → Licensed → Rejected`,
      overdue: false,
    });
    await s.w.control('POST', '/ui/accept-rejected', { deliveryId: s.deliveryId });
    await eventually(async () => ((await stateOf(s.w, s.id)).status === 'recorded' ? true : undefined), 60_000, 'the rejected package seen taken back');
    expect((await submissionsOf(s.w, s.id)).find((sub) => sub.step === 'take-back')).toMatchObject({ status: 'succeeded', reportedBy: shipperId });
  });

  it('shows a receipt in Metrc that differs from the hub’s as a discrepancy with both sides', async () => {
    const s = await registeredAndDeparted();
    await hubReceipt(s);
    await eventually(async () => (await submissionsOf(s.w, s.id)).find((sub) => sub.step === 'receive' && sub.status === 'awaiting-person'), 30_000, 'the receipt awaited in Metrc');
    await s.w.control('POST', '/ui/receive', {
      deliveryId: s.deliveryId,
      packages: [
        { label: s.w.tag(1), action: 'reject', rejectReason: 'Damaged' },
        { label: s.w.tag(2), action: 'accept' },
      ],
    });
    const view = await eventually(async () => {
      const state = await stateOf(s.w, s.id);
      return state.status === 'discrepancy' && state.differences ? state : undefined;
    }, 60_000, 'the discrepancy');
    expect(view.differences?.[0]).toMatchObject({
      kind: 'receipt-differs',
      lines: [{ tag: s.w.tag(2), hub: { outcome: 'accepted', quantity: 97 }, state: { outcome: 'accepted', quantity: 100 } }],
    });
    // Never adopted: the hub's receipt stays as recorded.
    const transfer = (await s.w.call('GET', `/v1/transfers/${s.id}`)).body;
    expect((transfer['receipt'] as { lines: { acceptedQuantity?: number }[] }).lines[1]?.acceptedQuantity).toBe(97);
    expect(view.receipt?.packages[1]).toMatchObject({ quantity: 100 });
  });

  it('records a receipt made only in Metrc as the state system’s, its rejected package ready to go back', async () => {
    const s = await registeredAndDeparted();
    await s.w.control('POST', '/ui/receive', {
      deliveryId: s.deliveryId,
      packages: [
        { label: s.w.tag(1), action: 'reject', rejectReason: 'Damaged' },
        { label: s.w.tag(2), action: 'accept', receivedQuantity: 98, confirmVariance: true },
      ],
    });
    const received = await eventually(async () => {
      const body = (await s.w.call('GET', `/v1/transfers/${s.id}`)).body;
      return body['status'] === 'PARTIALLY_ACCEPTED' ? body : undefined;
    }, 60_000, 'the receipt recorded from Metrc');
    expect(received['receipt']).toMatchObject({
      receivedBy: { name: 'Recorded in Metrc' },
      lines: [
        { tag: s.w.tag(1), outcome: 'rejected', reason: 'other' },
        { tag: s.w.tag(2), outcome: 'accepted', acceptedQuantity: 98 },
      ],
    });
    const events = (await s.w.call('GET', `/v1/transfers/${s.id}/events`)).body['items'] as { action: string; actor: { licenseeId: string; apiKeyId: string } }[];
    expect(events.find((e) => e.action === 'receive')?.actor).toEqual({ licenseeId: s.receiver.id, apiKeyId: 'state-system:metrc' });
    // Nothing is owed for it: the state has it.
    expect((await submissionsOf(s.w, s.id)).some((sub) => sub.step === 'receive')).toBe(false);
    // Only the shipper's taking the rejected package back is: in Metrc too.
    const takeBack = await eventually(async () => (await submissionsOf(s.w, s.id)).find((sub) => sub.step === 'take-back' && sub.status === 'awaiting-person'), 30_000, 'the take-back awaited');
    expect(takeBack.awaitingPerson?.resultKey).toBe(s.manifestNumber);
    expect(await stateOf(s.w, s.id)).toMatchObject({ status: 'awaiting-person', step: 'take-back', receipt: { packages: [{ outcome: 'rejected' }, { outcome: 'accepted', quantity: 98 }] } });

    // The receiver sends the rejected package back, as after any receipt.
    const partner = await s.receiver.call('POST', '/v1/partners', {
      legalName: 'Hudson Valley Distribution',
      licenseNumber: s.w.shipperLicense,
      premisesAddress: { street: '12 River Rd', city: 'Kingston', state: 'NY', zip: '12401' },
      phone: '(845) 555-0100',
      integrated: true,
    });
    expect(partner.status, JSON.stringify(partner.body)).toBe(201);
    const draft = await s.receiver.call('POST', `/v1/transfers/${s.id}/return`, { receiverPartnerId: partner.body['id'] }, { 'if-match': `"${String(received['version'])}"` });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect((draft.body['content'] as { lines: { tag: string }[] }).lines.map((l) => l.tag)).toEqual([s.w.tag(1)]);
  });
});
