/**
 * The Metrc emulator's core contract (metrc.md §1, §3): Basic auth and the 401 quirks, facilities per
 * key, licenseNumber scoping, paging and its envelope, bare arrays, templates, and a template turned
 * into a registered transfer by the person's step, seen through every list and sub-resource.
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
  expect((await admin.control('POST', '/reset')).status).toBe(200);
});

async function createTemplate(body: Record<string, unknown> = templateBody()): Promise<number> {
  const created = await dist.send<{ Ids: number[]; Warnings: null }>('POST', '/transfers/v2/templates/outgoing', [body], { licenseNumber: DISTRIBUTOR });
  expect(created.status, created.text).toBe(200);
  const id = created.body.Ids[0];
  if (id === undefined) throw new Error('no template id');
  return id;
}

async function register(templateId: number): Promise<StepAnswer> {
  const registered = await admin.control<StepAnswer>('POST', '/ui/register', { templateId });
  expect(registered.status, registered.text).toBe(200);
  return registered.body;
}

describe('Metrc emulator: authentication and the 401 quirks', () => {
  it('answers 401 with Metrc\'s text for no header, a wrong vendor key, an unknown or revoked user key', async () => {
    const denied = { Message: 'Authorization has been denied for this request.' };
    const none = await dist.request('GET', '/facilities/v2/', { authorization: null });
    expect([none.status, none.body]).toEqual([401, denied]);
    expect((await dist.as(KEYS.distributor, 'someone-else').get('/facilities/v2/')).status).toBe(401);
    expect((await dist.as('no-such-key').get('/facilities/v2/')).status).toBe(401);
    expect((await dist.get('/facilities/v2/')).status).toBe(200);
    expect((await admin.control('POST', '/keys/revoke', { key: KEYS.distributor })).status).toBe(200);
    const revoked = await dist.get('/facilities/v2/');
    expect([revoked.status, revoked.body]).toEqual([401, denied]);
  });

  it('answers the same 401 for a missing permission, a facility outside the key, and an unknown id or label', async () => {
    const viewer = admin.as(KEYS.viewer);
    expect((await viewer.get('/transfers/v2/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE })).status).toBe(200);
    expect((await viewer.send('POST', '/transfers/v2/templates/outgoing', [templateBody()], { licenseNumber: DISTRIBUTOR })).status).toBe(401);
    expect((await viewer.get('/transporters/v2/drivers', { licenseNumber: DISTRIBUTOR })).status).toBe(401);
    expect((await dist.get('/packages/v2/active', { licenseNumber: DISPENSARY })).status).toBe(401);
    expect((await dist.get('/packages/v2/active', { licenseNumber: 'OCM-NOPE-00-000000' })).status).toBe(401);
    expect((await dist.get(`/packages/v2/${label(999)}`, { licenseNumber: DISTRIBUTOR })).status).toBe(401);
    expect((await dist.get(`/packages/v2/${label(30)}`, { licenseNumber: DISTRIBUTOR })).status).toBe(401);
    expect((await dist.get('/transfers/v2/424242/deliveries')).status).toBe(401);
    expect((await dist.get('/transfers/v2/deliveries/424242/packages')).status).toBe(401);
    expect((await dist.get('/transporters/v2/drivers/424242', { licenseNumber: DISTRIBUTOR })).status).toBe(401);
    expect((await dist.send('DELETE', '/transfers/v2/templates/outgoing/424242', undefined, { licenseNumber: DISTRIBUTOR })).status).toBe(401);
    // The key still works: only GET /facilities/v2/ tells a revoked key from the other 401s.
    expect((await dist.get('/facilities/v2/')).status).toBe(200);
  });

  it('answers 404 for an unknown route, 405 for a method the route does not take and for a route configured as purged', async () => {
    const unknown = await dist.get('/transfers/v2/nothing-here/at/all');
    expect(unknown.status).toBe(404);
    expect((unknown.body as { Message: string }).Message).toContain('No HTTP resource was found');
    expect((await dist.send('PUT', '/packages/v2/active', [], { licenseNumber: DISTRIBUTOR })).status).toBe(405);
    await admin.control('PUT', '/config', { purgedRoutes: ['GET /transfers/v2/rejected'] });
    try {
      expect((await dist.get('/transfers/v2/rejected', { licenseNumber: DISTRIBUTOR })).status).toBe(405);
    } finally {
      await admin.control('PUT', '/config', { purgedRoutes: [] });
    }
  });
});

describe('Metrc emulator: facilities, lookups and scoping', () => {
  it('lists the facilities a key may act for, as a bare array with the license, type and capability flags', async () => {
    const both = await admin.as(KEYS.both).get<Record<string, unknown>[]>('/facilities/v2/');
    expect(both.status).toBe(200);
    expect(Array.isArray(both.body)).toBe(true);
    expect(both.body.map((f) => (f['License'] as { Number: string }).Number).sort()).toEqual([DISPENSARY, DISTRIBUTOR].sort());
    const retailFacility = both.body.find((f) => (f['License'] as { Number: string }).Number === DISPENSARY);
    expect(retailFacility?.['FacilityType']).toMatchObject({ IsRetail: true, CanTransferFromExternalFacilities: true, CanOnlyReceiveFinishedGoods: false });
    expect((retailFacility?.['License'] as { LicenseType: string }).LicenseType).toBe('Adult-Use Retail Dispensary');
    expect((await dist.get<unknown[]>('/facilities/v2/')).body).toHaveLength(1);
  });

  it('answers transfer types per license with the NY flag, units of measure and package states as bare arrays', async () => {
    const types = await dist.get<Envelope<Record<string, unknown>>>('/transfers/v2/types', { licenseNumber: DISTRIBUTOR });
    expect(types.status).toBe(200);
    expect(types.body.Data.map((t) => t['Name'])).toEqual(['Transfer', 'Wholesale', 'Unaffiliated', 'External Incoming']);
    expect(types.body.Data.find((t) => t['Name'] === 'Wholesale')).toMatchObject({ TransactionType: 'Wholesale', RequiresVehicleRegistrationNumber: true, ForLicensedShipments: true });
    expect((await dist.get('/transfers/v2/types')).status).toBe(400);
    const units = await dist.get<{ Name: string }[]>('/unitsofmeasure/v2/active');
    expect(units.body.map((u) => u.Name)).toContain('Grams');
    expect((await dist.get('/transfers/v2/deliveries/packages/states')).body).toEqual(['Shipped', 'Rejected', 'Accepted', 'Returned']);
  });

  it('answers one package by label (any case) only at the facility that holds it, or across the key\'s facilities without licenseNumber', async () => {
    const one = await dist.get<Record<string, unknown>>(`/packages/v2/${label(7).toLowerCase()}`, { licenseNumber: DISTRIBUTOR });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ Label: label(7), Quantity: 20, UnitOfMeasureName: 'Each', IsFinishedGood: true, LabTestingState: 'TestPassed', IsOnHold: false });
    expect(one.body['ProductLabel']).toMatchObject({ QrCount: 20 });
    const both = admin.as(KEYS.both);
    expect((await both.get(`/packages/v2/${label(30)}`)).status).toBe(200);
    expect((await both.get(`/packages/v2/${label(20)}`)).status).toBe(401);
  });

  it('refuses a query parameter the route does not take and a missing licenseNumber', async () => {
    const typo = await dist.get('/packages/v2/active', { licenseNumber: DISTRIBUTOR, lastModifedStart: '2026-01-01' });
    expect(typo.status).toBe(400);
    expect((typo.body as { Message: string }).Message).toContain("'lastmodifedstart'");
    expect((await dist.get('/packages/v2/active')).status).toBe(400);
    // Names are case-insensitive, as in ASP.NET.
    expect((await dist.get('/packages/v2/active', { LicenseNumber: DISTRIBUTOR, ...WIDE })).status).toBe(200);
  });
});

describe('Metrc emulator: paging', () => {
  it('pages at most 20 with the full envelope, and answers everything on one page when no page is asked for', async () => {
    for (let i = 0; i < 3; i += 1) await createTemplate(templateBody({ name: `t-${i}`, labels: [label(i + 1)] }));
    const all = await dist.get<Envelope<unknown>>('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(all.body).toMatchObject({ Total: 9, TotalRecords: 9, PageSize: 9, RecordsOnPage: 9, Page: 1, CurrentPage: 1, TotalPages: 1 });
    const second = await dist.get<Envelope<{ Label: string }>>('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE, pageNumber: 2, pageSize: 4 });
    expect(second.body).toMatchObject({ Total: 9, TotalRecords: 9, PageSize: 4, RecordsOnPage: 4, Page: 2, CurrentPage: 2, TotalPages: 3 });
    expect(second.body.Data.map((p) => p.Label)).toEqual([label(5), label(6), label(7), label(8)]);
    const last = await dist.get<Envelope<unknown>>('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE, pageNumber: 3, pageSize: 4 });
    expect(last.body.RecordsOnPage).toBe(1);
    const beyond = await dist.get<Envelope<unknown>>('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE, pageNumber: 9, pageSize: 4 });
    expect([beyond.body.RecordsOnPage, beyond.body.Data]).toEqual([0, []]);
    const tooBig = await dist.get('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE, pageSize: 21 });
    expect([tooBig.status, tooBig.body]).toEqual([400, { Message: 'The page size cannot exceed 20.' }]);
    expect((await dist.get('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE, pageSize: 0 })).status).toBe(400);
    expect((await dist.get('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE, pageNumber: 'two' })).status).toBe(400);
    const onlyNumber = await dist.get<Envelope<unknown>>('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE, pageNumber: 1 });
    expect(onlyNumber.body).toMatchObject({ PageSize: 20, RecordsOnPage: 3, TotalPages: 1 });
  });
});

describe('Metrc emulator: templates and registration', () => {
  it('creates templates from an array and answers {Ids, Warnings: null} in posting order; PUT and DELETE answer 200 with an empty body', async () => {
    const created = await dist.send<{ Ids: number[]; Warnings: null }>('POST', '/transfers/v2/templates/outgoing', [templateBody({ name: 'a', labels: [label(1)] }), templateBody({ name: 'b', labels: [label(2)] })], { licenseNumber: DISTRIBUTOR });
    expect(created.status).toBe(200);
    expect(created.body.Warnings).toBeNull();
    expect(created.body.Ids).toHaveLength(2);
    const [first, second] = created.body.Ids;
    const listed = await dist.get<Envelope<{ Id: number; Name: string; ManifestNumber: null }>>('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(listed.body.Data.map((t) => [t.Id, t.Name, t.ManifestNumber])).toEqual([[first, 'a', null], [second, 'b', null]]);

    const deliveries = await dist.get<Envelope<{ Id: number; RecipientFacilityLicenseNumber: string; PlannedRoute: string }>>(`/transfers/v2/templates/outgoing/${first}/deliveries`);
    expect(deliveries.status).toBe(200);
    const delivery = deliveries.body.Data[0];
    expect(delivery).toMatchObject({ RecipientFacilityLicenseNumber: DISPENSARY });
    const packages = await dist.get<Envelope<{ PackageLabel: string }>>(`/transfers/v2/templates/outgoing/deliveries/${delivery?.Id ?? 0}/packages`);
    expect(packages.body.Data.map((p) => p.PackageLabel)).toEqual([label(1)]);

    const update: Record<string, unknown> = { ...templateBody({ name: 'a-renamed', labels: [label(1), label(3)] }), TransferTemplateId: first };
    const updated = await dist.send('PUT', '/transfers/v2/templates/outgoing', [{ ...update, Destinations: [{ ...(update['Destinations'] as Record<string, unknown>[])[0], TransferDestinationId: delivery?.Id }] }], { licenseNumber: DISTRIBUTOR });
    expect([updated.status, updated.text]).toEqual([200, '']);
    const again = await dist.get<Envelope<{ Id: number; Name: string; PackageCount: number }>>('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(again.body.Data.find((t) => t.Id === first)).toMatchObject({ Name: 'a-renamed', PackageCount: 2 });
    const archived = await dist.send('DELETE', `/transfers/v2/templates/outgoing/${second ?? 0}`, undefined, { licenseNumber: DISTRIBUTOR });
    expect([archived.status, archived.text]).toEqual([200, '']);
    const afterArchive = await dist.get<Envelope<{ Id: number }>>('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(afterArchive.body.Data.map((t) => t.Id)).toEqual([first]);
  });

  it('refuses what the server refuses in practice, row by row: Name, transporter license and driver per leg, PlannedRoute, WholesalePrice on priced types, unknown recipient, package state', async () => {
    const destination = (body: Record<string, unknown>) => (body['Destinations'] as Record<string, unknown>[])[0] ?? {};
    const leg = (body: Record<string, unknown>) => (destination(body)['Transporters'] as Record<string, unknown>[])[0] ?? {};
    const noName = { ...templateBody(), Name: null };
    const noTransporter = templateBody();
    leg(noTransporter)['TransporterFacilityLicenseNumber'] = null;
    leg(noTransporter)['DriverName'] = '';
    const noRoute = templateBody();
    delete destination(noRoute)['PlannedRoute'];
    const unpriced = templateBody({ type: 'Wholesale', price: null });
    const unknownRecipient = templateBody({ recipient: 'OCM-XXXX-00-000000' });
    const badPackages = templateBody({ labels: [label(8), label(9), label(20), label(999)] });
    const reply = await dist.send<RowErrorBody[]>('POST', '/transfers/v2/templates/outgoing', [noName, noTransporter, noRoute, unpriced, unknownRecipient, badPackages], { licenseNumber: DISTRIBUTOR });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual([
      { row: 0, message: 'The Name field is required.' },
      { row: 1, message: 'The Destinations[0].Transporters[0].TransporterFacilityLicenseNumber field is required.' },
      { row: 1, message: 'The Destinations[0].Transporters[0].DriverName field is required.' },
      { row: 2, message: 'The Destinations[0].PlannedRoute field is required.' },
      { row: 3, message: 'The Destinations[0].Packages[0].WholesalePrice field is required for transfer type Wholesale.' },
      { row: 3, message: 'The Destinations[0].Packages[1].WholesalePrice field is required for transfer type Wholesale.' },
      { row: 4, message: 'Recipient Facility license number OCM-XXXX-00-000000 is not valid.' },
      { row: 5, message: `Package ${label(8)} is on hold and cannot be transferred.` },
      { row: 5, message: `Package ${label(9)} is not active.` },
      { row: 5, message: `Package ${label(20)} does not exist in the current Facility.` },
      { row: 5, message: `Package ${label(999)} does not exist in the current Facility.` },
    ]);
    // Nothing was written.
    const listed = await dist.get<Envelope<unknown>>('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(listed.body.Total).toBe(0);
  });

  it('requires the vehicle registration number on each leg when the type says so, and Finished Goods for a facility that only receives them', async () => {
    const wholesale = templateBody({ type: 'Wholesale' });
    const legs = ((wholesale['Destinations'] as Record<string, unknown>[])[0]?.['Transporters'] ?? []) as Record<string, unknown>[];
    delete legs[0]?.['VehicleRegistrationNumber'];
    const reply = await dist.send<RowErrorBody[]>('POST', '/transfers/v2/templates/outgoing', [wholesale, templateBody({ recipient: OTHER_DISPENSARY, labels: [label(10)] })], { licenseNumber: DISTRIBUTOR });
    expect(reply.body).toEqual([
      { row: 0, message: 'The Destinations[0].Transporters[0].VehicleRegistrationNumber field is required for transfer type Wholesale.' },
      { row: 1, message: `Package ${label(10)} is not a Finished Good; facility ${OTHER_DISPENSARY} can only receive Finished Goods.` },
    ]);
  });

  it('turns a template into a registered transfer at the person\'s step: 10-digit manifest number, OriginatingTemplateId, deliveries, packages in transit', async () => {
    const templateId = await createTemplate();
    const transfer = await register(templateId);
    expect(transfer.ManifestNumber).toMatch(/^\d{10}$/);
    expect(transfer.ManifestNumber.startsWith('0000')).toBe(true);
    expect(transfer.OriginatingTemplateId).toBe(templateId);
    const deliveryId = transfer.Deliveries[0]?.DeliveryId ?? 0;

    const outgoing = await dist.get<Envelope<Record<string, unknown>>>('/transfers/v2/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(outgoing.body.Data).toHaveLength(1);
    expect(outgoing.body.Data[0]).toMatchObject({
      Id: transfer.Id,
      ManifestNumber: transfer.ManifestNumber,
      OriginatingTemplateId: templateId,
      Name: 'hub-transfer-01',
      RecipientFacilityLicenseNumber: null,
      ShipmentTypeName: null,
      DeliveryId: deliveryId,
      PackageCount: 2,
      ReceivedPackageCount: 0,
      IsVoided: false,
      ReceivedDateTime: null,
      VehicleRegistrationNumber: 'REG-77881',
      CreatedByUserName: 'dana',
    });
    const incoming = await retail.get<Envelope<Record<string, unknown>>>('/transfers/v2/incoming', { licenseNumber: DISPENSARY, ...WIDE });
    expect(incoming.body.Data[0]).toMatchObject({ Id: transfer.Id, DeliveryId: deliveryId, RecipientFacilityLicenseNumber: DISPENSARY, ShipmentTypeName: 'Transfer', ShipmentTransactionType: 'Standard', DeliveryPackageCount: 2 });
    // Each party sees the transfer's deliveries and packages; a third party sees nothing.
    for (const party of [dist, retail]) {
      const deliveries = await party.get<Envelope<{ Id: number; ManifestNumber: string }>>(`/transfers/v2/${transfer.Id}/deliveries`);
      expect(deliveries.body.Data.map((d) => [d.Id, d.ManifestNumber])).toEqual([[deliveryId, transfer.ManifestNumber]]);
      const packages = await party.get<Envelope<{ PackageLabel: string; ShipmentPackageState: string; ShippedQuantity: number; ReceivedQuantity: null }>>(`/transfers/v2/deliveries/${deliveryId}/packages`);
      expect(packages.body.Data.map((p) => [p.PackageLabel, p.ShipmentPackageState, p.ShippedQuantity, p.ReceivedQuantity])).toEqual([
        [label(1), 'Shipped', 100, null],
        [label(2), 'Shipped', 100, null],
      ]);
    }
    const processor = admin.as(KEYS.processor);
    expect((await processor.get(`/transfers/v2/${transfer.Id}/deliveries`)).status).toBe(401);
    expect((await processor.get(`/transfers/v2/deliveries/${deliveryId}/packages`)).status).toBe(401);
    const details = await dist.get<Envelope<Record<string, unknown>>>(`/transfers/v2/deliveries/${deliveryId}/transporters/details`);
    expect(details.body.Data).toEqual([expect.objectContaining({ ShipmentDeliveryId: deliveryId, DriverName: 'Dana Driver', VehicleLicensePlateNumber: 'HVD-1001', ActualDriverStartDateTime: null })]);

    const active = await dist.get<Envelope<{ Label: string }>>('/packages/v2/active', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(active.body.Data.map((p) => p.Label)).not.toContain(label(1));
    const inTransit = await dist.get<Envelope<{ Label: string }>>('/packages/v2/intransit', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(inTransit.body.Data.map((p) => p.Label)).toEqual([label(1), label(2)]);
    const transferred = await dist.get<Envelope<Record<string, unknown>>>('/packages/v2/transferred', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(transferred.body.Data.map((p) => [p['PackageLabel'], p['ManifestNumber'], p['ShipmentPackageStateName']])).toEqual([
      [label(1), transfer.ManifestNumber, 'Shipped'],
      [label(2), transfer.ManifestNumber, 'Shipped'],
    ]);
    // A package in transit cannot go on another template; registering the template again fails for the same reason.
    const twice = await dist.send<RowErrorBody[]>('POST', '/transfers/v2/templates/outgoing', [templateBody({ labels: [label(1)] })], { licenseNumber: DISTRIBUTOR });
    expect(twice.body).toEqual([{ row: 0, message: `Package ${label(1)} is already in transit on manifest ${transfer.ManifestNumber}.` }]);
    expect((await admin.control('POST', '/ui/register', { templateId })).status).toBe(400);
  });

  it('can leave OriginatingTemplateId and the Name off a registered transfer, as NY production rows show them', async () => {
    await admin.control('PUT', '/config', { registration: { fillOriginatingTemplateId: false, keepTemplateName: false } });
    try {
      const transfer = await register(await createTemplate());
      expect(transfer.OriginatingTemplateId).toBeNull();
      const outgoing = await dist.get<Envelope<Record<string, unknown>>>('/transfers/v2/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE });
      expect(outgoing.body.Data[0]).toMatchObject({ OriginatingTemplateId: null, Name: null });
    } finally {
      await admin.control('PUT', '/config', { registration: { fillOriginatingTemplateId: true, keepTemplateName: true } });
    }
  });

  it('serves the official manifest as JSON with a base64 PDF, to the shipper and the recipient only', async () => {
    const transfer = await register(await createTemplate());
    const pdf = await dist.get<{ FileContents: string; ContentType: string; FileDownloadName: string; HttpStatusCode: string }>(`/transfers/v2/manifest/${transfer.Id}/pdf`, { licenseNumber: DISTRIBUTOR });
    expect(pdf.status).toBe(200);
    expect(pdf.body).toMatchObject({ ContentType: 'application/octet-stream', FileDownloadName: `TransferManifestReport-${transfer.Id}.pdf`, HttpStatusCode: 'OK' });
    const bytes = Buffer.from(pdf.body.FileContents, 'base64');
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { pageTexts } = await import('../../support/pdf-inspect.ts');
    const [page] = await pageTexts(new Uint8Array(bytes));
    expect(page).toContain(`Manifest No. ${transfer.ManifestNumber}`);
    expect(page).toContain(label(1));
    expect((await retail.get(`/transfers/v2/manifest/${transfer.Id}/pdf`, { licenseNumber: DISPENSARY })).status).toBe(200);
    expect((await admin.as(KEYS.processor).get(`/transfers/v2/manifest/${transfer.Id}/pdf`, { licenseNumber: PROCESSOR })).status).toBe(401);
    expect((await dist.get('/transfers/v2/manifest/424242/pdf', { licenseNumber: DISTRIBUTOR })).status).toBe(401);
  });
});
