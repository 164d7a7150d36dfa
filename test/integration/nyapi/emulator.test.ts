import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNyApiEmulator } from '#infra/local/nyapi/server.ts';
import type { NyApiEmulator } from '#infra/local/nyapi/server.ts';
import { CLIENT, EmulatorClient, manifestBody, OTHER_RETAILER, REDIRECT_URI, RETAILER, SHIPPER, tag } from './client.ts';
import type { Actor, ErrorBody, InventoryView, ManifestView, TransferView, WriteBody } from './client.ts';

type ManifestReply = { Manifest: ManifestView; Inventory: InventoryView[] } & WriteBody & ErrorBody;
type ShipReply = { InventoryTransfer: TransferView[]; Inventory: InventoryView[]; Manifest: ManifestView } & WriteBody & ErrorBody;
type ReceiveReply = { InventoryTransfer: TransferView; Inventory: InventoryView[]; Manifest: ManifestView } & WriteBody & ErrorBody;
type TransferList = { InventoryTransfer: TransferView[]; NextCursor: number; NextTransactionID: number };

let emulator: NyApiEmulator;
let client: EmulatorClient;

beforeAll(async () => {
  emulator = await startNyApiEmulator({ clientId: CLIENT.id, clientSecret: CLIENT.secret });
  client = new EmulatorClient(emulator.url);
});
afterAll(() => emulator.stop());
beforeEach(() => client.reset());

/** Invoice + manifest of packages 1 and 2 from the shipper to the retailer. */
async function manifestToRetailer(shipper: Actor, externalId = 'manifest-1') {
  const crew = await shipper.crew();
  const invoiceId = await shipper.invoice(RETAILER.LocationLicense, [
    { InventoryID: tag(1), Amount: 10, Price: 25 },
    { InventoryID: tag(2), Amount: 4, Price: 18.5 },
  ]);
  const body = manifestBody(shipper.license, crew, [
    { license: RETAILER.LocationLicense, invoiceId, items: [{ InventoryID: tag(1), Quantity: 10 }, { InventoryID: tag(2), Quantity: 4 }] },
  ], externalId);
  const reply = await shipper.send<ManifestReply>('POST', '/v1/manifest', body);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return { crew, invoiceId, body, manifest: reply.body.Manifest };
}

async function shipped(shipper: Actor) {
  const prepared = await manifestToRetailer(shipper);
  const ship = await shipper.send<ShipReply>('POST', '/v1/inventory/transfer', { ManifestID: prepared.manifest.ManifestID, ExternalID: 'ship-1' });
  expect(ship.status, JSON.stringify(ship.body)).toBe(200);
  const transfer = ship.body.InventoryTransfer[0];
  if (!transfer) throw new Error('no transfer');
  return { ...prepared, transfer };
}

const acceptAll = (transfer: TransferView) => transfer.Item.map((item) => ({ InventoryID: item.InventoryID, Accept: true }));

describe('NY-API emulator: OAuth consent and tokens', () => {
  it('exchanges a code for tokens, rotates refresh tokens, and refuses a used code or wrong secret', async () => {
    const code = await client.authorizationCode(SHIPPER.LocationLicense, 'state-42');
    const first = await client.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const consentEnd = Date.parse(first.body.consent_expires_at) - Date.now();
    expect(consentEnd).toBeGreaterThan(99.9 * 86_400_000);
    expect(consentEnd).toBeLessThan(100.1 * 86_400_000);

    expect((await client.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).body.error).toBe('invalid_grant');
    const wrongSecret = await client.request('POST', '/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: CLIENT.id, client_secret: 'nope' },
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({ error: 'invalid_client' });

    const refreshed = await client.token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    const reused = await client.token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    const vendors = await client.request<{ Vendor: { LocationLicense: string }[] }>('GET', '/v1/vendor', {
      headers: await client.sessionHeaders(SHIPPER, refreshed.body.access_token),
    });
    expect(vendors.status).toBe(200);
    expect(vendors.body.Vendor.map((v) => v.LocationLicense)).toEqual([SHIPPER.LocationLicense, RETAILER.LocationLicense, OTHER_RETAILER.LocationLicense]);

    const unknownLicense = await client.request('GET', `/oauth?response_type=code&client_id=${CLIENT.id}&redirect_uri=${REDIRECT_URI}&state=s&license=NOPE`);
    expect(unknownLicense.status).toBe(400);
  });

  it('expires consent after 100 days: refresh and API calls answer CONSENT_EXPIRED until the admin approves again', async () => {
    const tokens = await client.consent(SHIPPER.LocationLicense);
    await client.advance(101 * 86_400);

    const refresh = await client.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refresh.status).toBe(400);
    expect(refresh.body).toMatchObject({ error: 'invalid_grant', ErrorCode: 'CONSENT_EXPIRED' });
    const call = await client.request<ErrorBody>('GET', '/v1/inventory', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(call.status).toBe(401);
    expect(call.body.ErrorCode).toBe('CONSENT_EXPIRED');

    const renewed = await client.consent(SHIPPER.LocationLicense);
    const again = await client.request('GET', '/v1/inventory', { headers: await client.sessionHeaders(SHIPPER, renewed.access_token) });
    expect(again.status).toBe(200);
  });

  it('expires access tokens after 3600 s of emulator time (AUTH_EXPIRED) and a refresh brings a working one', async () => {
    const tokens = await client.consent(SHIPPER.LocationLicense);
    await client.advance(3601);
    const expired = await client.request<ErrorBody>('GET', '/v1/vendor', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(expired.status).toBe(401);
    expect(expired.body.ErrorCode).toBe('AUTH_EXPIRED');
    const refreshed = await client.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    const fresh = await client.request('GET', '/v1/vendor', { headers: await client.sessionHeaders(SHIPPER, refreshed.body.access_token) });
    expect(fresh.status).toBe(200);
    const none = await client.request<ErrorBody>('GET', '/v1/vendor');
    expect([none.status, none.body.ErrorCode]).toEqual([401, 'UNAUTHORIZED']);
  });
});

describe('NY-API emulator: user login and sessions', () => {
  it('logs a user in, requires a session on every call but the login, and refuses wrong passwords, wrong licenses and expired sessions', async () => {
    const tokens = await client.consent(SHIPPER.LocationLicense);
    const bearer = { authorization: `Bearer ${tokens.access_token}` };

    const wrongPassword = await client.request<ErrorBody>('POST', '/v1/user/login', {
      headers: { ...bearer, 'x-ubi': SHIPPER.UBI, 'x-license': SHIPPER.LocationLicense },
      body: { Username: 'alice', Password: 'guess' },
    });
    expect([wrongPassword.status, wrongPassword.body.ErrorCode]).toEqual([401, 'UNAUTHORIZED']);
    const wrongLicense = await client.request('POST', '/v1/user/login', {
      headers: { ...bearer, 'x-ubi': RETAILER.UBI, 'x-license': RETAILER.LocationLicense },
      body: { Username: 'alice', Password: 'alice-pw' },
    });
    expect(wrongLicense.status).toBe(403);

    const login = await client.login(SHIPPER, tokens.access_token);
    expect(login.status).toBe(200);
    expect(login.body.SessionTime).toBeGreaterThan(0);

    // ny-api.md §2: every later call sends the session, reads included.
    for (const [method, path, body] of [['GET', '/v1/employee', undefined], ['GET', '/v1/vendor', undefined], ['GET', '/v1/uom', undefined], ['POST', '/v1/employee', { Name: 'Dana' }]] as const) {
      const noSession = await client.request<ErrorBody>(method, path, { headers: bearer, body });
      expect([noSession.status, noSession.body.ErrorCode], `${method} ${path}`).toEqual([401, 'USER_SESSION_REQUIRED']);
    }
    const session = { ...bearer, 'x-session-token': login.body.Session };
    expect((await client.request('GET', '/v1/employee', { headers: session })).status).toBe(200);
    const withSession = await client.request('POST', '/v1/employee', { headers: session, body: { Name: 'Dana' } });
    expect(withSession.status).toBe(200);

    // A session of another license does not attribute this license's writes.
    const retailer = await client.actor(RETAILER);
    const foreign = await client.request<ErrorBody>('POST', '/v1/employee', {
      headers: { ...bearer, 'x-session-token': retailer.headers['x-session-token'] ?? '' },
      body: { Name: 'Dana' },
    });
    expect(foreign.body.ErrorCode).toBe('USER_SESSION_REQUIRED');
    const foreignRead = await client.request<ErrorBody>('GET', '/v1/employee', { headers: { ...bearer, 'x-session-token': retailer.headers['x-session-token'] ?? '' } });
    expect(foreignRead.body.ErrorCode).toBe('USER_SESSION_REQUIRED');

    await client.advance(12 * 3600 + 1);
    const refreshed = await client.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    const stale = await client.request<ErrorBody>('POST', '/v1/employee', {
      headers: { authorization: `Bearer ${refreshed.body.access_token}`, 'x-session-token': login.body.Session },
      body: { Name: 'Dana' },
    });
    expect([stale.status, stale.body.ErrorCode]).toEqual([401, 'USER_SESSION_REQUIRED']);
  });

  it('ends every open session on DELETE /_emulator/sessions, as a restart would: the same access token logs in again', async () => {
    const shipper = await client.actor(SHIPPER);
    const retailer = await client.actor(RETAILER);
    const ended = await client.request<{ ended: number }>('DELETE', '/_emulator/sessions');
    expect([ended.status, ended.body.ended]).toEqual([200, 2]);
    for (const actor of [shipper, retailer]) {
      const refused = await actor.get<ErrorBody>('/v1/employee');
      expect([refused.status, refused.body.ErrorCode]).toEqual([401, 'USER_SESSION_REQUIRED']);
    }
    const again = await client.sessionHeaders(SHIPPER, shipper.tokens.access_token);
    expect((await client.request('GET', '/v1/employee', { headers: again })).status).toBe(200);
    // Consent and tokens are untouched; nothing else was reset.
    expect((await client.state()).licensees).toHaveLength(3);
  });
});

describe('NY-API emulator: a transfer end to end', () => {
  it('runs employee → vehicle → invoice → manifest → ship → arrive → inbound → receive → rejected, moving inventory', async () => {
    const shipper = await client.actor(SHIPPER);
    const retailer = await client.actor(RETAILER);
    const { manifest, invoiceId, crew } = await manifestToRetailer(shipper);

    expect(manifest).toMatchObject({ InTransit: false, Completed: false, StopCount: 1, TotalItemCount: 2, Type: 'Transfer' });
    expect(manifest.ManifestID).toMatch(/^\d{16}$/);
    expect(invoiceId).toMatch(/^\d{16}$/);
    expect(manifest.Driver).toEqual([{ ID: crew.driverId, Name: 'Dana Driver', DateofBirth: '' }]);
    expect(manifest.Vehicle.ID).toBe(String(crew.vehicleId));
    expect(manifest.Stop[0]?.Item.map((item) => [item.InventoryID, item.Quantity])).toEqual([[tag(1), 10], [tag(2), 4]]);

    const ship = await shipper.send<ShipReply>('POST', '/v1/inventory/transfer', { ManifestID: manifest.ManifestID, ExternalID: 'ship-1' });
    expect(ship.status).toBe(200);
    expect(ship.body.Manifest.InTransit).toBe(true);
    expect(ship.body.InventoryTransfer).toHaveLength(1);
    const transfer = ship.body.InventoryTransfer[0];
    expect(transfer).toMatchObject({
      OutboundLicense: SHIPPER.LocationLicense,
      InboundLicense: RETAILER.LocationLicense,
      ManifestID: manifest.ManifestID,
      ManifestStopNumber: 1,
      TransferType: 'Transfer',
      Received: false,
    });
    expect(ship.body.Inventory.find((lot) => lot.ID === tag(1))?.RemainingAmount).toBe(90);
    expect(ship.body.TransactionID).toBeGreaterThan(manifest.Stop.length);

    const early = await retailer.send<ErrorBody>('PUT', `/v1/inventory/transfer/${transfer?.ID ?? 0}/receive`, { Item: acceptAll(transfer as TransferView) });
    expect([early.status, early.body.ErrorCode]).toEqual([409, 'NOT_ARRIVED']);

    const arrive = await shipper.send<ManifestReply>('PUT', `/v1/manifest/${manifest.ManifestID}/stop/1/arrive`);
    expect(arrive.status).toBe(200);
    expect(arrive.body.Manifest.Stop[0]?.DriverArrived).toBe(true);
    expect(arrive.body.Manifest.Stop[0]?.DriverArrivedTime).toMatch(/^\d{4}-\d\d-\d\dT/);

    const inbound = await retailer.get<TransferList>('/v1/inventory/transfer/inbound');
    expect(inbound.body.InventoryTransfer.map((t) => [t.ID, t.Received])).toEqual([[transfer?.ID, false]]);
    const receipt = {
      ExternalID: 'receipt-1',
      Item: [
        { InventoryID: tag(1), Accept: true, ReceivedAmount: 9 },
        { InventoryID: tag(2), Accept: false, RejectReason: 'Packaging damaged' },
      ],
    };
    // The server stamps the receipt time: a body that brings its own is refused, not back-dated.
    const backDated = await retailer.send<ErrorBody>('PUT', `/v1/inventory/transfer/${transfer?.ID ?? 0}/receive`, { ...receipt, ReceivedTime: '2020-01-01T00:00:00Z' });
    expect([backDated.status, backDated.body.Error]).toEqual([400, 'ReceivedTime is not a field of this request']);
    const receive = await retailer.send<ReceiveReply>('PUT', `/v1/inventory/transfer/${transfer?.ID ?? 0}/receive`, receipt);
    expect(receive.status, JSON.stringify(receive.body)).toBe(200);
    expect(Date.parse(receive.body.InventoryTransfer.ReceivedTime ?? '')).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
    expect(receive.body.InventoryTransfer.Item.map((i) => [i.InventoryID, i.ReceivedAmount, i.IsRejected])).toEqual([
      [tag(1), 9, false],
      [tag(2), 0, true],
    ]);
    expect(receive.body.Manifest).toMatchObject({ Completed: true, InTransit: false });
    expect(receive.body.Manifest.CompletionDate).toBeDefined();
    expect((await retailer.get<TransferList>('/v1/inventory/transfer/inbound')).body.InventoryTransfer.map((t) => t.Received)).toEqual([true]);

    const rejected = await shipper.get<TransferList>('/v1/inventory/transfer/rejected');
    expect(rejected.body.InventoryTransfer.map((t) => t.ID)).toEqual([transfer?.ID]);

    const retailerStock = await retailer.get<{ Inventory: InventoryView[] }>('/v1/inventory');
    expect(retailerStock.body.Inventory.map((lot) => [lot.ID, lot.LocationLicense, lot.RemainingAmount])).toEqual([[tag(1), RETAILER.LocationLicense, 9]]);
    const shipperStock = await shipper.get<{ Inventory: InventoryView[] }>('/v1/inventory');
    const remaining = Object.fromEntries(shipperStock.body.Inventory.map((lot) => [lot.ID, lot.RemainingAmount]));
    // 100 − 10 shipped + 1 short-received; 40 − 4 shipped + 4 rejected.
    expect(remaining).toMatchObject({ [tag(1)]: 91, [tag(2)]: 40 });

    const state = await client.state();
    expect(state.created).toEqual({ employee: 1, vehicle: 1, invoice: 1, manifest: 1, inventoryTransfer: 1, receipt: 1, arrival: 1, void: 0, intake: 0 });
    const sync = await shipper.get<{ Sync: Record<string, number> }>('/v1/sync');
    expect(sync.body.Sync['Manifest']).toBe(receive.body.TransactionID);
  });

  it('voids a shipped manifest before receipt and puts the inventory back', async () => {
    const shipper = await client.actor(SHIPPER);
    const { manifest, transfer } = await shipped(shipper);
    const voided = await shipper.send<ManifestReply>('PUT', `/v1/manifest/${manifest.ManifestID}/void`);
    expect(voided.status).toBe(200);
    expect(voided.body.Manifest.Deleted).toBe(true);
    const lot = await shipper.get<{ Inventory: InventoryView }>(`/v1/inventory/${tag(1)}`);
    expect(lot.body.Inventory.RemainingAmount).toBe(100);
    const view = await shipper.get<{ InventoryTransfer: TransferView }>(`/v1/inventory/transfer/${transfer.ID}`);
    expect(view.body.InventoryTransfer.Deleted).toBe(true);
  });
  it('updates a manifest before shipping, undoes an arrival, and voids a shipped transfer', async () => {
    const shipper = await client.actor(SHIPPER);
    const { manifest, crew } = await manifestToRetailer(shipper);
    const other = await shipper.send<{ Employee: { ID: number } }>('POST', '/v1/employee', { Name: 'Sam Second' });
    const updated = await shipper.send<ManifestReply>('PUT', `/v1/manifest/${manifest.ManifestID}`, {
      Driver: [{ ID: crew.driverId }, { ID: other.body.Employee.ID }],
      Stop: [{ StopNumber: 1, ApproximateArrival: '2026-12-01T18:00:00Z', ApproximateRoute: 'NY-7' }],
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.Manifest.Driver.map((d) => d.Name)).toEqual(['Dana Driver', 'Sam Second']);
    const invalid = await shipper.send<ErrorBody>('PUT', `/v1/manifest/${manifest.ManifestID}`, { Stop: [{ StopNumber: 1, ApproximateArrival: '2026-12-01T13:00:00Z' }] });
    expect(invalid.body.ErrorCode).toBe('INVALID_TIMES');

    const ship = await shipper.send<ShipReply>('POST', '/v1/inventory/transfer', { ManifestID: manifest.ManifestID, ExternalID: 'ship-u' });
    const transferId = ship.body.InventoryTransfer[0]?.ID ?? 0;
    await shipper.send('PUT', `/v1/manifest/${manifest.ManifestID}/stop/1/arrive`);
    const undone = await shipper.send<ManifestReply>('PUT', `/v1/manifest/${manifest.ManifestID}/stop/1/arrive/undo`);
    expect(undone.body.Manifest.Stop[0]?.DriverArrived).toBe(false);

    const voided = await shipper.send<{ InventoryTransfer: TransferView }>('PUT', `/v1/inventory/transfer/${transferId}/void`);
    expect(voided.body.InventoryTransfer.Deleted).toBe(true);
    const after = await shipper.get<{ Manifest: ManifestView; Inventory: InventoryView[] }>(`/v1/manifest/${manifest.ManifestID}`);
    // Its only transfer voided, the manifest is void too and the goods are back.
    expect(after.body.Manifest).toMatchObject({ Deleted: true, InTransit: false });
    expect(after.body.Inventory.find((lot) => lot.ID === tag(1))?.RemainingAmount).toBe(100);
  });

  it('answers malformed JSON and unknown routes with VALIDATION and NOT_FOUND', async () => {
    const shipper = await client.actor(SHIPPER);
    const malformed = await fetch(`${emulator.url}/v1/employee`, { method: 'POST', headers: { ...shipper.headers, 'content-type': 'application/json' }, body: '{"Name":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ ErrorCode: 'VALIDATION', Details: [{ message: 'malformed JSON' }] });
    const invalid = await shipper.send<ErrorBody>('POST', '/v1/employee', { Email: 'x@example.com' });
    expect([invalid.status, invalid.body.ErrorCode]).toEqual([400, 'VALIDATION']);
    expect(invalid.body.Details).toEqual([expect.objectContaining({ path: 'Name' })]);
    const unknown = await shipper.get<ErrorBody>('/v2/anything');
    expect([unknown.status, unknown.body.ErrorCode]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('NY-API emulator: the rules of §4', () => {
  const expectRefusal = (reply: { status: number; body: ErrorBody }, status: number, code: string) => {
    expect({ status: reply.status, code: reply.body.ErrorCode }, JSON.stringify(reply.body)).toEqual({ status, code });
  };

  it('refuses a manifest of 1001 packages (TOO_MANY_PACKAGES) and one without items (NO_ITEMS)', async () => {
    const tags = Array.from({ length: 1001 }, (_, i) => tag(1000 + i));
    await client.request('POST', '/_emulator/seed', {
      body: { licensees: [{ ...SHIPPER, inventory: tags.map((ID) => ({ ID, ProductName: 'Pre-roll', UOM: 'each', RemainingAmount: 1 })) }] },
    });
    const shipper = await client.actor(SHIPPER);
    const crew = await shipper.crew();
    const invoiceId = await shipper.invoice(RETAILER.LocationLicense, tags.map((InventoryID) => ({ InventoryID, Amount: 1 })));
    const tooMany = await shipper.send<ErrorBody>('POST', '/v1/manifest', manifestBody(shipper.license, crew, [
      { license: RETAILER.LocationLicense, invoiceId, items: tags.map((InventoryID) => ({ InventoryID, Quantity: 1 })) },
    ]));
    expectRefusal(tooMany, 400, 'TOO_MANY_PACKAGES');
    const atLimit = await shipper.send('POST', '/v1/manifest', manifestBody(shipper.license, crew, [
      { license: RETAILER.LocationLicense, invoiceId, items: tags.slice(0, 1000).map((InventoryID) => ({ InventoryID, Quantity: 1 })) },
    ]));
    expect(atLimit.status).toBe(200);
    const empty = await shipper.send<ErrorBody>('POST', '/v1/manifest', manifestBody(shipper.license, crew, [{ license: RETAILER.LocationLicense, invoiceId, items: [] }]));
    expectRefusal(empty, 400, 'NO_ITEMS');
    expect((await client.state()).created.manifest).toBe(1);
  });

  it('refuses two stops to one license, a missing driver or vehicle, an unpriced line and arrival before departure', async () => {
    const shipper = await client.actor(SHIPPER);
    const crew = await shipper.crew();
    const first = await shipper.invoice(RETAILER.LocationLicense, [{ InventoryID: tag(1), Amount: 5 }]);
    const second = await shipper.invoice(RETAILER.LocationLicense, [{ InventoryID: tag(2), Amount: 5 }]);
    const stop = { license: RETAILER.LocationLicense, invoiceId: first, items: [{ InventoryID: tag(1), Quantity: 5 }] };

    expectRefusal(
      await shipper.send('POST', '/v1/manifest', manifestBody(shipper.license, crew, [stop, { license: RETAILER.LocationLicense, invoiceId: second, items: [{ InventoryID: tag(2), Quantity: 5 }] }])),
      422,
      'DUPLICATE_STOP_LOCATION',
    );
    expectRefusal(await shipper.send('POST', '/v1/manifest', { ...manifestBody(shipper.license, crew, [stop]), Driver: [] }), 422, 'DRIVER_REQUIRED');
    const { Vehicle: _vehicle, ...withoutVehicle } = manifestBody(shipper.license, crew, [stop]);
    expectRefusal(await shipper.send('POST', '/v1/manifest', withoutVehicle), 422, 'VEHICLE_REQUIRED');
    expectRefusal(
      await shipper.send('POST', '/v1/manifest', manifestBody(shipper.license, { ...crew, driverId: 999 }, [stop])),
      404,
      'NOT_FOUND',
    );
    expectRefusal(
      await shipper.send('POST', '/v1/invoice', {
        LocationLicense: shipper.license,
        BuyerLocationLicense: RETAILER.LocationLicense,
        Inventory: [{ InventoryID: tag(3), Amount: 1, Price: 4 }, { InventoryID: tag(4), Amount: 1 }],
      }),
      422,
      'MISSING_PRICE',
    );
    // A manifest item that is not a priced line of the stop's invoice.
    expectRefusal(
      await shipper.send('POST', '/v1/manifest', manifestBody(shipper.license, crew, [{ ...stop, items: [{ InventoryID: tag(3), Quantity: 1 }] }])),
      422,
      'MISSING_PRICE',
    );
    expectRefusal(
      await shipper.send('POST', '/v1/manifest', manifestBody(shipper.license, crew, [{ ...stop, departure: '2026-12-01T16:00:00Z', arrival: '2026-12-01T15:00:00Z' }])),
      422,
      'INVALID_TIMES',
    );
    expectRefusal(await shipper.send('POST', '/v1/manifest', { ...manifestBody(shipper.license, crew, [stop]), Type: 'Teleport' }), 400, 'VALIDATION');
    expect((await client.state()).created.manifest).toBe(0);
  });

  it('refuses a package already on another open manifest, and shipping twice', async () => {
    const shipper = await client.actor(SHIPPER);
    const { crew, invoiceId, manifest } = await manifestToRetailer(shipper);
    const again = await shipper.send<ErrorBody>('POST', '/v1/manifest', manifestBody(shipper.license, crew, [
      { license: RETAILER.LocationLicense, invoiceId, items: [{ InventoryID: tag(2), Quantity: 1 }] },
    ], 'manifest-2'));
    expectRefusal(again, 409, 'ALREADY_ON_OPEN_MANIFEST');
    expect(again.body.Details).toMatchObject({ InventoryID: tag(2), ManifestID: manifest.ManifestID });

    const ship = await shipper.send('POST', '/v1/inventory/transfer', { ManifestID: manifest.ManifestID, ExternalID: 'ship-a' });
    expect(ship.status).toBe(200);
    expectRefusal(await shipper.send('POST', '/v1/inventory/transfer', { ManifestID: manifest.ManifestID, ExternalID: 'ship-b' }), 409, 'ALREADY_SHIPPED');
    expectRefusal(await shipper.send('PUT', `/v1/manifest/${manifest.ManifestID}`, { Vehicle: { ID: String(crew.vehicleId) } }), 409, 'ALREADY_SHIPPED');
  });

  it('refuses arriving before shipping, receiving by another license, missing items, and receiving twice', async () => {
    const shipper = await client.actor(SHIPPER);
    const retailer = await client.actor(RETAILER);
    const other = await client.actor(OTHER_RETAILER);
    const prepared = await manifestToRetailer(shipper);
    expectRefusal(await shipper.send('PUT', `/v1/manifest/${prepared.manifest.ManifestID}/stop/1/arrive`), 409, 'NOT_SHIPPED');
    await shipper.send('POST', '/v1/inventory/transfer', { ManifestID: prepared.manifest.ManifestID, ExternalID: 'ship-1' });
    const transfer = (await retailer.get<TransferList>('/v1/inventory/transfer/inbound')).body.InventoryTransfer[0] as TransferView;
    await shipper.send('PUT', `/v1/manifest/${prepared.manifest.ManifestID}/stop/1/arrive`);
    expectRefusal(await shipper.send('PUT', `/v1/manifest/${prepared.manifest.ManifestID}/stop/1/arrive`), 409, 'ALREADY_ARRIVED');

    const path = `/v1/inventory/transfer/${transfer.ID}/receive`;
    expectRefusal(await other.send('PUT', path, { Item: acceptAll(transfer) }), 403, 'NOT_RECEIVER');
    const missing = await retailer.send<ErrorBody>('PUT', path, { Item: [{ InventoryID: tag(1), Accept: true }] });
    expectRefusal(missing, 422, 'ITEMS_MISSING');
    expect(missing.body.Details).toEqual({ InventoryID: [tag(2)] });
    expectRefusal(
      await retailer.send('PUT', path, { Item: [{ InventoryID: tag(1), Accept: true, ReceivedAmount: 11 }, { InventoryID: tag(2), Accept: true }] }),
      422,
      'INVALID_QUANTITY',
    );
    expectRefusal(await retailer.send('PUT', path, { Item: [{ InventoryID: tag(1), Accept: true }, { InventoryID: tag(2), Accept: false }] }), 422, 'REJECT_REASON_REQUIRED');

    expect((await retailer.send('PUT', path, { ExternalID: 'receipt-a', Item: acceptAll(transfer) })).status).toBe(200);
    expectRefusal(await retailer.send('PUT', path, { ExternalID: 'receipt-b', Item: acceptAll(transfer) }), 409, 'ALREADY_RECEIVED');
    expectRefusal(await shipper.send('PUT', `/v1/manifest/${prepared.manifest.ManifestID}/stop/1/arrive/undo`), 409, 'ALREADY_RECEIVED');
    expect((await client.state()).created.receipt).toBe(1);
  });

  it('voids only before receipt and only once', async () => {
    const shipper = await client.actor(SHIPPER);
    const retailer = await client.actor(RETAILER);
    const { manifest, transfer, invoiceId } = await shipped(shipper);
    await shipper.send('PUT', `/v1/manifest/${manifest.ManifestID}/stop/1/arrive`);
    await retailer.send('PUT', `/v1/inventory/transfer/${transfer.ID}/receive`, { Item: acceptAll(transfer) });
    expectRefusal(await shipper.send('PUT', `/v1/manifest/${manifest.ManifestID}/void`), 409, 'MANIFEST_RECEIVED');
    expectRefusal(await shipper.send('PUT', `/v1/invoice/${invoiceId}/void`), 409, 'MANIFEST_RECEIVED');
    expectRefusal(await shipper.send('PUT', `/v1/inventory/transfer/${transfer.ID}/void`), 409, 'ALREADY_RECEIVED');

    const crew = await shipper.crew();
    const secondInvoice = await shipper.invoice(OTHER_RETAILER.LocationLicense, [{ InventoryID: tag(3), Amount: 2 }]);
    const second = await shipper.send<ManifestReply>('POST', '/v1/manifest', manifestBody(shipper.license, crew, [
      { license: OTHER_RETAILER.LocationLicense, invoiceId: secondInvoice, items: [{ InventoryID: tag(3), Quantity: 2 }] },
    ]));
    expect((await shipper.send('PUT', `/v1/manifest/${second.body.Manifest.ManifestID}/void`)).status).toBe(200);
    expectRefusal(await shipper.send('PUT', `/v1/manifest/${second.body.Manifest.ManifestID}/void`), 409, 'ALREADY_VOIDED');
    expect((await shipper.send('PUT', `/v1/invoice/${secondInvoice}/void`)).status).toBe(200);
    expectRefusal(await shipper.send('PUT', `/v1/invoice/${secondInvoice}/void`), 409, 'ALREADY_VOIDED');
    expect((await client.state()).created.void).toBe(2);
  });
});

describe('NY-API emulator: replays by ExternalID and lookup', () => {
  it('answers a repeated write with the original body, without a second object or TransactionID', async () => {
    const shipper = await client.actor(SHIPPER);
    const { body, manifest } = await manifestToRetailer(shipper, 'manifest-replay');
    const before = await client.state();
    const replay = await shipper.send<ManifestReply>('POST', '/v1/manifest', body);
    expect(replay.status).toBe(200);
    expect(replay.body.Manifest).toEqual(manifest);
    const after = await client.state();
    expect(after.created).toEqual(before.created);
    expect(after.manifests).toHaveLength(1);
    const calls = await client.calls();
    expect(calls.at(-1)).toMatchObject({ route: '/v1/manifest', replay: true, externalId: 'manifest-replay', status: 200 });

    const conflict = await shipper.send<ErrorBody>('POST', '/v1/manifest', { ...body, Type: 'Delivery' });
    expect([conflict.status, conflict.body.ErrorCode]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);

    const sync = await shipper.get<{ Sync: Record<string, number> }>('/v1/sync');
    expect(sync.body.Sync['Manifest']).toBe(replay.body.TransactionID);
  });

  it('finds the caller’s objects by ?ExternalID= on every list that carries one', async () => {
    const shipper = await client.actor(SHIPPER);
    const retailer = await client.actor(RETAILER);
    await shipper.send('POST', '/v1/employee', { Name: 'Eve', ExternalID: 'driver-eve' });
    await shipper.send('POST', '/v1/vehicle', { Name: 'Truck', ExternalID: 'truck-9' });
    await shipper.invoice(RETAILER.LocationLicense, [{ InventoryID: tag(4), Amount: 1 }], 'invoice-77');
    const { transfer } = await shipped(shipper);

    const one = async (path: string, name: string) => (await shipper.get<Record<string, { ExternalID: string }[]>>(path)).body[name]?.map((o) => o.ExternalID);
    expect(await one('/v1/employee?ExternalID=driver-eve', 'Employee')).toEqual(['driver-eve']);
    expect(await one('/v1/vehicle?ExternalID=truck-9', 'Vehicle')).toEqual(['truck-9']);
    expect(await one('/v1/invoice?ExternalID=invoice-77', 'Invoice')).toEqual(['invoice-77']);
    expect(await one('/v1/manifest?ExternalID=manifest-1', 'Manifest')).toEqual(['manifest-1']);
    expect(await one('/v1/inventory/transfer?ExternalID=ship-1', 'InventoryTransfer')).toEqual(['ship-1']);
    expect(await one('/v1/manifest?ExternalID=nope', 'Manifest')).toEqual([]);
    // Another license does not see the shipper's objects.
    expect((await retailer.get<{ Manifest: unknown[] }>('/v1/manifest?ExternalID=manifest-1')).body.Manifest).toEqual([]);
    expect(transfer.ExternalID).toBe('ship-1');
  });

  it('pages lists with cursor and limit', async () => {
    const shipper = await client.actor(SHIPPER);
    for (const name of ['A', 'B', 'C']) await shipper.send('POST', '/v1/employee', { Name: name });
    const first = await shipper.get<{ Employee: { Name: string }[]; NextCursor: number }>('/v1/employee?limit=2');
    expect([first.body.Employee.map((e) => e.Name), first.body.NextCursor]).toEqual([['A', 'B'], 2]);
    const second = await shipper.get<{ Employee: { Name: string }[]; NextCursor: number }>(`/v1/employee?limit=2&cursor=${first.body.NextCursor}`);
    expect([second.body.Employee.map((e) => e.Name), second.body.NextCursor]).toEqual([['C'], 0]);
  });
});

describe('NY-API emulator: injected faults', () => {
  it('answers 429 with Retry-After and 503, doing nothing', async () => {
    const shipper = await client.actor(SHIPPER);
    await client.faults([
      { route: 'GET /v1/vendor', rate429: 1, retryAfterSeconds: 7 },
      { route: 'POST /v1/employee', rate5xx: 1 },
    ]);
    const limited = await shipper.get<ErrorBody>('/v1/vendor');
    expect([limited.status, limited.body.ErrorCode, limited.headers.get('retry-after')]).toEqual([429, 'RATE_LIMITED', '7']);
    const unavailable = await shipper.send<ErrorBody>('POST', '/v1/employee', { Name: 'Dana', ExternalID: 'e-503' });
    expect([unavailable.status, unavailable.body.ErrorCode]).toEqual([503, 'SERVER_ERROR']);
    expect((await client.state()).created.employee).toBe(0);
    // Other routes and the control routes are untouched.
    expect((await shipper.get('/v1/inventory')).status).toBe(200);
    const calls = await client.calls();
    expect(calls.slice(-3).map((c) => [c.route, c.status, c.fault])).toEqual([
      ['/v1/vendor', 429, '429'],
      ['/v1/employee', 503, '5xx'],
      ['/v1/inventory', 200, undefined],
    ]);
  });

  it('holds a request without answering on a timeout fault, then drops it; a client abort ends the hold', async () => {
    const shipper = await client.actor(SHIPPER);
    await client.faults([{ route: 'POST /v1/employee', rateTimeout: 1, timeoutMs: 150 }, { route: 'GET /v1/inventory', rateTimeout: 1 }]);
    const started = Date.now();
    await expect(shipper.send('POST', '/v1/employee', { Name: 'Dana' })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await expect(shipper.get('/v1/inventory', AbortSignal.timeout(100))).rejects.toThrow();
    expect((await client.state()).created.employee).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const calls = await client.calls();
    expect(calls.slice(-2).map((c) => [c.route, c.status, c.fault])).toEqual([
      ['/v1/employee', 0, 'timeout'],
      ['/v1/inventory', 0, 'timeout'],
    ]);
  });

  it('commits then drops the response; a retry with the same ExternalID returns the object without a second creation', async () => {
    const shipper = await client.actor(SHIPPER);
    const crew = await shipper.crew();
    const invoiceId = await shipper.invoice(RETAILER.LocationLicense, [{ InventoryID: tag(1), Amount: 3 }]);
    const body = manifestBody(shipper.license, crew, [{ license: RETAILER.LocationLicense, invoiceId, items: [{ InventoryID: tag(1), Quantity: 3 }] }], 'lost-answer');
    await client.faults([{ route: 'POST /v1/manifest', rateCommitThenDrop: 1 }]);
    await expect(shipper.send('POST', '/v1/manifest', body)).rejects.toThrow();
    const state = await client.state();
    expect(state.created.manifest).toBe(1);
    expect(state.manifests[0]?.ExternalID).toBe('lost-answer');

    await client.request('DELETE', '/_emulator/faults');
    const retry = await shipper.send<ManifestReply>('POST', '/v1/manifest', body);
    expect(retry.status).toBe(200);
    expect(retry.body.Manifest.ManifestID).toBe(state.manifests[0]?.ManifestID);
    expect((await client.state()).created.manifest).toBe(1);
    const calls = await client.calls();
    expect(calls.slice(-2).map((c) => [c.status, c.fault, c.replay])).toEqual([
      [0, 'commit-then-drop', undefined],
      [200, undefined, true],
    ]);
  });

  it('commits late after the caller gave up (lateCommitMs), where latencyMs abandons the work', async () => {
    const shipper = await client.actor(SHIPPER);
    await client.faults([
      { route: 'POST /v1/employee', lateCommitMs: 250 },
      { route: 'POST /v1/vehicle', latencyMs: 250 },
    ]);
    const since = (await client.calls()).at(-1)?.seq ?? 0;
    await expect(shipper.send('POST', '/v1/employee', { Name: 'Dana', ExternalID: 'late-1' }, AbortSignal.timeout(50))).rejects.toThrow();
    await expect(shipper.send('POST', '/v1/vehicle', { Name: 'Van', ExternalID: 'slow-1' }, AbortSignal.timeout(50))).rejects.toThrow();
    expect((await client.state()).created).toMatchObject({ employee: 0, vehicle: 0 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const state = await client.state();
    expect(state.created).toMatchObject({ employee: 1, vehicle: 0 });
    expect((await client.calls(since)).map((c) => [c.route, c.status, c.fault])).toEqual([
      ['/v1/employee', 0, 'late-commit'],
      ['/v1/vehicle', 0, undefined],
    ]);

    // The caller's retry finds the committed object; a patient caller hears the late answer.
    await client.request('DELETE', '/_emulator/faults');
    const retry = await shipper.send<{ Employee: { ID: number; ExternalID: string } }>('POST', '/v1/employee', { Name: 'Dana', ExternalID: 'late-1' });
    expect([retry.status, retry.body.Employee.ExternalID]).toEqual([200, 'late-1']);
    expect((await client.state()).created.employee).toBe(1);
    await client.faults([{ route: 'POST /v1/employee', lateCommitMs: 150 }]);
    const started = Date.now();
    const patient = await shipper.send('POST', '/v1/employee', { Name: 'Eve' });
    expect(patient.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await client.calls()).at(-1)).toMatchObject({ route: '/v1/employee', status: 200, fault: 'late-commit' });
  });

  it('spends a rule after its first `times` requests; the next matching rule applies then', async () => {
    const shipper = await client.actor(SHIPPER);
    const { manifest } = await manifestToRetailer(shipper);
    await client.faults([
      { route: 'GET /v1/manifest/{id}', rate5xx: 1, times: 1 },
      { route: 'GET /v1/uom', rate429: 1, retryAfterSeconds: 0, times: 2 },
      { route: 'GET /v1/uom', rate5xx: 1, status5xx: 502, times: 1 },
    ]);
    const manifestPath = `/v1/manifest/${manifest.ManifestID}`;
    expect([(await shipper.get(manifestPath)).status, (await shipper.get(manifestPath)).status, (await shipper.get(manifestPath)).status]).toEqual([503, 200, 200]);
    const uom: number[] = [];
    for (let i = 0; i < 4; i += 1) uom.push((await shipper.get('/v1/uom')).status);
    expect(uom).toEqual([429, 429, 502, 200]);
  });

  it('answers errors as HTTP 200 {success: 0} in legacy mode, injected ones included', async () => {
    const shipper = await client.actor(SHIPPER);
    await client.faults([
      { route: 'POST /v1/manifest', legacyErrors: true },
      { route: 'GET /v1/vendor', rate429: 1, legacyErrors: true },
    ]);
    const refused = await shipper.send('POST', '/v1/manifest', { LocationLicense: shipper.license, Type: 'Transfer', Stop: [] });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ success: 0, error: 'A manifest needs at least one item', errorcode: 'NO_ITEMS' });
    const limited = await shipper.get('/v1/vendor');
    expect([limited.status, limited.body]).toEqual([200, { success: 0, error: 'Too many requests', errorcode: 'RATE_LIMITED' }]);
  });

  it('draws faults from a seeded PRNG (the same seed gives the same run) and adds latency', async () => {
    const shipper = await client.actor(SHIPPER);
    const run = async () => {
      await client.faults([{ route: 'GET /v1/uom', rate429: 0.5, retryAfterSeconds: 0 }], 42);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) statuses.push((await shipper.get('/v1/uom')).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(429);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);

    await client.faults([{ route: '*', latencyMs: 120 }]);
    const started = Date.now();
    expect((await shipper.get('/v1/uom')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('stop() ends requests held by a timeout fault', async () => {
    const own = await startNyApiEmulator();
    const ownClient = new EmulatorClient(own.url);
    await ownClient.request('PUT', '/_emulator/faults', { body: { rules: [{ route: '*', rateTimeout: 1 }] } });
    const held = ownClient.request('GET', '/v1/uom');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.stop();
    await expect(held).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('NY-API emulator: call log and reset', () => {
  it('records every call with its user, license, ExternalID, status and error code', async () => {
    const shipper = await client.actor(SHIPPER);
    const since = (await client.calls()).at(-1)?.seq ?? 0;
    await shipper.send('POST', '/v1/employee', { Name: 'Dana', ExternalID: 'emp-1' });
    await shipper.send('POST', '/v1/manifest', { LocationLicense: shipper.license, Type: 'Transfer', Stop: [] });
    await shipper.get('/v1/nothing-here');
    const calls = await client.calls(since);
    expect(calls.map((c) => ({ method: c.method, route: c.route, license: c.license, user: c.user, externalId: c.externalId, status: c.status, errorCode: c.errorCode }))).toEqual([
      { method: 'POST', route: '/v1/employee', license: SHIPPER.LocationLicense, user: 'alice', externalId: 'emp-1', status: 200, errorCode: undefined },
      { method: 'POST', route: '/v1/manifest', license: SHIPPER.LocationLicense, user: 'alice', externalId: undefined, status: 400, errorCode: 'NO_ITEMS' },
      { method: 'GET', route: '/v1/nothing-here', license: undefined, user: undefined, externalId: undefined, status: 404, errorCode: 'NOT_FOUND' },
    ]);
    expect(calls[0]?.transactionId).toBeGreaterThan(0);
  });

  it('reset empties state, calls, faults, clock offset and tokens', async () => {
    const shipper = await client.actor(SHIPPER);
    await shipper.crew();
    await client.faults([{ route: 'GET /v1/uom', rate5xx: 1 }]);
    await client.advance(86_400);
    await client.request('POST', '/_emulator/reset');

    const state = await client.state();
    expect(state.licensees).toEqual([]);
    expect(state.employees).toEqual([]);
    expect(Object.values(state.created).every((count) => count === 0)).toBe(true);
    expect(Math.abs(Date.parse(state.clock) - Date.now())).toBeLessThan(5000);
    expect(await client.calls()).toEqual([]);
    const stale = await client.request<ErrorBody>('GET', '/v1/uom', { headers: shipper.headers });
    expect([stale.status, stale.body.ErrorCode]).toEqual([401, 'UNAUTHORIZED']);
  });
});
