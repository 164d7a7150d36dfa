/**
 * The emulator's answers against the recorded response shapes (recorded-responses.json, a copy of
 * docs/ny-api-responses.json): every key the emulator returns that the recording has carries the
 * recording's JSON type, and every recorded key it leaves out is a documented difference (README,
 * "Recorded keys the emulator leaves out").
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '#infra/local/nyapi/routes.ts';
import { startNyApiEmulator } from '#infra/local/nyapi/server.ts';
import type { NyApiEmulator } from '#infra/local/nyapi/server.ts';
import { CLIENT, EmulatorClient, manifestBody, RETAILER, SHIPPER, STANDARD_SEED, tag } from './client.ts';
import type { Reply } from './client.ts';

type JsonType = 'number' | 'string' | 'boolean' | 'array' | 'object' | 'null';

/** Where the route the emulator serves is recorded under another template. */
const RECORDED_AS: Readonly<Record<string, string>> = { 'POST /v1/vehicle': 'POST /v1/vehicle/{id}' };

/**
 * Recorded keys the emulator leaves out, as `<object>.<key>` (the object named by its key in the
 * recording; `(body)` for the top level). The README lists them with the reasons.
 */
const DOCUMENTED_OMISSIONS = [
  // Present once they have a value (checked then: the scenario receives a transfer).
  'InventoryTransfer.ReceivedTime',
  'Item.ReceivedTime',
  'Manifest.CompletionDate',
  'Manifest.ThirdPartyTransporter',
  'Stop.DriverArrivedTime',
  // Never sent: the emulator has nothing to say there.
  '(body).Sessiontime',
  'Inventory.ActiveSampleInventoryID',
  'Inventory.ExpirationDate',
  'Inventory.ExternalID',
  'Inventory.MedUsableWeight',
  'Inventory.NetPackageWeight',
  'Inventory.PackageDate',
  'Inventory.ProductionBatchID',
  'Inventory.QAStatus',
  'Inventory.RecUsableWeight',
  'Inventory.SourcePlantID',
  'Inventory.StateProductIdentifier',
  'Inventory.UsableWeight',
  'Stop.ParkedTime',
  'Stop.ResumedDirections',
  'Stop.ResumedEstimatedArrival',
  'Stop.ResumedEstimatedDeparture',
  'Stop.ResumedTime',
  'Vendor.LegacyComplyDate',
];

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonType;
}

interface Differences {
  readonly mismatches: Set<string>;
  readonly omitted: Set<string>;
}

/** Walks the recording; arrays compare each element the emulator sent with the recorded first one. */
function compare(actual: unknown, recorded: unknown, path: string, parent: string, out: Differences): void {
  const want = jsonType(recorded);
  const got = jsonType(actual);
  if (want !== got) {
    out.mismatches.add(`${path || '(body)'}: ${got}, recorded ${want}`);
    return;
  }
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    if (recorded.length > 0) for (const item of actual) compare(item, recorded[0], `${path}[]`, parent, out);
    return;
  }
  if (want !== 'object') return;
  const sent = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(recorded as Record<string, unknown>)) {
    const at = path ? `${path}.${key}` : key;
    if (key in sent) compare(sent[key], value, at, key, out);
    else out.omitted.add(`${parent}.${key}`);
  }
}

/** A recorded list that came back empty would prove nothing about its elements. */
function emptyLists(actual: unknown, recorded: unknown): string[] {
  if (jsonType(recorded) !== 'object' || jsonType(actual) !== 'object') return [];
  return Object.entries(recorded as Record<string, unknown>)
    .filter(([key, value]) => Array.isArray(value) && value.length > 0 && (actual as Record<string, unknown>)[key] instanceof Array && ((actual as Record<string, unknown[]>)[key] ?? []).length === 0)
    .map(([key]) => key);
}

let emulator: NyApiEmulator;
let client: EmulatorClient;
let recorded: Record<string, unknown>;

beforeAll(async () => {
  emulator = await startNyApiEmulator({ clientId: CLIENT.id, clientSecret: CLIENT.secret });
  client = new EmulatorClient(emulator.url);
  // An admin too, so that a user's Permission list is not empty.
  await client.reset({ licensees: [{ ...SHIPPER, users: [...(SHIPPER.users ?? []), { Username: 'root', Password: 'root-pw', Admin: true }] }, ...STANDARD_SEED.licensees.slice(1)] });
  const file = JSON.parse(await readFile(new URL('./recorded-responses.json', import.meta.url), 'utf8')) as { responses: Record<string, unknown> };
  recorded = file.responses;
});
afterAll(() => emulator.stop());

/** Every route the emulator serves that the recording has, answered once with real data. */
async function answers(): Promise<Map<string, unknown>> {
  const seen = new Map<string, unknown>();
  const keep = <T>(route: string, reply: Reply<T>): T => {
    expect(reply.status, `${route}: ${JSON.stringify(reply.body)}`).toBe(200);
    seen.set(route, reply.body);
    return reply.body;
  };
  const shipper = await client.actor(SHIPPER);
  const retailer = await client.actor(RETAILER);

  const driver = keep('POST /v1/employee', await shipper.send<{ Employee: { ID: number } }>('POST', '/v1/employee', { Name: 'Dana Driver', BirthDate: '1990-04-01' }));
  const vehicle = keep('POST /v1/vehicle', await shipper.send<{ Vehicle: { ID: number } }>('POST', '/v1/vehicle', { Name: 'Van 1', Year: '2023', Make: 'Ford' }));
  const driverId = driver.Employee.ID;
  const vehicleId = vehicle.Vehicle.ID;
  keep('GET /v1/employee', await shipper.get('/v1/employee'));
  keep('GET /v1/employee/{id}', await shipper.get(`/v1/employee/${driverId}`));
  keep('PUT /v1/employee/{id}', await shipper.send('PUT', `/v1/employee/${driverId}`, { Email: 'dana@example.com' }));
  keep('GET /v1/vehicle', await shipper.get('/v1/vehicle'));
  keep('GET /v1/vehicle/{id}', await shipper.get(`/v1/vehicle/${vehicleId}`));
  keep('PUT /v1/vehicle/{id}', await shipper.send('PUT', `/v1/vehicle/${vehicleId}`, { Color: 'white' }));
  keep('GET /v1/user', await shipper.get('/v1/user'));
  const vendors = keep('GET /v1/vendor', await shipper.get<{ Vendor: { ID: number }[] }>('/v1/vendor'));
  keep('GET /v1/vendor/{id}', await shipper.get(`/v1/vendor/${vendors.Vendor[0]?.ID ?? 0}`));
  keep('GET /v1/inventory', await shipper.get('/v1/inventory'));
  keep('GET /v1/inventory/{id}', await shipper.get(`/v1/inventory/${tag(1)}`));
  keep('GET /v1/uom', await shipper.get('/v1/uom'));
  keep('GET /v1/inventory/transfer/rules', await shipper.get('/v1/inventory/transfer/rules'));

  const invoice = keep(
    'POST /v1/invoice',
    await shipper.send<{ Invoice: { InvoiceID: string }[] }>('POST', '/v1/invoice', {
      LocationLicense: shipper.license,
      BuyerLocationLicense: RETAILER.LocationLicense,
      Inventory: [{ InventoryID: tag(1), Amount: 10, Price: 25 }, { InventoryID: tag(2), Amount: 4, Price: 18.5 }],
    }),
  );
  const invoiceId = invoice.Invoice[0]?.InvoiceID ?? '';
  keep('GET /v1/invoice', await shipper.get('/v1/invoice'));
  keep('GET /v1/invoice/{id}', await shipper.get(`/v1/invoice/${invoiceId}`));
  const crew = { driverId, vehicleId };
  const stop = { license: RETAILER.LocationLicense, invoiceId, items: [{ InventoryID: tag(1), Quantity: 10 }, { InventoryID: tag(2), Quantity: 4 }] };
  const manifest = keep('POST /v1/manifest', await shipper.send<{ Manifest: { ManifestID: string } }>('POST', '/v1/manifest', manifestBody(shipper.license, crew, [stop])));
  const manifestId = manifest.Manifest.ManifestID;
  keep('GET /v1/manifest/{id}', await shipper.get(`/v1/manifest/${manifestId}`));
  keep('PUT /v1/manifest/{id}', await shipper.send('PUT', `/v1/manifest/${manifestId}`, { Stop: [{ StopNumber: 1, ApproximateRoute: 'NY-7' }] }));
  const shipped = keep(
    'POST /v1/inventory/transfer',
    await shipper.send<{ InventoryTransfer: { ID: number }[] }>('POST', '/v1/inventory/transfer', { ManifestID: manifestId }),
  );
  const transferId = shipped.InventoryTransfer[0]?.ID ?? 0;
  keep('GET /v1/inventory/transfer', await shipper.get('/v1/inventory/transfer'));
  keep('GET /v1/inventory/transfer/{id}', await shipper.get(`/v1/inventory/transfer/${transferId}`));
  keep('PUT /v1/manifest/{id}/stop/{stopnumber}/arrive', await shipper.send('PUT', `/v1/manifest/${manifestId}/stop/1/arrive`));
  keep('PUT /v1/manifest/{id}/stop/{stopnumber}/arrive/undo', await shipper.send('PUT', `/v1/manifest/${manifestId}/stop/1/arrive/undo`));
  await shipper.send('PUT', `/v1/manifest/${manifestId}/stop/1/arrive`);
  keep('GET /v1/inventory/transfer/inbound', await retailer.get('/v1/inventory/transfer/inbound'));
  keep('GET /v1/inventory/transfer/inbound/{id}', await retailer.get(`/v1/inventory/transfer/inbound/${transferId}`));
  const receipt = { Item: [{ InventoryID: tag(1), Accept: true, ReceivedAmount: 9 }, { InventoryID: tag(2), Accept: false, RejectReason: 'damaged' }] };
  expect((await retailer.send('PUT', `/v1/inventory/transfer/${transferId}/receive`, receipt)).status).toBe(200);
  keep('GET /v1/inventory/transfer/rejected', await shipper.get('/v1/inventory/transfer/rejected'));
  keep('GET /v1/sync', await shipper.get('/v1/sync'));
  // Completed now: its CompletionDate and the stop's DriverArrivedTime are set.
  keep('GET /v1/manifest', await shipper.get('/v1/manifest'));

  // A second manifest (by a third-party transporter) and invoice to void; then the objects the transfers no longer need.
  const second = await shipper.send<{ Invoice: { InvoiceID: string }[] }>('POST', '/v1/invoice', {
    LocationLicense: shipper.license,
    BuyerLocationLicense: RETAILER.LocationLicense,
    Inventory: [{ InventoryID: tag(3), Amount: 2, Price: 9 }],
  });
  const secondInvoice = second.body.Invoice[0]?.InvoiceID ?? '';
  const toVoid = await shipper.send<{ Manifest: { ManifestID: string } }>('POST', '/v1/manifest', {
    ...manifestBody(shipper.license, crew, [{ license: RETAILER.LocationLicense, invoiceId: secondInvoice, items: [{ InventoryID: tag(3), Quantity: 2 }] }]),
    Type: 'ThirdParty',
    ThirdPartyTransporter: { LicenseNumber: 'OCM-TRAN-24-000404', Name: 'Empire Couriers' },
  });
  expect(toVoid.status, JSON.stringify(toVoid.body)).toBe(200);
  keep('PUT /v1/manifest/{id}/void', await shipper.send('PUT', `/v1/manifest/${toVoid.body.Manifest.ManifestID}/void`));
  keep('PUT /v1/invoice/{id}/void', await shipper.send('PUT', `/v1/invoice/${secondInvoice}/void`));
  keep('DELETE /v1/employee/{id}', await shipper.send('DELETE', `/v1/employee/${driverId}`));
  keep('DELETE /v1/vehicle/{id}', await shipper.send('DELETE', `/v1/vehicle/${vehicleId}`));
  return seen;
}

describe('NY-API emulator: answers follow the recorded shapes', () => {
  it('gives every recorded key it returns the recorded JSON type, and leaves out only the documented keys', async () => {
    const served = apiRoutes.map((route) => `${route.method} ${route.template}`);
    const comparable = served.filter((route) => (RECORDED_AS[route] ?? route) in recorded);
    const seen = await answers();
    expect([...seen.keys()].sort()).toEqual([...comparable].sort());

    const mismatches: string[] = [];
    const omitted = new Set<string>();
    const empty: string[] = [];
    for (const route of comparable) {
      const differences: Differences = { mismatches: new Set(), omitted: new Set() };
      const recording = recorded[RECORDED_AS[route] ?? route];
      compare(seen.get(route), recording, '', '(body)', differences);
      mismatches.push(...[...differences.mismatches].map((m) => `${route} ${m}`));
      for (const key of differences.omitted) omitted.add(key);
      empty.push(...emptyLists(seen.get(route), recording).map((key) => `${route} ${key}`));
    }
    expect(mismatches).toEqual([]);
    expect(empty).toEqual([]);
    expect([...omitted].sort()).toEqual([...DOCUMENTED_OMISSIONS].sort());
  });
});
