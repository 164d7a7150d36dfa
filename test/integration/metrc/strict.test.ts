/**
 * Strictness of the Metrc emulator: request bodies (JSON types, unknown and missing fields, arrays and
 * the object limit), lastModified windows in both modes, GET rate limits with 429 and Retry-After, and
 * the injected faults.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMetrcEmulator } from '#infra/local/metrc/server.ts';
import type { MetrcEmulator } from '#infra/local/metrc/server.ts';
import { DISPENSARY, DISTRIBUTOR, KEYS, label, MetrcClient, STANDARD_SEED, templateBody, WIDE } from './client.ts';
import type { Envelope, RowErrorBody } from './client.ts';

let emulator: MetrcEmulator;
let admin: MetrcClient;
let dist: MetrcClient;

/** PUT /_emulator/config merges, and survives a reset: every test starts from the defaults. */
const NO_LIMITS = {
  rateLimits: { enabled: false, perFacilityPerSecond: 50, perIntegratorPerSecond: 150, concurrentPerFacility: 10, concurrentPerIntegrator: 30, retryAfterSeconds: 1 },
  window: { mode: 'ny-observed', maxHours: 24, unwindowedRecentHours: 24 },
  maxObjectsPerWrite: 10,
};

beforeAll(async () => {
  emulator = await startMetrcEmulator({ seed: STANDARD_SEED, config: { rateLimits: { enabled: false } } });
  admin = new MetrcClient(emulator.url, emulator.vendorKey, '');
  dist = admin.as(KEYS.distributor);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await admin.control('POST', '/reset');
  await admin.control('PUT', '/config', NO_LIMITS);
  await admin.control('DELETE', '/faults');
});

const post = (body: unknown, path = '/transfers/v2/templates/outgoing') => dist.send<RowErrorBody[] | { Message: string }>('POST', path, body, { licenseNumber: DISTRIBUTOR });

describe('Metrc emulator: request bodies are strict', () => {
  it('refuses a wrong JSON type, an unknown field and a missing required field, row by row, in Json.NET\'s words', async () => {
    const wrongType = { ...templateBody(), Name: 5 };
    const unknownField = { ...templateBody(), Notes: 'x' };
    const priceAsText = templateBody();
    const line = ((priceAsText['Destinations'] as Record<string, unknown>[])[0]?.['Packages'] as Record<string, unknown>[])[0];
    if (line) line['WholesalePrice'] = '25.00';
    const missingRecipient = templateBody();
    delete (priceAsText['Destinations'] as Record<string, unknown>[])[0]?.['Foo'];
    delete (missingRecipient['Destinations'] as Record<string, unknown>[])[0]?.['RecipientLicenseNumber'];
    const reply = await post([wrongType, unknownField, priceAsText, missingRecipient]);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual([
      { row: 0, message: "Error converting value 5 to type 'String'. Path '[0].Name'." },
      { row: 1, message: "Could not find member 'Notes' on object of type 'request'. Path '[1].Notes'." },
      { row: 2, message: "Error converting value \"25.00\" to type 'Decimal'. Path '[2].Destinations[0].Packages[0].WholesalePrice'." },
      { row: 3, message: 'The Destinations[0].RecipientLicenseNumber field is required.' },
    ]);
    const nested = templateBody();
    ((nested['Destinations'] as Record<string, unknown>[])[0] ?? {})['Colour'] = 'white';
    expect((await post([nested])).body).toEqual([{ row: 0, message: "Could not find member 'Colour' on object of type 'Destinations[0]'. Path '[0].Destinations[0].Colour'." }]);
    const badDate = templateBody();
    ((badDate['Destinations'] as Record<string, unknown>[])[0] ?? {})['EstimatedDepartureDateTime'] = 'tomorrow';
    expect((await post([badDate])).body).toEqual([{ row: 0, message: "Error converting value \"tomorrow\" to type 'DateTime'. Path '[0].Destinations[0].EstimatedDepartureDateTime'." }]);
  });

  it('takes only arrays: an object, an empty array or bad JSON is a 400 {Message}; more than 10 objects is a 413; the limit is configurable', async () => {
    const object = await post(templateBody());
    expect(object.status).toBe(400);
    expect(object.body).toEqual({ Message: 'The request is invalid: the body must be a JSON array of objects.' });
    expect((await post([])).status).toBe(400);
    const malformed = await dist.request('POST', '/transfers/v2/templates/outgoing', { query: { licenseNumber: DISTRIBUTOR }, raw: '[{"Name": ' });
    expect(malformed.status).toBe(400);
    const drivers = (n: number) => Array.from({ length: n }, (_, i) => ({ Name: `Driver ${i}`, DriversLicenseNumber: `D${i}`, EmployeeId: `E${i}` }));
    expect((await post(drivers(10), '/transporters/v2/drivers')).status).toBe(200);
    const eleven = await post(drivers(11), '/transporters/v2/drivers');
    expect(eleven.status).toBe(413);
    expect(eleven.body).toEqual({ Message: 'The request holds 11 objects; at most 10 are accepted per call.' });
    await admin.control('PUT', '/config', { maxObjectsPerWrite: 2 });
    expect((await post(drivers(3), '/transporters/v2/drivers')).status).toBe(413);
  });

  it('wants the integer Id its GET answers on updates (the recorded "Driver-1" is a placeholder) and every driver field', async () => {
    const update = await dist.send<RowErrorBody[]>('PUT', '/transporters/v2/drivers', [{ Id: 'Driver-1', Name: 'Michelle Doe', DriversLicenseNumber: 'ABC1234', EmployeeId: 'BTS000007' }, { Name: 'No Id', DriversLicenseNumber: 'X' }], { licenseNumber: DISTRIBUTOR });
    expect(update.body).toEqual([
      { row: 0, message: "Error converting value \"Driver-1\" to type 'Int64'. Path '[0].Id'." },
      { row: 1, message: 'The Id field is required.' },
      { row: 1, message: 'The EmployeeId field is required.' },
    ]);
  });
});

describe('Metrc emulator: lastModified windows', () => {
  async function templateAt(now: string, name: string): Promise<void> {
    await admin.control('PUT', '/clock', { now });
    const created = await post([templateBody({ name, labels: [label(1)] })]);
    expect(created.status).toBe(200);
  }

  it('NY-observed (default): any window is accepted; without one only what changed in the last 24 hours comes back', async () => {
    await templateAt('2026-06-01T12:00:00Z', 'june');
    await templateAt('2026-11-16T12:00:00Z', 'november');
    await admin.control('PUT', '/clock', { now: '2026-11-16T18:00:00Z' });
    const names = async (query: Record<string, string>) => (await dist.get<Envelope<{ Name: string }>>('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, ...query })).body.Data.map((t) => t.Name);
    expect(await names({})).toEqual(['november']);
    expect(await names(WIDE)).toEqual(['june', 'november']);
    // Request times without an offset are New York time: 2026-06-01T08:00 EDT is 12:00 UTC.
    expect(await names({ lastModifiedStart: '2026-06-01T07:59:00.000', lastModifiedEnd: '2026-06-01T08:01:00.000' })).toEqual(['june']);
    expect(await names({ lastModifiedStart: '2026-06-01T11:59:00Z', lastModifiedEnd: '2026-06-01T12:01:00Z' })).toEqual(['june']);
    expect(await names({ lastModifiedStart: '2026-11-01T00:00:00' })).toEqual(['november']);
    const backwards = await dist.get('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, lastModifiedStart: '2026-11-02', lastModifiedEnd: '2026-11-01' });
    expect(backwards.status).toBe(400);
    expect((await dist.get('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, lastModifiedStart: 'yesterday', lastModifiedEnd: '2026-11-01' })).status).toBe(400);
    await admin.control('PUT', '/config', { window: { unwindowedRecentHours: 24 * 365 } });
    expect(await names({})).toEqual(['june', 'november']);
  });

  it('strict 24 h: a longer window or a one-sided one is refused', async () => {
    await templateAt('2026-11-16T12:00:00Z', 'november');
    await admin.control('PUT', '/config', { window: { mode: 'strict-24h', unwindowedRecentHours: 24 } });
    const wide = await dist.get('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect([wide.status, wide.body]).toEqual([400, { Message: 'The date range between lastModifiedStart and lastModifiedEnd cannot exceed 24 hours.' }]);
    expect((await dist.get('/transfers/v2/outgoing', { licenseNumber: DISTRIBUTOR, lastModifiedStart: '2026-11-16T00:00:00' })).status).toBe(400);
    const day = await dist.get<Envelope<{ Name: string }>>('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, lastModifiedStart: '2026-11-16T00:00:00', lastModifiedEnd: '2026-11-17T00:00:00' });
    expect(day.body.Data.map((t) => t.Name)).toEqual(['november']);
  });
});

describe('Metrc emulator: GET rate limits', () => {
  const burst = (client: MetrcClient, n: number, license = DISTRIBUTOR) => Promise.all(Array.from({ length: n }, () => client.get('/transfers/v2/types', { licenseNumber: license })));

  it('answers 429 with Retry-After past 50 GETs a second for a facility', async () => {
    await admin.control('PUT', '/config', { rateLimits: { enabled: true, perFacilityPerSecond: 50, perIntegratorPerSecond: 150, concurrentPerFacility: 1000, concurrentPerIntegrator: 1000, retryAfterSeconds: 2 } });
    const replies = await burst(dist, 53);
    const limited = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(50);
    expect(limited).toHaveLength(3);
    expect(limited[0]?.headers.get('retry-after')).toBe('2');
    expect((limited[0]?.body as { Message: string }).Message).toContain('50 GET requests per second for the facility');
    // Writes are not limited.
    const write = await dist.send('POST', '/transporters/v2/drivers', [{ Name: 'A', DriversLicenseNumber: 'B', EmployeeId: 'C' }], { licenseNumber: DISTRIBUTOR });
    expect(write.status).toBe(200);
  });

  it('shares the integrator budget across facilities and keys', async () => {
    await admin.control('PUT', '/config', { rateLimits: { enabled: true, perFacilityPerSecond: 50, perIntegratorPerSecond: 6, concurrentPerFacility: 1000, concurrentPerIntegrator: 1000 } });
    const replies = [...(await burst(dist, 4)), ...(await burst(admin.as(KEYS.dispensary), 4, DISPENSARY))];
    expect(replies.filter((r) => r.status === 429)).toHaveLength(2);
    expect((replies.find((r) => r.status === 429)?.body as { Message: string }).Message).toContain('for the integrator');
  });

  it('allows 10 concurrent GETs per facility', async () => {
    await admin.control('PUT', '/config', { rateLimits: { enabled: true } });
    await admin.control('PUT', '/faults', { rules: [{ route: 'GET /transfers/v2/types', latencyMs: 300 }] });
    const replies = await burst(dist, 12);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(10);
    expect(replies.filter((r) => r.status === 429).map((r) => r.headers.get('retry-after'))).toEqual(['1', '1']);
    expect((replies.find((r) => r.status === 429)?.body as { Message: string }).Message).toContain('10 concurrent GET requests for the facility');
    // Once they are answered, there is room again.
    await admin.control('DELETE', '/faults');
    expect((await dist.get('/transfers/v2/types', { licenseNumber: DISTRIBUTOR })).status).toBe(200);
  });
});

describe('Metrc emulator: faults', () => {
  it('injects 5xx and 429 for a number of calls, then answers normally', async () => {
    await admin.control('PUT', '/faults', { rules: [{ route: 'GET /transfers/v2/outgoing', rate5xx: 1, status5xx: 503, times: 1 }, { route: 'GET /transfers/v2/outgoing', rate429: 1, retryAfterSeconds: 7, times: 1 }] });
    const query = { licenseNumber: DISTRIBUTOR, ...WIDE };
    expect((await dist.get('/transfers/v2/outgoing', query)).status).toBe(503);
    const limited = await dist.get('/transfers/v2/outgoing', query);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    expect((await dist.get('/transfers/v2/outgoing', query)).status).toBe(200);
  });

  it('commits then drops the answer: the template exists though the caller never heard so, and can be found by its Name', async () => {
    await admin.control('PUT', '/faults', { rules: [{ route: 'POST /transfers/v2/templates/outgoing', rateCommitThenDrop: 1, times: 1 }] });
    await expect(post([templateBody({ name: 'hub:transfer:01J9' })])).rejects.toThrow();
    const listed = await dist.get<Envelope<{ Name: string }>>('/transfers/v2/templates/outgoing', { licenseNumber: DISTRIBUTOR, ...WIDE });
    expect(listed.body.Data.map((t) => t.Name)).toEqual(['hub:transfer:01J9']);
    const calls = await admin.control<{ calls: { route: string; fault?: string; status: number }[] }>('GET', '/calls');
    expect(calls.body.calls.find((c) => c.fault === 'commit-then-drop')).toMatchObject({ route: '/transfers/v2/templates/outgoing', status: 0 });
  });

  it('holds a call past the caller\'s patience (timeout) and adds latency', async () => {
    await admin.control('PUT', '/faults', { rules: [{ route: 'GET /facilities/v2/', rateTimeout: 1, timeoutMs: 200, times: 1 }, { route: 'GET /facilities/v2/', latencyMs: 150, times: 1 }] });
    await expect(dist.get('/facilities/v2/')).rejects.toThrow();
    const started = Date.now();
    expect((await dist.get('/facilities/v2/')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const faults = await admin.control<{ rules: unknown[] }>('GET', '/faults');
    expect(faults.body.rules).toHaveLength(2);
  });
});
