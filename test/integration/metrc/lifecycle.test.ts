/**
 * One New York transfer through its whole Metrc lifecycle, over HTTP through the local hub and its
 * Metrc emulator, the reconciler on its local schedule and every person's step played in Metrc's
 * "web app" (the emulator's `/_emulator/ui/*`): the shipper drafts from the packages Metrc holds,
 * the pre-flight refuses what Metrc would (on hold, not a finished good for a dispensary, lab
 * failed), the manifest pushes one template, a person registers it (Metrc's number on the hub's
 * next manifest version, Metrc's own PDF kept beside it), the hub records the departure and Metrc's
 * time far from it shows as a difference, the receiver receives in Metrc with one rejection, a 3%
 * shortfall and a 2% overage, the hub shows Metrc's receipt (on its list rows too), asks the shipper to accept the rejected
 * package back in Metrc and sees it done, and the receiver drafts the return: the rejected package,
 * and the overage under a new package.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../../support/nyapi.ts';
import { connectShipper, metrcHubWorld, receiverTenant } from './hub-world.ts';
import type { MetrcHubWorld } from './hub-world.ts';

interface Submission {
  readonly step: string;
  readonly status: string;
  readonly reportedBy: string;
  readonly awaitingPerson?: { readonly instruction: string; readonly resultKey: string };
}
interface StateSystemView {
  readonly status: string;
  readonly step?: string;
  readonly instruction?: string;
  readonly stateManifestId?: string;
  readonly receipt?: { readonly packages: readonly { tag: string; outcome: string; quantity: number }[] };
  readonly differences?: readonly { kind: string; message: string; times?: { hub: string; state: string } }[];
  readonly times?: { readonly departure?: { hub?: string; state: string; apartMinutes?: number } };
}

const submissionsOf = async (w: MetrcHubWorld, id: string) => (await w.call('GET', `/v1/transfers/${id}/submissions`)).body['items'] as Submission[];
const stateOf = async (w: MetrcHubWorld, id: string) => (await w.call('GET', `/v1/transfers/${id}`)).body['stateSystem'] as StateSystemView;
const ifMatch = (body: Record<string, unknown>) => ({ 'if-match': `"${String(body['version'])}"` });

describe('a New York transfer through Metrc, from draft to return', { timeout: 240_000 }, () => {
  it('goes draft → pre-flight → template → registration → departure → receipt in Metrc → take-back → return', async () => {
    const w = await metrcHubWorld([
      { n: 1 },
      { n: 2, quantity: 100 },
      { n: 3, quantity: 100 },
      { n: 4, isOnHold: true },
      { n: 5, isFinishedGood: false },
      { n: 6, labTestingState: 'TestFailed' },
    ]);
    const shipperId = await connectShipper(w);
    const receiver = await receiverTenant(w);

    // Drafted from what Metrc holds: the picker finds the packages by tag.
    const picked = await w.call('GET', `/v1/state-system/packages?search=${w.tag(2).slice(-6)}`);
    expect(picked.status, JSON.stringify(picked.body)).toBe(200);
    expect((picked.body['items'] as { tag: string }[]).map((p) => p.tag)).toEqual([w.tag(2)]);

    // Pre-flight: what Metrc would refuse is refused at its line, and nothing is numbered.
    const refusedId = await w.draft([{ n: 4 }, { n: 5 }, { n: 6 }]);
    const refused = await w.manifest(refusedId);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    const problems = refused.body['errors'] as { pointer: string; message: string }[];
    expect([...new Set(problems.map((p) => p.pointer))].sort()).toEqual(['/lines/0/tag', '/lines/1/finishedGoods', '/lines/2/labTestStatus']);
    expect(problems.find((p) => p.pointer === '/lines/0/tag')?.message).toMatch(/hold/i);
    expect(problems.find((p) => p.pointer === '/lines/1/finishedGoods')?.message).toMatch(/finished good/i);
    expect(problems.find((p) => p.pointer === '/lines/2/labTestStatus')?.message).toMatch(/lab|test/i);
    expect((await w.call('GET', `/v1/transfers/${refusedId}`)).body['status']).toBe('DRAFT');

    // Manifest: the hub's own manifest, and one template in Metrc named for the transfer.
    const id = await w.draft([{ n: 1 }, { n: 2, quantity: 100 }, { n: 3, quantity: 100 }]);
    const manifested = await w.manifest(id);
    expect(manifested.status, JSON.stringify(manifested.body)).toBe(200);
    const awaited = await eventually(async () => (await submissionsOf(w, id)).find((s) => s.step === 'manifest' && s.status === 'awaiting-person'), 30_000, 'the template pushed');
    const templateName = awaited.awaitingPerson?.resultKey ?? '';
    const templates = ((await w.control('GET', '/state')) as { templates: { Id: number; Name: string }[] }).templates.filter((t) => t.Name === templateName);
    expect(templates).toHaveLength(1);

    // A person registers it in Metrc: Metrc's number on the hub's next manifest version, Metrc's PDF kept.
    const registered = (await w.control('POST', '/ui/register', { templateId: templates[0]?.Id })) as { Id: number; ManifestNumber: string; Deliveries: { DeliveryId: number }[] };
    const deliveryId = registered.Deliveries[0]?.DeliveryId ?? 0;
    const numbered = await eventually(async () => {
      const body = (await w.call('GET', `/v1/transfers/${id}`)).body;
      return (body['manifest'] as { stateManifestNumber?: string }).stateManifestNumber ? body : undefined;
    }, 60_000, 'the registration seen');
    expect(numbered['manifest']).toMatchObject({ version: 2, stateManifestNumber: registered.ManifestNumber });
    expect((numbered['stateSystem'] as StateSystemView).stateManifestId).toBe(registered.ManifestNumber);
    const official = await w.call('GET', `/v1/transfers/${id}/state-manifest`);
    expect(official.status, JSON.stringify(official.body)).toBe(200);
    expect(official.body).toMatchObject({ stateManifestNumber: registered.ManifestNumber, contentType: 'application/pdf' });

    // The hub records the departure; the person's departure in Metrc is 40 minutes later: shown, and a difference.
    const departed = await w.call('POST', `/v1/transfers/${id}/depart`, {}, ifMatch(numbered));
    expect(departed.status, JSON.stringify(departed.body)).toBe(200);
    const hubDeparture = departed.body['departedAt'] as string;
    const metrcDeparture = new Date(Date.parse(hubDeparture) + 40 * 60_000).toISOString();
    await w.control('POST', '/ui/depart', { transferId: registered.Id, at: metrcDeparture });
    const timeDiffers = await eventually(async () => {
      const view = await stateOf(w, id);
      return view.differences?.some((d) => d.kind === 'departure-time-differs') ? view : undefined;
    }, 60_000, "Metrc's departure time seen");
    expect(timeDiffers.status).toBe('discrepancy');
    expect(timeDiffers.times?.departure).toEqual({ hub: hubDeparture, state: metrcDeparture, apartMinutes: 40 });
    expect(timeDiffers.differences?.find((d) => d.kind === 'departure-time-differs')).toMatchObject({
      times: { hub: hubDeparture, state: metrcDeparture },
      message: expect.stringMatching(/^The state system shows the shipment departed 40 minutes later than the hub recorded/) as unknown,
    });

    // The receiver receives in Metrc: package 1 rejected, 97 of 100 (3%), 102 of 100 (2%), each variance confirmed.
    await w.control('POST', '/ui/receive', {
      deliveryId,
      packages: [
        { label: w.tag(1), action: 'reject', rejectReason: 'Damaged' },
        { label: w.tag(2), action: 'accept', receivedQuantity: 97, confirmVariance: true },
        { label: w.tag(3), action: 'accept', receivedQuantity: 102, confirmVariance: true },
      ],
    });
    const received = await eventually(async () => {
      const view = await stateOf(w, id);
      return view.receipt ? view : undefined;
    }, 60_000, "Metrc's receipt seen");
    expect(received.receipt?.packages).toEqual([
      { tag: w.tag(1), outcome: 'rejected', quantity: 0, unit: 'each' },
      { tag: w.tag(2), outcome: 'accepted', quantity: 97, unit: 'each' },
      { tag: w.tag(3), outcome: 'accepted', quantity: 102, unit: 'each' },
    ]);
    const receivedTransfer = (await receiver.call('GET', `/v1/transfers/${id}`)).body;
    expect(receivedTransfer['status']).toBe('PARTIALLY_ACCEPTED');
    // The lists say so too: the shipper's outgoing row and the receiver's incoming one show the state's receipt.
    const row = async (who: { call: MetrcHubWorld['call'] }, direction: string) =>
      ((await who.call('GET', `/v1/transfers?direction=${direction}&limit=100`)).body['items'] as { id: string; stateSystem: { receiptSeenAt?: string } }[]).find((t) => t.id === id);
    // (Rows carry the stored status, which the reconciler refreshes a moment after it keeps the receipt.)
    const listed = await eventually(async () => (await row(w, 'outgoing'))?.stateSystem.receiptSeenAt, 10_000, 'the receipt on the outgoing row');
    expect(Date.parse(listed)).not.toBeNaN();
    expect((await row(receiver, 'incoming'))?.stateSystem.receiptSeenAt).toBe(listed);

    // The shipper is asked to accept the rejected package back in Metrc, and the hub sees it done.
    const takeBack = await eventually(async () => (await submissionsOf(w, id)).find((s) => s.step === 'take-back' && s.status === 'awaiting-person'), 30_000, 'the take-back asked for');
    expect(takeBack.reportedBy).toBe(shipperId);
    expect(takeBack.awaitingPerson?.instruction).toBe(`Accept back the rejected package ${w.tag(1)} of manifest ${registered.ManifestNumber} in Metrc: Transfers → Licensed → Rejected`);
    await w.control('POST', '/ui/accept-rejected', { deliveryId });
    await eventually(async () => ((await submissionsOf(w, id)).find((s) => s.step === 'take-back')?.status === 'succeeded' ? true : undefined), 60_000, 'the take-back seen');

    // The receiver drafts the return: the rejected package, and the overage repackaged under a new package.
    const partner = await receiver.call('POST', '/v1/partners', {
      legalName: 'Hudson Valley Distribution',
      licenseNumber: w.shipperLicense,
      premisesAddress: { street: '12 River Rd', city: 'Kingston', state: 'NY', zip: '12401' },
      phone: '(845) 555-0100',
      integrated: true,
    });
    expect(partner.status, JSON.stringify(partner.body)).toBe(201);
    const newTag = `${w.tag(3).slice(0, -3)}900`;
    const wrong = await receiver.call('POST', `/v1/transfers/${id}/return`, { receiverPartnerId: partner.body['id'], overages: [{ tag: w.tag(2), newTag }] }, ifMatch(receivedTransfer));
    expect(wrong.status, JSON.stringify(wrong.body)).toBe(422);
    expect((wrong.body['errors'] as { pointer: string }[]).map((e) => e.pointer)).toEqual(['/overages/0/tag']);
    const draft = await receiver.call('POST', `/v1/transfers/${id}/return`, { receiverPartnerId: partner.body['id'], overages: [{ tag: w.tag(3), newTag }] }, ifMatch(receivedTransfer));
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect((draft.body['content'] as { lines: { tag: string; quantity: number }[] }).lines.map((l) => [l.tag, l.quantity])).toEqual([
      [w.tag(1), 20],
      [newTag, 2],
    ]);
  });
});
