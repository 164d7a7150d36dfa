/**
 * A shipper whose own software reports to the NY-API ships to the demo processor: the inbound
 * pull records the transfer in the processor's incoming list, follows its arrival, and the
 * processor receives it through the hub, which reports the receipt to the state system.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createBioTrackAdapter } from '#shared/state-system/biotrack/adapter.ts';
import { LOCAL_NYAPI_CLIENT } from '#infra/local/hub.ts';
import type { StateAccount } from '#shared/state-system/port.ts';
import { call } from '../../support/lifecycle.ts';
import { emulatorState, eventually, freshInventoryOf, stateLicenseOf } from '../../support/nyapi.ts';
import { connectInMemory, memoryConnectionStore } from '../../support/state-connections.ts';

const { urls } = inject('hub');
const settings = { baseUrl: urls.nyapi, tokenPath: '/oauth/token', authorizePath: '/oauth', timeoutMs: 2000, ...LOCAL_NYAPI_CLIENT };

describe('inbound transfers from other systems', { timeout: 180_000 }, () => {
  it('appear in the receiver’s incoming list, follow their arrival, and are received through the hub', async () => {
    const n = randomInt(100_000, 999_999);
    const license = `LocLicX${n}`;
    const user = { Username: `other-${n}`, Password: `pw-${n}` };
    const tags = await freshInventoryOf({ license, ubi: `61${n}`, name: `Other System Farms ${n} LLC`, users: [user] }, 2);

    // The other licensee's software reports a manifest and ships it to the processor.
    const store = memoryConnectionStore();
    await connectInMemory(settings, store, { licenseeId: 'other', license, user: { username: user.Username, password: user.Password } });
    const other = createBioTrackAdapter({ settings, connections: store, fetch, now: () => new Date() });
    const account: StateAccount = { licenseeId: 'other', system: 'biotrack-ny', stateLicenseNumber: license, identity: { ubi: `61${n}` } };
    const ids = await other.reportManifest(account, {
      submissionKey: `other-${n}`,
      kind: 'transfer',
      manifestNumber: `OCM-OTHER-${n}`,
      receiver: { stateLicenseNumber: stateLicenseOf('processor'), name: 'Seneca Ridge Processing Inc.' },
      drivers: [{ hubId: 'd1', name: 'Marta Kowalczyk', driversLicenseNumber: '999', driversLicenseState: 'NY' }],
      vehicle: { hubId: 'v1', description: 'Grey 2022 Ram ProMaster', make: 'Ram', model: 'ProMaster', year: 2022, color: 'Grey' },
      estimatedDeparture: new Date(Date.now() - 60_000).toISOString(),
      estimatedArrival: new Date(Date.now() + 3_600_000).toISOString(),
      route: 'US-20',
      lines: tags.map((tag) => ({ tag, quantity: 5, unit: 'each' as const, unitPrice: 9 })),
    }, {}, async () => undefined);
    const shipped = await other.reportShipment(account, ids, `other-${n}`);
    const stateTransferId = shipped.inventoryTransferIds?.[0];

    // The pull (every 2 s here) records it for the processor, on the road. A run goes through every connected
    // licensee of the test hub one after another (the Metrc worlds of other files too), so it may take a while.
    const incoming = async () => ((await call('processor', 'GET', '/v1/transfers?direction=incoming&limit=100')).body['items'] as Record<string, unknown>[]).find((t) => t['manifestNumber'] === ids.manifestId);
    const listed = await eventually(incoming, 60_000, 'the imported transfer in the incoming list');
    expect(listed['status']).toBe('IN_TRANSIT');
    const id = listed['id'] as string;
    const transfer = (await call('processor', 'GET', `/v1/transfers/${id}`)).body;
    // The state's integer id, as the hub's own (opaque, string) reference to it.
    expect(transfer['origin']).toMatchObject({ system: 'biotrack-ny', stateKey: `inventory-transfer:${stateTransferId}`, manifestNumber: ids.manifestId });
    expect((transfer['content'] as { lines: { tag: string }[] }).lines.map((l) => l.tag).sort()).toEqual([...tags].sort());
    expect((await call('processor', 'GET', `/v1/transfers/${id}/manifest`)).status).toBe(404);

    // It arrives (reported by the other system); the next pull follows.
    await other.reportArrival(account, ids, `other-${n}`);
    await eventually(async () => ((await incoming())?.['status'] === 'ARRIVED' ? true : undefined), 60_000, 'the arrival');

    // Received through the hub, and reported to the state system by the processor.
    const received = await call('processor', 'POST', `/v1/transfers/${id}/receipt`, {
      lines: [
        { tag: tags[0], outcome: 'accepted', acceptedQuantity: 5 },
        { tag: tags[1], outcome: 'rejected', reason: 'wrong-product' },
      ],
      receivedBy: { name: 'Kai Jensen', title: 'Receiver' },
    });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const submissions = async () => (await call('processor', 'GET', `/v1/transfers/${id}/submissions`)).body['items'] as { step: string; status: string }[];
    await eventually(async () => ((await submissions()).some((s) => s.step === 'receive' && s.status === 'succeeded') ? true : undefined), 20_000, 'the reported receipt');
    const atState = ((await emulatorState())['inventoryTransfers'] as { ID: number; Received?: boolean }[]).find((t) => t.ID === stateTransferId);
    expect(atState?.Received).toBe(true);
  });
});
