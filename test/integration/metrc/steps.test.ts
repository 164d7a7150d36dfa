/**
 * The human steps of Metrc's web app, played through the control routes (register, depart, arrive,
 * receive, void, edit, accept rejected packages), each seen by windowed polling; the NY rules by
 * date (NY_IB_0010 at receipt, NY_IB_0011 and Retail Item IDs at registration); post-receipt
 * adjustment, external incoming shipments, drivers and vehicles.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMetrcEmulator } from '#infra/local/metrc/server.ts';
import type { MetrcEmulator } from '#infra/local/metrc/server.ts';
import { DISPENSARY, DISTRIBUTOR, KEYS, label, MetrcClient, OTHER_DISPENSARY, PROCESSOR, STANDARD_SEED, templateBody, WIDE } from './client.ts';
import type { Envelope, RowErrorBody, StepAnswer } from './client.ts';

let emulator: MetrcEmulator;
let admin: MetrcClient;
let dist: MetrcClient;
let retail: MetrcClient;

beforeAll(async () => {
  emulator = await startMetrcEmulator({ seed: STANDARD_SEED, config: { rateLimits: { enabled: false } } });
  admin = new MetrcClient(emulator.url, emulator.vendorKey, '');
  dist = admin.as(KEYS.distributor);
  retail = admin.as(KEYS.dispensary);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await admin.control('POST', '/reset');
  // After both NY rules took effect unless a test says otherwise.
  await admin.control('PUT', '/clock', { now: '2026-11-16T15:00:00Z' });
});

interface StepFailure {
  readonly Message: string;
  readonly Problems?: string[];
}

async function shipment(labels: readonly string[] = [label(1), label(2)], recipient = DISPENSARY): Promise<{ transfer: StepAnswer; deliveryId: number; templateId: number }> {
  const created = await dist.send<{ Ids: number[] }>('POST', '/transfers/v2/templates/outgoing', [templateBody({ labels, recipient })], { licenseNumber: DISTRIBUTOR });
  expect(created.status, created.text).toBe(200);
  const templateId = created.body.Ids[0] ?? 0;
  const registered = await admin.control<StepAnswer>('POST', '/ui/register', { templateId });
  expect(registered.status, registered.text).toBe(200);
  return { transfer: registered.body, deliveryId: registered.body.Deliveries[0]?.DeliveryId ?? 0, templateId };
}

async function outgoingRow(): Promise<Record<string, unknown>> {
  const outgoing = await dist.get<Envelope<Record<string, unknown>>>('/transfers/v2/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE });
  return outgoing.body.Data[0] ?? {};
}

/** A window of local New York times around now: what an adapter polling every few minutes sends. */
async function recentWindow(): Promise<Record<string, string>> {
  const { body } = await admin.control<{ now: string }>('GET', '/clock');
  const now = Date.parse(body.now);
  const local = (ms: number) => new Date(ms - 5 * 3_600_000).toISOString().slice(0, 23);
  return { lastModifiedStart: local(now - 60_000), lastModifiedEnd: local(now + 60_000) };
}

describe('Metrc emulator: the person\'s steps, seen by polling', () => {
  it('departs, arrives and receives; every step moves LastModified so that a recent window sees it', async () => {
    const { transfer, deliveryId } = await shipment();
    await admin.control('PUT', '/clock', { advanceSeconds: 3600 });
    const before = await outgoingRow();
    const quiet = await dist.get<Envelope<unknown>>('/transfers/v2/outgoing', { licenseNumber: DISTRIBUTOR, ...(await recentWindow()) });
    expect(quiet.body.Total).toBe(0);

    expect((await admin.control('POST', '/ui/depart', { transferId: transfer.Id })).status).toBe(200);
    const departed = await dist.get<Envelope<Record<string, unknown>>>('/transfers/v2/outgoing', { licenseNumber: DISTRIBUTOR, ...(await recentWindow()) });
    expect(departed.body.Total).toBe(1);
    expect(departed.body.Data[0]?.['ActualDepartureDateTime']).toEqual(expect.stringMatching(/\+00:00$/));
    expect(departed.body.Data[0]?.['LastModified']).not.toBe(before['LastModified']);
    expect((await admin.control('POST', '/ui/depart', { transferId: transfer.Id })).status).toBe(409);

    await admin.control('PUT', '/clock', { advanceSeconds: 3600 });
    expect((await admin.control('POST', '/ui/arrive', { deliveryId })).status).toBe(200);
    const arrived = await retail.get<Envelope<Record<string, unknown>>>('/transfers/v2/incoming', { licenseNumber: DISPENSARY, ...(await recentWindow()) });
    expect(arrived.body.Data[0]?.['ActualArrivalDateTime']).toEqual(expect.stringMatching(/\+00:00$/));

    await admin.control('PUT', '/clock', { advanceSeconds: 3600 });
    const received = await admin.control('POST', '/ui/receive', {
      deliveryId,
      packages: [
        { label: label(1), action: 'accept' },
        { label: label(2), action: 'accept', receivedQuantity: 98, confirmVariance: true },
      ],
    });
    expect(received.status, received.text).toBe(200);
    const incoming = await retail.get<Envelope<Record<string, unknown>>>('/transfers/v2/incoming', { licenseNumber: DISPENSARY, ...(await recentWindow()) });
    expect(incoming.body.Data[0]).toMatchObject({ DeliveryReceivedPackageCount: 2, ReceivedPackageCount: 2, ReceivedDeliveryCount: 1 });
    expect(incoming.body.Data[0]?.['ReceivedDateTime']).toEqual(expect.stringMatching(/\+00:00$/));

    const packages = await dist.get<Envelope<{ PackageLabel: string; ShipmentPackageState: string; ReceivedQuantity: number }>>(`/transfers/v2/deliveries/${deliveryId}/packages`);
    expect(packages.body.Data.map((p) => [p.PackageLabel, p.ShipmentPackageState, p.ReceivedQuantity])).toEqual([
      [label(1), 'Accepted', 100],
      [label(2), 'Accepted', 98],
    ]);
    // The packages now belong to the dispensary.
    const moved = await retail.get<Record<string, unknown>>(`/packages/v2/${label(2)}`, { licenseNumber: DISPENSARY });
    expect(moved.body).toMatchObject({ Quantity: 98, ReceivedFromManifestNumber: transfer.ManifestNumber, ReceivedFromFacilityLicenseNumber: DISTRIBUTOR });
    expect((await dist.get(`/packages/v2/${label(2)}`, { licenseNumber: DISTRIBUTOR })).status).toBe(401);
    const transferred = await dist.get<Envelope<Record<string, unknown>>>('/packages/v2/transferred', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(transferred.body.Data.map((p) => [p['PackageLabel'], p['ShipmentPackageStateName'], p['ReceivedQuantity']])).toEqual([
      [label(1), 'Accepted', 100],
      [label(2), 'Accepted', 98],
    ]);
    expect((await admin.control('POST', '/ui/receive', { deliveryId, packages: [] })).status).toBe(409);
    expect((await admin.control('POST', '/ui/void', { transferId: transfer.Id })).status).toBe(409);
  });

  it('asks for a decision on every package and a reason for every rejection', async () => {
    const { deliveryId } = await shipment();
    const reply = await admin.control<StepFailure>('POST', '/ui/receive', { deliveryId, packages: [{ label: label(1), action: 'reject' }, { label: label(7), action: 'accept' }] });
    expect(reply.status).toBe(400);
    expect(reply.body.Problems).toEqual([`Package ${label(7)} is not on this delivery.`, `Package ${label(1)}: a reason is required to reject it.`, `Package ${label(2)} has no decision: accept or reject it.`]);
  });

  it('rejects packages back to the shipper, lists them as rejected, and returns them when the shipper accepts them back', async () => {
    const { transfer, deliveryId } = await shipment();
    const received = await admin.control('POST', '/ui/receive', { deliveryId, packages: [{ label: label(1), action: 'accept' }, { label: label(2), action: 'reject', rejectReason: 'Damaged packaging' }] });
    expect(received.status, received.text).toBe(200);
    const rejected = await dist.get<Envelope<Record<string, unknown>>>('/transfers/v2/rejected', { licenseNumber: DISTRIBUTOR });
    expect(rejected.body.Data).toEqual([expect.objectContaining({ Id: transfer.Id, DeliveryId: deliveryId, ManifestNumber: transfer.ManifestNumber, PackageCount: 2, ReceivedPackageCount: 1 })]);
    const inTransit = await dist.get<Envelope<{ Label: string }>>('/packages/v2/intransit', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(inTransit.body.Data.map((p) => p.Label)).toEqual([label(2)]);

    expect((await admin.control('POST', '/ui/accept-rejected', { deliveryId })).status).toBe(200);
    const packages = await dist.get<Envelope<{ PackageLabel: string; ShipmentPackageState: string }>>(`/transfers/v2/deliveries/${deliveryId}/packages`);
    expect(packages.body.Data.map((p) => p.ShipmentPackageState)).toEqual(['Accepted', 'Returned']);
    const active = await dist.get<Envelope<{ Label: string; Quantity: number }>>('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(active.body.Data.find((p) => p.Label === label(2))?.Quantity).toBe(100);
    const deliveries = await dist.get<Envelope<{ RejectedPackagesReturned: boolean }>>(`/transfers/v2/${transfer.Id}/deliveries`);
    expect(deliveries.body.Data[0]?.RejectedPackagesReturned).toBe(true);
    expect((await admin.control('POST', '/ui/accept-rejected', { deliveryId })).status).toBe(409);
  });

  it('voids a transfer before receipt: IsVoided, packages active again and free for another template', async () => {
    const { transfer } = await shipment();
    expect((await admin.control('POST', '/ui/void', { transferId: transfer.Id })).status).toBe(200);
    expect(await outgoingRow()).toMatchObject({ IsVoided: true });
    const active = await dist.get<Envelope<{ Label: string }>>('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(active.body.Data.map((p) => p.Label)).toEqual(expect.arrayContaining([label(1), label(2)]));
    await shipment([label(1)]);
  });

  it('lets a person edit a registered transfer (packages, quantities, recipient) so that drift can be seen', async () => {
    const { transfer, deliveryId } = await shipment();
    const before = await outgoingRow();
    await admin.control('PUT', '/clock', { advanceSeconds: 60 });
    const edited = await admin.control('POST', '/ui/edit', { transferId: transfer.Id, recipientLicenseNumber: OTHER_DISPENSARY, packages: [{ label: label(1), quantity: 60 }, { label: label(3) }] });
    expect(edited.status, edited.text).toBe(200);
    const after = await outgoingRow();
    expect(after['LastModified']).not.toBe(before['LastModified']);
    expect(after['PackageCount']).toBe(2);
    const packages = await dist.get<Envelope<{ PackageLabel: string; ShippedQuantity: number }>>(`/transfers/v2/deliveries/${deliveryId}/packages`);
    expect(packages.body.Data.map((p) => [p.PackageLabel, p.ShippedQuantity])).toEqual([
      [label(1), 60],
      [label(3), 100],
    ]);
    const deliveries = await dist.get<Envelope<{ RecipientFacilityLicenseNumber: string }>>(`/transfers/v2/${transfer.Id}/deliveries`);
    expect(deliveries.body.Data[0]?.RecipientFacilityLicenseNumber).toBe(OTHER_DISPENSARY);
    expect((await retail.get<Envelope<unknown>>('/transfers/v2/incoming', { licenseNumber: DISPENSARY, ...WIDE })).body.Total).toBe(0);
    // label(2) left the transfer and is active again.
    const active = await dist.get<Envelope<{ Label: string }>>('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(active.body.Data.map((p) => p.Label)).toContain(label(2));
    const refused = await admin.control<StepFailure>('POST', '/ui/edit', { transferId: transfer.Id, packages: [{ label: label(8) }] });
    expect(refused.body.Problems).toEqual([`Package ${label(8)} is on hold and cannot be transferred.`, `Package ${label(8)} is not a Finished Good; facility ${OTHER_DISPENSARY} can only receive Finished Goods.`]);
  });
});

describe('Metrc emulator: NY rules by date', () => {
  it('NY_IB_0010 from 2026-03-17: up to 5% must be confirmed, above 5% cannot be accepted; before that date any variance is accepted', async () => {
    const { deliveryId } = await shipment([label(1), label(2), label(3)]);
    const lines = (confirm: boolean, overQuantity = 89) => [
      { label: label(1), action: 'accept', receivedQuantity: 97, confirmVariance: confirm },
      { label: label(2), action: 'accept', receivedQuantity: overQuantity },
      { label: label(3), action: 'accept', receivedQuantity: 103, confirmVariance: confirm },
    ];
    const refused = await admin.control<StepFailure>('POST', '/ui/receive', { deliveryId, packages: lines(false) });
    expect(refused.status).toBe(400);
    expect(refused.body.Problems).toEqual([
      `NY_IB_0010: Package ${label(1)} shipped 100 Grams, received 97 (3.00% variance): a variance up to 5% must be explicitly confirmed.`,
      `NY_IB_0010: Package ${label(2)} shipped 100 Grams, received 89 (11.00% variance): above 5% it cannot be accepted; reject it.`,
      `NY_IB_0010: Package ${label(3)} shipped 100 Grams, received 103 (3.00% variance): a variance up to 5% must be explicitly confirmed.`,
    ]);
    expect((await admin.control('POST', '/ui/receive', { deliveryId, packages: lines(true) })).status).toBe(400);
    const accepted = await admin.control('POST', '/ui/receive', { deliveryId, packages: [...lines(true).filter((l) => l.label !== label(2)), { label: label(2), action: 'reject', rejectReason: 'Short by 11 g' }] });
    expect(accepted.status, accepted.text).toBe(200);

    await admin.control('POST', '/reset');
    await admin.control('PUT', '/clock', { now: '2026-03-16T20:00:00Z' });
    const early = await shipment([label(1), label(2), label(3)]);
    const before = await admin.control('POST', '/ui/receive', { deliveryId: early.deliveryId, packages: lines(false) });
    expect(before.status, before.text).toBe(200);
  });

  it('NY_IB_0010 follows its configured date and limit, and can be turned off', async () => {
    await admin.control('PUT', '/config', { rules: { variance: { effective: '2027-01-01', confirmUpToPercent: 5 } } });
    try {
      const { deliveryId } = await shipment([label(1)]);
      expect((await admin.control('POST', '/ui/receive', { deliveryId, packages: [{ label: label(1), action: 'accept', receivedQuantity: 50 }] })).status).toBe(200);
      await admin.control('PUT', '/config', { rules: { variance: { effective: '2026-01-01', confirmUpToPercent: 10 } } });
      const second = await shipment([label(3)]);
      expect((await admin.control('POST', '/ui/receive', { deliveryId: second.deliveryId, packages: [{ label: label(3), action: 'accept', receivedQuantity: 92, confirmVariance: true }] })).status).toBe(200);
    } finally {
      await admin.control('PUT', '/config', { rules: { variance: { effective: '2026-03-17', confirmUpToPercent: 5 } } });
    }
  });

  it('NY_IB_0011 from 2026-03-31, distributor to dispensary, at registration: Finished Good, Retail Item IDs and a passed test', async () => {
    // Retail Item IDs are already required distributor to dispensary (from 2026-02-28); the rest is not yet.
    await admin.control('PUT', '/packages', { label: label(10), retailIdCount: 1 });
    await admin.control('PUT', '/clock', { now: '2026-03-30T16:00:00Z' });
    const early = await shipment([label(10)]);
    expect(early.transfer.ManifestNumber).toMatch(/^\d{10}$/);
    await admin.control('POST', '/ui/void', { transferId: early.transfer.Id });

    await admin.control('PUT', '/clock', { now: '2026-03-31T16:00:00Z' });
    const created = await dist.send<{ Ids: number[] }>('POST', '/transfers/v2/templates/outgoing', [templateBody({ labels: [label(10), label(1)] })], { licenseNumber: DISTRIBUTOR });
    expect(created.status, 'the API accepts the template; the rule bites when the person registers it').toBe(200);
    const refused = await admin.control<StepFailure>('POST', '/ui/register', { templateId: created.body.Ids[0] });
    expect(refused.status).toBe(400);
    expect(refused.body.Problems).toEqual([
      `NY_IB_0011: Package ${label(10)} must be flagged as a Finished Good to go from a distributor to a dispensary.`,
      `NY_IB_0011: Package ${label(10)} has lab testing state SubmittedForTesting; TestPassed or RetestPassed is required.`,
    ]);
    await admin.control('PUT', '/packages', { label: label(10), retailIdCount: 0 });
    const noIds = await admin.control<StepFailure>('POST', '/ui/register', { templateId: created.body.Ids[0] });
    expect(noIds.body.Problems).toContain(`NY_IB_0011: Package ${label(10)} must carry Retail Item IDs on every unit (it has 0).`);
    // The person fixes the package in Metrc, then registers.
    await admin.control('PUT', '/packages', { label: label(10), isFinishedGood: true, retailIdCount: 1, labTestingState: 'RetestPassed' });
    expect((await admin.control('POST', '/ui/register', { templateId: created.body.Ids[0] })).status).toBe(200);
  });

  it('counts Retail Item IDs per unit for count-based packages', async () => {
    await admin.control('PUT', '/packages', { label: label(7), retailIdCount: 19 });
    const created = await dist.send<{ Ids: number[] }>('POST', '/transfers/v2/templates/outgoing', [templateBody({ labels: [label(7)] })], { licenseNumber: DISTRIBUTOR });
    const refused = await admin.control<StepFailure>('POST', '/ui/register', { templateId: created.body.Ids[0] });
    expect(refused.body.Problems).toEqual([`NY_IB_0011: Package ${label(7)} must carry Retail Item IDs on every unit (it has 19).`]);
  });

  it('a package on recall shows it, is refused in a template and at registration, and moves again once the recall is lifted', async () => {
    const templateId = (await dist.send<{ Ids: number[] }>('POST', '/transfers/v2/templates/outgoing', [templateBody({ labels: [label(1)] })], { licenseNumber: DISTRIBUTOR })).body.Ids[0];
    await admin.control('PUT', '/packages', { label: label(1), isOnRecall: true });
    const shown = await dist.get<Record<string, unknown>>(`/packages/v2/${label(1)}`, { licenseNumber: DISTRIBUTOR });
    expect([shown.body['IsOnRecall'], shown.body['IsOnRecallCombined'], shown.body['IsOnHold']]).toEqual([true, true, false]);
    const refused = await dist.send<RowErrorBody[]>('POST', '/transfers/v2/templates/outgoing', [templateBody({ labels: [label(1)] })], { licenseNumber: DISTRIBUTOR });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual([{ row: 0, message: `Package ${label(1)} is on recall and cannot be transferred.` }]);
    const atRegistration = await admin.control<StepFailure>('POST', '/ui/register', { templateId });
    expect(atRegistration.status).toBe(400);
    expect(atRegistration.body.Problems).toContain(`Package ${label(1)} is on recall and cannot be transferred.`);
    await admin.control('PUT', '/packages', { label: label(1), isOnRecall: false });
    expect((await admin.control('POST', '/ui/register', { templateId })).status).toBe(200);
  });

  it('Retail Item IDs processor to distributor from 2025-12-17', async () => {
    const processor = admin.as(KEYS.processor);
    const body = templateBody({ recipient: DISTRIBUTOR, labels: [label(20)] });
    const legs = (body['Destinations'] as Record<string, unknown>[])[0]?.['Transporters'] as Record<string, unknown>[];
    if (legs[0]) legs[0]['TransporterFacilityLicenseNumber'] = PROCESSOR;
    await admin.control('PUT', '/clock', { now: '2025-12-16T15:00:00Z' });
    const early = await processor.send<{ Ids: number[] }>('POST', '/transfers/v2/templates/outgoing', [body], { licenseNumber: PROCESSOR });
    const registered = await admin.control<StepAnswer>('POST', '/ui/register', { templateId: early.body.Ids[0] });
    expect(registered.status, registered.text).toBe(200);
    await admin.control('POST', '/ui/void', { transferId: registered.body.Id });
    await admin.control('PUT', '/clock', { now: '2025-12-17T15:00:00Z' });
    const refused = await admin.control<StepFailure>('POST', '/ui/register', { templateId: early.body.Ids[0] });
    expect(refused.body.Problems).toEqual([`Package ${label(20)} must carry Retail Item IDs on every unit to go from a processor to a distributor (it has 0).`]);
  });
});

describe('Metrc emulator: adjustments, external incoming, drivers and vehicles', () => {
  it('adjusts a received package with a reason (and the note it requires), answering {Ids}', async () => {
    const { deliveryId } = await shipment([label(1)]);
    await admin.control('POST', '/ui/receive', { deliveryId, packages: [{ label: label(1), action: 'accept' }] });
    const reasons = await retail.get<Envelope<{ Name: string; RequiresNote: boolean }>>('/packages/v2/adjust/reasons', { licenseNumber: DISPENSARY });
    expect(reasons.body.Data.find((r) => r.Name === 'Shortage Found After Receipt')?.RequiresNote).toBe(true);
    const adjustment = { Label: label(1), Quantity: -2.5, UnitOfMeasure: 'Grams', AdjustmentReason: 'Shortage Found After Receipt', AdjustmentDate: '2026-11-16', ReasonNote: null };
    const noNote = await retail.send<RowErrorBody[]>('POST', '/packages/v2/adjust', [adjustment], { licenseNumber: DISPENSARY });
    expect(noNote.body).toEqual([{ row: 0, message: 'The ReasonNote field is required for adjustment reason Shortage Found After Receipt.' }]);
    const wrongUnit = await retail.send<RowErrorBody[]>('POST', '/packages/v2/adjust', [{ ...adjustment, UnitOfMeasure: 'Ounces', ReasonNote: 'x' }, { ...adjustment, Label: label(2), ReasonNote: 'x' }], { licenseNumber: DISPENSARY });
    expect(wrongUnit.body).toEqual([
      { row: 0, message: `Package ${label(1)} is tracked in Grams; the adjustment must be in the same unit.` },
      { row: 1, message: `Package ${label(2)} does not exist in the current Facility.` },
    ]);
    const done = await retail.send<{ Ids: number[]; Warnings: null }>('POST', '/packages/v2/adjust', [{ ...adjustment, ReasonNote: 'Counted 97.5 g after acceptance' }], { licenseNumber: DISPENSARY });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ Ids: [expect.any(Number)], Warnings: null });
    expect((await retail.get<{ Quantity: number }>(`/packages/v2/${label(1)}`, { licenseNumber: DISPENSARY })).body.Quantity).toBe(97.5);
  });

  it('records a shipment from outside Metrc only where the facility type allows it; it is received like any other, updated and voided', async () => {
    const shipperFields = { ShipperLicenseNumber: 'OUT-OF-STATE-1', ShipperName: 'Vermont Hemp Farm', ShipperMainPhoneNumber: null, ShipperAddress1: null, ShipperAddress2: null, ShipperAddressCity: null, ShipperAddressState: 'VT', ShipperAddressPostalCode: null };
    const leg = { TransporterFacilityLicenseNumber: DISPENSARY, DriverName: 'Rita', DriverLicenseNumber: 'R999', DriverOccupationalLicenseNumber: null };
    const destination = (recipient: string) => ({
      RecipientLicenseNumber: recipient,
      TransferTypeName: 'External Incoming',
      PlannedRoute: 'I-89 to I-87',
      EstimatedDepartureDateTime: '2026-11-20T08:00:00.000',
      EstimatedArrivalDateTime: '2026-11-20T14:00:00.000',
      Transporters: [leg],
      Packages: [{ ItemName: 'Hemp flower', Quantity: 10, UnitOfMeasureName: 'Grams', PackagedDate: '2026-11-01T00:00:00Z', ExternalId: 'VT-1', IsFinishedGood: true }],
    });
    const created = await retail.send<{ Ids: number[] }>('POST', '/transfers/v2/external/incoming', [{ ...shipperFields, Destinations: [destination(DISPENSARY)] }], { licenseNumber: DISPENSARY });
    expect(created.status, created.text).toBe(200);
    const transferId = created.body.Ids[0] ?? 0;
    const incoming = await retail.get<Envelope<Record<string, unknown>>>('/transfers/v2/incoming', { licenseNumber: DISPENSARY, ...WIDE });
    expect(incoming.body.Data).toEqual([expect.objectContaining({ Id: transferId, ShipperFacilityLicenseNumber: 'OUT-OF-STATE-1', ShipmentLicenseType: 'Unlicensed' })]);
    const updated = await retail.send('PUT', '/transfers/v2/external/incoming', [{ TransferId: transferId, ...shipperFields, ShipperName: 'Vermont Hemp Farm LLC', Destinations: [destination(DISPENSARY)] }], { licenseNumber: DISPENSARY });
    expect([updated.status, updated.text]).toEqual([200, '']);
    const deliveryId = Number((await retail.get<Envelope<Record<string, unknown>>>('/transfers/v2/incoming', { licenseNumber: DISPENSARY, ...WIDE })).body.Data[0]?.['DeliveryId']);
    const packages = await retail.get<Envelope<{ PackageLabel: string }>>(`/transfers/v2/deliveries/${deliveryId}/packages`);
    const externalLabel = packages.body.Data[0]?.PackageLabel ?? '';
    expect(externalLabel).toMatch(/^[0-9A-Z]{24}$/);
    expect((await admin.control('POST', '/ui/receive', { deliveryId, packages: [{ label: externalLabel, action: 'accept' }] })).status).toBe(200);
    expect((await retail.get(`/packages/v2/${externalLabel}`, { licenseNumber: DISPENSARY })).status).toBe(200);
    expect((await retail.send('DELETE', `/transfers/v2/external/incoming/${transferId}`, undefined, { licenseNumber: DISPENSARY })).status).toBe(400);

    const second = await retail.send<{ Ids: number[] }>('POST', '/transfers/v2/external/incoming', [{ ...shipperFields, Destinations: [destination(DISPENSARY)] }], { licenseNumber: DISPENSARY });
    expect((await retail.send('DELETE', `/transfers/v2/external/incoming/${second.body.Ids[0] ?? 0}`, undefined, { licenseNumber: DISPENSARY })).status).toBe(200);

    const notAllowed = await dist.send<RowErrorBody[]>('POST', '/transfers/v2/external/incoming', [{ ...shipperFields, Destinations: [destination(DISTRIBUTOR)] }], { licenseNumber: DISTRIBUTOR });
    expect(notAllowed.body).toEqual([{ row: 0, message: 'The current Facility cannot receive transfers from external facilities.' }]);
  });

  it('creates, lists, updates and archives drivers and vehicles per facility', async () => {
    const drivers = await dist.send<{ Ids: number[]; Warnings: null }>('POST', '/transporters/v2/drivers', [{ Name: 'Joe Smith', DriversLicenseNumber: 'ABC1234', EmployeeId: 'E-1' }, { Name: 'Jane Doe', DriversLicenseNumber: 'ABC1235', EmployeeId: 'E-2' }], { licenseNumber: DISTRIBUTOR });
    expect(drivers.status).toBe(200);
    const [joe, jane] = drivers.body.Ids;
    expect((await dist.send('PUT', '/transporters/v2/drivers', [{ Id: joe, Name: 'Joseph Smith', DriversLicenseNumber: 'ABC1234', EmployeeId: 'E-1' }], { licenseNumber: DISTRIBUTOR })).status).toBe(200);
    const one = await dist.get<Record<string, unknown>>(`/transporters/v2/drivers/${joe ?? 0}`, { licenseNumber: DISTRIBUTOR });
    expect(one.body).toMatchObject({ Id: joe, Name: 'Joseph Smith', IsArchived: false });
    expect((await retail.get(`/transporters/v2/drivers/${joe ?? 0}`, { licenseNumber: DISPENSARY })).status).toBe(401);
    expect((await dist.send('DELETE', `/transporters/v2/drivers/${jane ?? 0}`, undefined, { licenseNumber: DISTRIBUTOR })).status).toBe(200);
    const listed = await dist.get<Envelope<{ Id: number }>>('/transporters/v2/drivers', { licenseNumber: DISTRIBUTOR });
    expect(listed.body.Data.map((d) => d.Id)).toEqual([joe]);

    const vehicles = await dist.send<{ Ids: number[] }>('POST', '/transporters/v2/vehicles', [{ Make: 'Mazda', Model: '3', LicensePlateNumber: 'ABC1234' }], { licenseNumber: DISTRIBUTOR });
    const [van] = vehicles.body.Ids;
    expect((await dist.send('PUT', '/transporters/v2/vehicles', [{ Id: van, Make: 'Mazda', Model: 'Miata', LicensePlateNumber: 'DEF5678' }], { licenseNumber: DISTRIBUTOR })).status).toBe(200);
    expect((await dist.get<Record<string, unknown>>(`/transporters/v2/vehicles/${van ?? 0}`, { licenseNumber: DISTRIBUTOR })).body).toMatchObject({ Model: 'Miata', LicensePlateNumber: 'DEF5678' });
    const unknown = await dist.send<RowErrorBody[]>('PUT', '/transporters/v2/vehicles', [{ Id: 1, Make: 'Mazda', Model: 'Miata', LicensePlateNumber: 'DEF5678' }], { licenseNumber: DISTRIBUTOR });
    expect(unknown.body).toEqual([{ row: 0, message: 'Vehicle 1 does not exist in the current Facility.' }]);
    expect((await dist.send('DELETE', `/transporters/v2/vehicles/${van ?? 0}`, undefined, { licenseNumber: DISTRIBUTOR })).status).toBe(200);
    expect((await dist.get(`/transporters/v2/vehicles/${van ?? 0}`, { licenseNumber: DISTRIBUTOR })).status).toBe(401);
  });
});
