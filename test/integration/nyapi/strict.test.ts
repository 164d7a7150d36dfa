/**
 * The emulator is as strict as the recorded shapes: request bodies (unknown fields, JSON types,
 * required fields), query parameters, and what a manifest amendment may change.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNyApiEmulator } from '#infra/local/nyapi/server.ts';
import type { NyApiEmulator } from '#infra/local/nyapi/server.ts';
import { CLIENT, EmulatorClient, manifestBody, RETAILER, SHIPPER, tag } from './client.ts';
import type { Actor, ErrorBody, ManifestView, Reply, TransferView } from './client.ts';

let emulator: NyApiEmulator;
let client: EmulatorClient;

beforeAll(async () => {
  emulator = await startNyApiEmulator({ clientId: CLIENT.id, clientSecret: CLIENT.secret });
  client = new EmulatorClient(emulator.url);
});
afterAll(() => emulator.stop());
beforeEach(() => client.reset());

/** A shipped manifest to the retailer, arrived, plus an unshipped one: an object behind every write route. */
async function world(shipper: Actor) {
  const crew = await shipper.crew();
  const invoiceId = await shipper.invoice(RETAILER.LocationLicense, [{ InventoryID: tag(1), Amount: 10 }, { InventoryID: tag(2), Amount: 4 }]);
  const stop = { license: RETAILER.LocationLicense, invoiceId, items: [{ InventoryID: tag(1), Quantity: 10 }, { InventoryID: tag(2), Quantity: 4 }] };
  const body = manifestBody(shipper.license, crew, [stop], 'manifest-1');
  const created = await shipper.send<{ Manifest: ManifestView }>('POST', '/v1/manifest', body);
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const manifestId = created.body.Manifest.ManifestID;
  const shipped = await shipper.send<{ InventoryTransfer: TransferView[] }>('POST', '/v1/inventory/transfer', { ManifestID: manifestId, ExternalID: 'ship-1' });
  const transferId = shipped.body.InventoryTransfer[0]?.ID ?? 0;
  expect((await shipper.send('PUT', `/v1/manifest/${manifestId}/stop/1/arrive`, { ExternalID: 'arrive-1' })).status).toBe(200);

  const openInvoice = await shipper.invoice(RETAILER.LocationLicense, [{ InventoryID: tag(3), Amount: 2 }]);
  const openBody = manifestBody(shipper.license, crew, [{ license: RETAILER.LocationLicense, invoiceId: openInvoice, items: [{ InventoryID: tag(3), Quantity: 2 }] }], 'manifest-open');
  const open = await shipper.send<{ Manifest: ManifestView }>('POST', '/v1/manifest', openBody);
  return { crew, invoiceId, body, manifestId, transferId, openInvoice, openBody, open: open.body.Manifest };
}

type Case = readonly [method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, detail: { path: string; message: string }];

describe('NY-API emulator: request bodies are strict', () => {
  it('refuses an unknown field, a JSON type the recordings do not give, and a missing field, naming the field', async () => {
    const shipper = await client.actor(SHIPPER);
    const retailer = await client.actor(RETAILER);
    const w = await world(shipper);
    const manifest = (overrides: Record<string, unknown>) => ({ ...w.openBody, ExternalID: 'manifest-x', ...overrides });
    const stop = (overrides: Record<string, unknown>) => [{ ...(w.openBody['Stop'] as Record<string, unknown>[])[0], ...overrides }];
    const receipt = (item: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      Item: [{ InventoryID: tag(1), Accept: true, ...item }, { InventoryID: tag(2), Accept: true }],
      ...extra,
    });
    const driverId = w.crew.driverId;
    const vehicleId = w.crew.vehicleId;
    const invoiceLine = (line: Record<string, unknown>) => ({
      LocationLicense: SHIPPER.LocationLicense,
      BuyerLocationLicense: RETAILER.LocationLicense,
      Inventory: [{ InventoryID: tag(4), Amount: 1, Price: 3, ...line }],
    });

    const shipperCases: Case[] = [
      // The hub's mistake of issue 12: a numeric string where the recordings give a number.
      ['POST', '/v1/manifest', manifest({ Driver: [{ ID: String(driverId) }] }), { path: 'Driver[0].ID', message: 'Driver[0].ID must be an integer employee ID' }],
      ['POST', '/v1/manifest', manifest({ Vehicle: { ID: vehicleId } }), { path: 'Vehicle.ID', message: 'Vehicle.ID must be a string holding the vehicle\'s integer ID, e.g. "12"' }],
      ['POST', '/v1/manifest', manifest({ Notes: 'fragile' }), { path: 'Notes', message: 'Notes is not a field of this request' }],
      ['POST', '/v1/manifest', manifest({ Vehicle: { ID: String(vehicleId), Plate: 'ABC1234' } }), { path: 'Vehicle.Plate', message: 'Vehicle.Plate is not a field of this request' }],
      ['POST', '/v1/manifest', manifest({ Stop: stop({ StopNumber: '1' }) }), { path: 'Stop[0].StopNumber', message: 'Stop[0].StopNumber must be an integer stop number' }],
      ['POST', '/v1/manifest', manifest({ Stop: stop({ InvoiceID: Number(w.openInvoice) }) }), { path: 'Stop[0].InvoiceID', message: 'Stop[0].InvoiceID must be a string invoice ID' }],
      ['POST', '/v1/manifest', manifest({ Stop: stop({ InvoiceID: undefined }) }), { path: 'Stop[0].InvoiceID', message: 'Stop[0].InvoiceID is required' }],
      ['POST', '/v1/manifest', manifest({ Stop: stop({ ApproximateArrival: '2026-12-01T18:30:00+02:00' }) }), { path: 'Stop[0].ApproximateArrival', message: 'Stop[0].ApproximateArrival must be an ISO-8601 UTC date-time, e.g. 2026-12-01T14:00:00Z' }],
      ['POST', '/v1/manifest', manifest({ Stop: stop({ Item: [{ InventoryID: tag(3), Quantity: '2' }] }) }), { path: 'Stop[0].Item[0].Quantity', message: 'Stop[0].Item[0].Quantity must be a positive number (the quantity shipped)' }],
      ['POST', '/v1/manifest', manifest({ Stop: stop({ Item: [{ InventoryID: tag(3), Quantity: 2, Price: 5 }] }) }), { path: 'Stop[0].Item[0].Price', message: 'Stop[0].Item[0].Price is not a field of this request' }],
      ['POST', '/v1/manifest', manifest({ Vehicle: null }), { path: 'Vehicle', message: 'Vehicle must be an object {ID}' }],
      ['POST', '/v1/manifest', manifest({ Stop: undefined }), { path: 'Stop', message: 'Stop is required' }],
      ['POST', '/v1/employee', { Name: 'Dana', Nickname: 'D' }, { path: 'Nickname', message: 'Nickname is not a field of this request' }],
      ['POST', '/v1/employee', { Email: 'dana@example.com' }, { path: 'Name', message: 'Name is required' }],
      ['POST', '/v1/employee', { Name: 'Dana', ExternalID: 7 }, { path: 'ExternalID', message: 'ExternalID must be a string' }],
      ['PUT', `/v1/employee/${driverId}`, { DriverLicense: 1234567 }, { path: 'DriverLicense', message: 'DriverLicense must be a string' }],
      ['DELETE', `/v1/employee/${driverId}`, { Reason: 'left' }, { path: 'Reason', message: 'Reason is not a field of this request' }],
      ['POST', '/v1/vehicle', { Name: 'Van', Year: 2023 }, { path: 'Year', message: 'Year must be a string' }],
      ['POST', '/v1/vehicle', { Name: 'Van', Mileage: 12 }, { path: 'Mileage', message: 'Mileage is not a field of this request' }],
      ['PUT', `/v1/vehicle/${vehicleId}`, { Year: 2024 }, { path: 'Year', message: 'Year must be a string' }],
      ['DELETE', `/v1/vehicle/${vehicleId}`, { ExternalID: 'v' }, { path: 'ExternalID', message: 'ExternalID is not a field of this request' }],
      ['POST', '/v1/invoice', invoiceLine({ Amount: '1' }), { path: 'Inventory[0].Amount', message: 'Inventory[0].Amount must be a positive number (the amount invoiced)' }],
      ['POST', '/v1/invoice', invoiceLine({ Price: '3' }), { path: 'Inventory[0].Price', message: 'Inventory[0].Price must be a number (the unit price)' }],
      ['POST', '/v1/invoice', invoiceLine({ InventoryID: Number(tag(4)) }), { path: 'Inventory[0].InventoryID', message: 'Inventory[0].InventoryID must be a string inventory ID' }],
      ['POST', '/v1/invoice', invoiceLine({ Price: null }), { path: 'Inventory[0].Price', message: 'Inventory[0].Price must be a number (the unit price)' }],
      ['POST', '/v1/invoice', { ...invoiceLine({}), BuyerLocationLicense: undefined }, { path: 'BuyerLocationLicense', message: 'BuyerLocationLicense is required' }],
      ['PUT', `/v1/invoice/${w.openInvoice}/void`, { Reason: 'typo' }, { path: 'Reason', message: 'Reason is not a field of this request' }],
      ['POST', '/v1/inventory/transfer', { ManifestID: Number(w.open.ManifestID) }, { path: 'ManifestID', message: 'ManifestID must be a string manifest ID' }],
      ['POST', '/v1/inventory/transfer', { ManifestID: w.open.ManifestID, Driver: [{ ID: driverId }] }, { path: 'Driver', message: 'Driver is not a field of this request' }],
      ['POST', '/v1/inventory/transfer', { ExternalID: 'ship-x' }, { path: 'ManifestID', message: 'ManifestID is required' }],
      ['PUT', `/v1/manifest/${w.manifestId}/stop/1/arrive/undo`, { ExternalID: 'undo-1', At: '2026-12-01T15:00:00Z' }, { path: 'At', message: 'At is not a field of this request' }],
      ['PUT', `/v1/manifest/${w.open.ManifestID}/void`, { ExternalID: 42 }, { path: 'ExternalID', message: 'ExternalID must be a string' }],
      ['PUT', `/v1/inventory/transfer/${w.transferId}/void`, { Reason: 'wrong truck' }, { path: 'Reason', message: 'Reason is not a field of this request' }],
    ];
    const retailerCases: Case[] = [
      ['PUT', `/v1/inventory/transfer/${w.transferId}/receive`, receipt({ Accept: 'true' }), { path: 'Item[0].Accept', message: 'Item[0].Accept must be a boolean' }],
      ['PUT', `/v1/inventory/transfer/${w.transferId}/receive`, receipt({ ReceivedAmount: '9' }), { path: 'Item[0].ReceivedAmount', message: 'Item[0].ReceivedAmount must be a non-negative number (the amount received)' }],
      ['PUT', `/v1/inventory/transfer/${w.transferId}/receive`, receipt({}, { RoomID: '3' }), { path: 'RoomID', message: 'RoomID must be an integer room ID' }],
      ['PUT', `/v1/inventory/transfer/${w.transferId}/receive`, receipt({ Note: 'ok' }), { path: 'Item[0].Note', message: 'Item[0].Note is not a field of this request' }],
      ['PUT', `/v1/inventory/transfer/${w.transferId}/receive`, { ExternalID: 'r' }, { path: 'Item', message: 'Item is required' }],
    ];
    const expectRefused = async (actor: Actor, [method, path, body, detail]: Case) => {
      const reply = await actor.send<ErrorBody>(method, path, body);
      expect({ status: reply.status, body: reply.body }, `${method} ${path} ${JSON.stringify(body)}`).toEqual({
        status: 400,
        body: { Error: detail.message, ErrorCode: 'VALIDATION', Details: [detail] },
      });
    };
    const before = await client.state();
    for (const refused of shipperCases) await expectRefused(shipper, refused);
    for (const refused of retailerCases) await expectRefused(retailer, refused);

    // Login and the intake route are strict too.
    const login = await client.request<ErrorBody>('POST', '/v1/user/login', {
      headers: { authorization: shipper.headers['authorization'] ?? '', 'x-ubi': SHIPPER.UBI, 'x-license': SHIPPER.LocationLicense },
      body: { Username: 'alice', Password: 'alice-pw', Remember: true },
    });
    expect([login.status, login.body.Error]).toEqual([400, 'Remember is not a field of this request']);
    await expectRefused(retailer, [
      'POST',
      '/v1/inventory/transfer/inbound',
      { OutboundLicense: SHIPPER.LocationLicense, PaperManifestNumber: 'P-1', RoomID: 2.5, Item: [{ InventoryID: tag(9), Description: 'x', Amount: 1, UOM: 'each', Accept: true }] },
      { path: 'RoomID', message: 'RoomID must be an integer room ID' },
    ]);

    // Several problems at once: one detail each, all in Error.
    const many = await shipper.send<ErrorBody>('POST', '/v1/employee', { Name: 3, Shift: 'night' });
    expect(many.body).toEqual({
      Error: 'Name must be a non-empty string; Shift is not a field of this request',
      ErrorCode: 'VALIDATION',
      Details: [{ path: 'Name', message: 'Name must be a non-empty string' }, { path: 'Shift', message: 'Shift is not a field of this request' }],
    });
    const notAnObject = await shipper.send<ErrorBody>('POST', '/v1/employee', ['Dana']);
    expect(notAnObject.body.Details).toEqual([{ path: '', message: 'The request body must be an object of employee fields' }]);

    const after = await client.state();
    expect(after.created).toEqual(before.created);
    expect(after.manifests.map((m) => [m.ManifestID, m.Deleted, m.Stop[0]?.DriverArrived])).toEqual(before.manifests.map((m) => [m.ManifestID, m.Deleted, m.Stop[0]?.DriverArrived]));
  });

  it('keeps the §4 codes where they apply, and takes only {ExternalID} on arrive, undo and void', async () => {
    const shipper = await client.actor(SHIPPER);
    const w = await world(shipper);
    const code = async (reply: Promise<Reply<ErrorBody>>) => {
      const { status, body } = await reply;
      return [status, body.ErrorCode];
    };
    const { Driver: _driver, ...withoutDriver } = w.openBody;
    const { Vehicle: _vehicle, ...withoutVehicle } = w.openBody;
    const stop = (w.openBody['Stop'] as Record<string, unknown>[])[0] ?? {};
    const { Item: _item, ...stopWithoutItems } = stop;
    expect(await code(shipper.send('POST', '/v1/manifest', { ...withoutDriver, ExternalID: 'm-a' }))).toEqual([422, 'DRIVER_REQUIRED']);
    expect(await code(shipper.send('POST', '/v1/manifest', { ...w.openBody, ExternalID: 'm-b', Driver: [] }))).toEqual([422, 'DRIVER_REQUIRED']);
    expect(await code(shipper.send('POST', '/v1/manifest', { ...withoutVehicle, ExternalID: 'm-c' }))).toEqual([422, 'VEHICLE_REQUIRED']);
    expect(await code(shipper.send('POST', '/v1/manifest', { ...w.openBody, ExternalID: 'm-d', Stop: [stopWithoutItems] }))).toEqual([400, 'NO_ITEMS']);
    const unpriced = { LocationLicense: SHIPPER.LocationLicense, BuyerLocationLicense: RETAILER.LocationLicense, Inventory: [{ InventoryID: tag(4), Amount: 1 }] };
    expect(await code(shipper.send('POST', '/v1/invoice', unpriced))).toEqual([422, 'MISSING_PRICE']);
    expect(await code(shipper.send('POST', '/v1/invoice', { ...unpriced, Inventory: [] }))).toEqual([400, 'NO_ITEMS']);

    // No body, an empty one, or just an ExternalID: the arrive, undo and void routes' whole vocabulary.
    expect((await shipper.send('PUT', `/v1/manifest/${w.manifestId}/stop/1/arrive/undo`)).status).toBe(200);
    expect((await shipper.send('PUT', `/v1/manifest/${w.manifestId}/stop/1/arrive`, {})).status).toBe(200);
    expect((await shipper.send('PUT', `/v1/inventory/transfer/${w.transferId}/void`, { ExternalID: 'void-1' })).status).toBe(200);
    expect((await client.calls()).at(-1)).toMatchObject({ route: '/v1/inventory/transfer/{id}/void', externalId: 'void-1', status: 200 });
  });
});

describe('NY-API emulator: query parameters are strict', () => {
  it('refuses a parameter the route does not define, and one given twice', async () => {
    const shipper = await client.actor(SHIPPER);
    const retailer = await client.actor(RETAILER);
    const w = await world(shipper);
    const refused = async (actor: Actor, path: string, detail: { path: string; message: string }, method: 'GET' | 'POST' = 'GET', body?: unknown) => {
      const reply = method === 'GET' ? await actor.get<ErrorBody>(path) : await actor.send<ErrorBody>(method, path, body);
      expect({ status: reply.status, body: reply.body }, path).toEqual({ status: 400, body: { Error: detail.message, ErrorCode: 'VALIDATION', Details: [detail] } });
    };
    await refused(retailer, '/v1/inventory/transfer/inbound?received=false', {
      path: 'received',
      message: 'received is not a query parameter of GET /v1/inventory/transfer/inbound (it takes cursor, limit, ExternalID)',
    });
    await refused(shipper, '/v1/vendor?ExternalID=x', { path: 'ExternalID', message: 'ExternalID is not a query parameter of GET /v1/vendor (it takes cursor, limit)' });
    await refused(shipper, `/v1/manifest/${w.manifestId}?include=Inventory`, { path: 'include', message: 'include is not a query parameter of GET /v1/manifest/{id} (it takes none)' });
    await refused(shipper, '/v1/employee?limit=1&limit=2', { path: 'limit', message: 'limit is given more than once' });
    await refused(shipper, '/v1/employee?limit=ten', { path: 'limit', message: 'limit must be a positive integer' });
    await refused(shipper, '/v1/employee?cursor=-1', { path: 'cursor', message: 'cursor must be a non-negative integer' });
    await refused(shipper, '/v1/employee?dryRun=true', { path: 'dryRun', message: 'dryRun is not a query parameter of POST /v1/employee (it takes none)' }, 'POST', { Name: 'Eve' });
    expect((await client.state()).created.employee).toBe(1);

    // What the lists do take: paging, and the ExternalID narrowing that finds a lost answer again.
    const found = await shipper.get<{ Manifest: ManifestView[]; NextCursor: number }>('/v1/manifest?ExternalID=manifest-1&cursor=0&limit=10');
    expect([found.status, found.body.Manifest.map((m) => m.ManifestID), found.body.NextCursor]).toEqual([200, [w.manifestId], 0]);
    const inbound = await retailer.get<{ InventoryTransfer: TransferView[] }>('/v1/inventory/transfer/inbound?ExternalID=ship-1');
    expect(inbound.body.InventoryTransfer.map((t) => t.ID)).toEqual([w.transferId]);
  });
});

describe('NY-API emulator: amending a manifest before shipping', () => {
  it('takes the create body’s fields, all optional; what identifies the manifest or its contents may be repeated, not changed', async () => {
    const shipper = await client.actor(SHIPPER);
    const w = await world(shipper);
    const path = `/v1/manifest/${w.open.ManifestID}`;
    const second = await shipper.send<{ Employee: { ID: number } }>('POST', '/v1/employee', { Name: 'Sam Second' });
    const stored = (w.openBody['Stop'] as Record<string, unknown>[])[0] ?? {};
    const items = stored['Item'] as { InventoryID: string; Quantity: number }[];

    const amended = await shipper.send<{ Manifest: ManifestView & { Stop: { ApproximateArrival: string }[] } }>('PUT', path, {
      ...w.openBody,
      Driver: [{ ID: second.body.Employee.ID }],
      Stop: [{ ...stored, ApproximateArrival: '2026-12-01T18:00:00Z', Item: [...items].reverse() }],
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    expect(amended.body.Manifest.Driver.map((d) => d.Name)).toEqual(['Sam Second']);
    expect(amended.body.Manifest.Stop[0]?.ApproximateArrival).toBe('2026-12-01T18:00:00.000Z');
    const transactionId = (await shipper.get<{ Manifest: { TransactionID: number } }>(path)).body.Manifest.TransactionID;

    const conflict = await shipper.send<ErrorBody>('PUT', path, { ExternalID: 'manifest-other' });
    expect([conflict.status, conflict.body.ErrorCode]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
    expect(conflict.body.Error).toMatch(/ExternalID identifies manifest .* and cannot change on an update/);

    const fixed: [Record<string, unknown>, string][] = [
      [{ LocationLicense: RETAILER.LocationLicense }, 'LocationLicense'],
      [{ Type: 'Delivery' }, 'Type'],
      [{ Stop: [{ StopNumber: 1, LocationLicense: SHIPPER.LocationLicense }] }, 'Stop[0].LocationLicense'],
      [{ Stop: [{ StopNumber: 1, InvoiceID: w.invoiceId }] }, 'Stop[0].InvoiceID'],
      [{ Stop: [{ StopNumber: 1, Item: [{ InventoryID: tag(3), Quantity: 1 }] }] }, 'Stop[0].Item'],
    ];
    for (const [body, field] of fixed) {
      const reply = await shipper.send<ErrorBody>('PUT', path, body);
      const message = `${field} cannot change on an update: void the manifest and create a new one instead`;
      expect({ status: reply.status, body: reply.body }, JSON.stringify(body)).toEqual({ status: 400, body: { Error: message, ErrorCode: 'VALIDATION', Details: [{ path: field, message }] } });
    }
    const strict = await shipper.send<ErrorBody>('PUT', path, { Driver: [{ ID: String(w.crew.driverId) }], Priority: 'high' });
    expect(strict.body.Details).toEqual([
      { path: 'Driver[0].ID', message: 'Driver[0].ID must be an integer employee ID' },
      { path: 'Priority', message: 'Priority is not a field of this request' },
    ]);
    const unnamedStop = await shipper.send<ErrorBody>('PUT', path, { Stop: [{ ApproximateRoute: 'NY-9' }] });
    expect(unnamedStop.body.Details).toEqual([{ path: 'Stop[0].StopNumber', message: 'Stop[0].StopNumber is required' }]);
    expect((await shipper.get<{ Manifest: { TransactionID: number } }>(path)).body.Manifest.TransactionID).toBe(transactionId);

    // A manifest created without an ExternalID cannot be given one.
    const { ExternalID: _none, ...anonymous } = manifestBody(SHIPPER.LocationLicense, w.crew, [
      { license: RETAILER.LocationLicense, invoiceId: await shipper.invoice(RETAILER.LocationLicense, [{ InventoryID: tag(4), Amount: 1 }]), items: [{ InventoryID: tag(4), Quantity: 1 }] },
    ]);
    const plain = await shipper.send<{ Manifest: ManifestView }>('POST', '/v1/manifest', anonymous);
    const named = await shipper.send<ErrorBody>('PUT', `/v1/manifest/${plain.body.Manifest.ManifestID}`, { ExternalID: 'late-name' });
    expect([named.status, named.body.ErrorCode]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
  });
});
