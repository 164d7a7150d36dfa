/**
 * The BioTrack adapter against an emulator of its own (its clock moves without disturbing the
 * shared hub): token refresh before expiry and after an AUTH_EXPIRED, the 100-day consent,
 * user attribution, both error styles, and lookups by ExternalID.
 */
import { describe, expect, it } from 'vitest';
import type { IntakeReport, StateAccount } from '#shared/state-system/port.ts';
import { failure, keepNothing, RECEIVER, report, SHIPPER, TAGS, useBioTrackEmulator } from '../../support/biotrack-world.ts';
import { connectInMemory } from '../../support/state-connections.ts';

const { control, connectedInMemory: connected, adapterFor, calls, settings } = useBioTrackEmulator();

describe('the BioTrack NY-API adapter', () => {
  it('reports a manifest as the linked user of the acting API key, else as the default integration user', async () => {
    const world = await connected();
    const adapter = adapterFor(world);
    const byAlice = await adapter.reportManifest({ ...world.account, actingApiKeyId: 'key-alice' }, report('t1-manifest'), {}, keepNothing);
    expect(byAlice.manifestId).toMatch(/^\d{16}$/);
    expect(byAlice.invoiceId).toMatch(/^\d{16}$/);
    await adapter.reportVoid(world.account, byAlice, 't1-void');

    const writes = (await calls()).filter((c) => c.method !== 'GET' && c.route !== '/v1/user/login');
    expect(writes.filter((c) => c.route === '/v1/manifest').map((c) => c.user)).toEqual(['alice']);
    expect(writes.filter((c) => c.route === '/v1/manifest/{id}/void').map((c) => c.user)).toEqual(['integration']);
    expect(await adapter.findByExternalId(world.account, 'manifest', 't1-manifest.manifest')).toBe(byAlice.manifestId);
  });

  it('refreshes the access token a minute before it expires, and once more when the state system says AUTH_EXPIRED', async () => {
    const world = await connected();
    const adapter = adapterFor(world);
    const first = world.store.connections.get('tenant-1')?.accessToken;

    world.now = new Date(world.now.getTime() + 3_570_000);
    await control('PUT', '/_emulator/clock', { advanceSeconds: 3_570 });
    await adapter.findByExternalId(world.account, 'invoice', 'nothing');
    const second = world.store.connections.get('tenant-1')?.accessToken;
    expect(second).not.toBe(first);

    // The state system's clock ran ahead of ours: it refuses the token, the adapter refreshes and goes on.
    await control('PUT', '/_emulator/clock', { advanceSeconds: 3_700 });
    expect(await adapter.findByExternalId(world.account, 'invoice', 'nothing')).toBeUndefined();
    expect(world.store.connections.get('tenant-1')?.accessToken).not.toBe(second);
  });

  it('turns an expired 100-day consent into a consent-expired failure, not a retry', async () => {
    const world = await connected();
    await control('PUT', '/_emulator/clock', { advanceDays: 101 });
    const refused = await failure(adapterFor(world).reportManifest(world.account, report('t2'), {}, keepNothing));
    expect(refused.kind).toBe('consent-expired');
    expect(refused.code).toBe('CONSENT_EXPIRED');

    // The hub's own record of the consent ran out too: it does not even call.
    world.now = new Date(world.now.getTime() + 101 * 86_400_000);
    const before = (await calls()).length;
    expect((await failure(adapterFor(world).reportManifest(world.account, report('t3'), {}, keepNothing))).kind).toBe('consent-expired');
    expect((await calls()).length).toBe(before);
  });

  it('treats HTTP errors and legacy 200 {success: 0} alike, keeping the state system code', async () => {
    const world = await connected();
    const adapter = adapterFor(world);
    const unknownTag = { ...report('t4'), lines: [{ tag: '9999999999999999', quantity: 1, unit: 'each' as const, unitPrice: 1 }] };
    const modern = await failure(adapter.reportManifest(world.account, unknownTag, {}, keepNothing));
    expect(modern).toMatchObject({ kind: 'permanent', code: 'NOT_FOUND', status: 404 });

    await control('PUT', '/_emulator/faults', { rules: [{ route: '*', legacyErrors: true }] });
    const legacy = await failure(adapter.reportManifest(world.account, { ...unknownTag, submissionKey: 't5' }, {}, keepNothing));
    expect(legacy).toMatchObject({ kind: 'permanent', code: 'NOT_FOUND', status: 200 });

    await control('PUT', '/_emulator/faults', { rules: [{ route: '*', legacyErrors: true, rate5xx: 1 }] });
    expect((await failure(adapter.reportManifest(world.account, report('t6'), {}, keepNothing))).kind).toBe('transient');
  });

  it('reports shipment, arrival and a receipt by the receiver with partial amounts and a rejection', async () => {
    const world = await connected();
    const adapter = adapterFor(world);
    const manifest = await adapter.reportManifest(world.account, { ...report('t7'), lines: TAGS.map((tag) => ({ tag, quantity: 4, unit: 'each' as const, unitPrice: 5 })) }, {}, keepNothing);
    const shipped = await adapter.reportShipment(world.account, manifest, 't7-ship');
    // A retried shipment finds the first instead of shipping again.
    expect(await adapter.reportShipment(world.account, manifest, 't7-ship')).toEqual(shipped);
    await adapter.reportArrival(world.account, manifest, 't7-arrive');
    await adapter.reportArrival(world.account, manifest, 't7-arrive');

    // The receiver connects too and receives through the same adapter.
    await control('POST', '/_emulator/seed', { licensees: [{ LocationLicense: RECEIVER, UBI: 'UBI-2', Name: 'Receiver', users: [{ Username: 'recv', Password: 'pw' }] }] });
    await connectInMemory(settings(), world.store, { licenseeId: 'tenant-2', license: RECEIVER, user: { username: 'recv', password: 'pw' } });
    const receiver: StateAccount = { licenseeId: 'tenant-2', system: 'biotrack-ny', stateLicenseNumber: RECEIVER, identity: { ubi: 'UBI-2' } };
    const { transfers: inbound } = await adapter.listInbound(receiver);
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ refs: { inventoryTransferIds: [shipped.inventoryTransferIds?.[0]] }, arrived: true, received: false, shipper: { stateLicenseNumber: SHIPPER, name: 'Shipper' } });
    expect(inbound[0]?.lines.map((l) => l.tag).sort()).toEqual([...TAGS].sort());

    const receipt = {
      submissionKey: 't7-receive',
      lines: [
        { tag: TAGS[0] ?? '', accepted: true, receivedQuantity: 3.5 },
        { tag: TAGS[1] ?? '', accepted: false, receivedQuantity: 0, rejectReason: 'damaged' },
      ],
    };
    await adapter.reportReceipt(receiver, shipped, receipt);
    // Receiving again after a lost answer is recognized as done.
    await adapter.reportReceipt(receiver, shipped, receipt);
    expect((await adapter.listInbound(receiver)).transfers).toEqual([]);
  });

  it('reports a paper manifest taken in as one intake, and finds it again by ExternalID after a lost answer', async () => {
    const world = await connected();
    const adapter = adapterFor(world);
    await control('POST', '/_emulator/seed', { licensees: [{ LocationLicense: RECEIVER, UBI: 'UBI-2', Name: 'Receiver', users: [{ Username: 'recv', Password: 'pw' }] }] });
    await connectInMemory(settings(), world.store, { licenseeId: 'tenant-2', license: RECEIVER, user: { username: 'recv', password: 'pw' } });
    const receiver: StateAccount = { licenseeId: 'tenant-2', system: 'biotrack-ny', stateLicenseNumber: RECEIVER, identity: { ubi: 'UBI-2' } };
    const paperTags = ['5000000000000001', '5000000000000002'];
    const intake: IntakeReport = {
      submissionKey: 'p1-000002-intake',
      shipper: { stateLicenseNumber: SHIPPER, name: 'Shipper' },
      manifestNumber: 'PAPER-17',
      drivers: ['Rosa Diaz'],
      lines: [
        { tag: paperTags[0] ?? '', productName: 'Bulk flower', shippedQuantity: 100, unit: 'g', accepted: true, receivedQuantity: 97 },
        { tag: paperTags[1] ?? '', productName: 'Gummies', shippedQuantity: 12, unit: 'each', accepted: false, receivedQuantity: 0, rejectReason: 'damaged' },
      ],
    };

    // The state system records it but the answer is lost; the retry finds it instead of recording it twice.
    await control('PUT', '/_emulator/faults', { rules: [{ route: 'POST /v1/inventory/transfer/inbound', rateCommitThenDrop: 1 }] });
    expect((await failure(adapter.reportIntake(receiver, intake))).kind).toBe('transient');
    await control('DELETE', '/_emulator/faults');
    const ids = await adapter.reportIntake({ ...receiver, retry: true }, intake);
    expect(ids.inventoryTransferIds).toHaveLength(1);
    expect(await adapter.reportIntake(receiver, intake)).toEqual(ids);
    expect(await adapter.findByExternalId(receiver, 'inbound-transfer', 'p1-000002-intake.intake')).toBe(ids.inventoryTransferIds?.[0]);

    const state = await control('GET', '/_emulator/state');
    expect((state['created'] as Record<string, number>)['intake']).toBe(1);
    const lots = (state['licensees'] as { LocationLicense: string; inventory: { ID: string; RemainingAmount: number; UOM: string }[] }[]).find(
      (l) => l.LocationLicense === RECEIVER,
    )?.inventory;
    expect(lots).toEqual([expect.objectContaining({ ID: paperTags[0], RemainingAmount: 97, UOM: 'gram' })]);

    // The state system's refusal is final, with its code.
    const unknownShipper = { ...intake, submissionKey: 'p2-000002-intake', shipper: { stateLicenseNumber: 'LIC-NOBODY', name: 'Nobody' } };
    expect(await failure(adapter.reportIntake(receiver, unknownShipper))).toMatchObject({ kind: 'permanent', code: 'NOT_FOUND' });
  });
});
