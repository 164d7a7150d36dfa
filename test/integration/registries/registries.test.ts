import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { handler } from '#functions/registries/handler.ts';
import type { Caller } from '#shared/http/caller.ts';
import { call, httpEvent } from '../../support/http-events.ts';

// Fresh licensee ids per run: the handler trusts the authorizer context, which is what is under test here.
const alice: Caller = { licenseeId: `test-${ulid()}`, apiKeyId: 'k-alice' };
const bob: Caller = { licenseeId: `test-${ulid()}`, apiKeyId: 'k-bob' };

const driver = { name: 'Zoë Peña', employeeId: 'E-104', driversLicenseNumber: '123456789', phone: '+1 518 555 0100' };
const vehicle = {
  conveyance: 'van',
  make: 'Ford',
  model: 'Transit',
  year: 2024,
  color: 'White',
  plate: 'HXT 4410',
  vin: '1FTBR1C84PKA12345',
  attestations: { gpsFitted: true, lockedBox: true, temperatureControl: false },
};
const partner = {
  legalName: 'Hudson Valley Remedies LLC',
  licenseNumber: 'ocm-caurd-24-000321',
  premisesAddress: { street: '12 Main St', city: 'Kingston', zip: '12401' },
  phone: '(845) 555-0199',
  integrated: false,
};

const collections = [
  ['drivers', driver],
  ['vehicles', vehicle],
  ['partners', partner],
] as const;

const create = (caller: Caller, collection: string, body: unknown, headers: Record<string, string> = {}) =>
  call(handler, httpEvent(`POST /v1/${collection}`, `/v1/${collection}`, { caller, body, headers }));
const item = (method: string, caller: Caller, collection: string, id: string, spec: { body?: unknown; headers?: Record<string, string> } = {}) =>
  call(handler, httpEvent(`${method} /v1/${collection}/{id}`, `/v1/${collection}/${id}`, { caller, pathParameters: { id }, ...spec }));
const list = (caller: Caller, collection: string, query: Record<string, string> = {}) =>
  call(handler, httpEvent(`GET /v1/${collection}`, `/v1/${collection}`, { caller, query }));

describe.each(collections)('/v1/%s', (collection, body) => {
  it('creates, reads, replaces and deactivates a record with versioned ETags', async () => {
    const created = await create(alice, collection, body);
    expect(created.status).toBe(201);
    expect(created.headers['etag']).toBe('"1"');
    const id = created.body['id'] as string;
    expect(created.headers['location']).toBe(`/v1/${collection}/${id}`);
    expect(created.body).toMatchObject({ active: true, version: 1 });

    const read = await item('GET', alice, collection, id);
    expect(read.status).toBe(200);
    expect(read.body['id']).toBe(id);

    const replaced = await item('PUT', alice, collection, id, { body, headers: { 'if-match': '"1"' } });
    expect(replaced.status).toBe(200);
    expect(replaced.headers['etag']).toBe('"2"');

    const stale = await item('PUT', alice, collection, id, { body, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'stale-version', currentVersion: 2 });

    const deactivated = await item('DELETE', alice, collection, id);
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ active: false, version: 3 });
    expect(typeof deactivated.body['deactivatedAt']).toBe('string');

    // Still readable: history keeps pointing at it. No longer editable.
    expect((await item('GET', alice, collection, id)).body['active']).toBe(false);
    const edit = await item('PUT', alice, collection, id, { body });
    expect(edit.status).toBe(409);
    expect(edit.body['code']).toBe('deactivated');
  });

  it('is invisible to another licensee: 404 exactly as for an unknown id, and absent from lists', async () => {
    const id = (await create(alice, collection, body)).body['id'] as string;
    const unknown = await item('GET', bob, collection, ulid());

    for (const method of ['GET', 'PUT', 'DELETE']) {
      const attempt = await item(method, bob, collection, id, method === 'PUT' ? { body } : {});
      expect(attempt.status).toBe(404);
      expect(attempt.body).toEqual(unknown.body);
    }
    const bobs = await list(bob, collection, { status: 'all' });
    expect((bobs.body['items'] as { id: string }[]).some((r) => r.id === id)).toBe(false);
    expect((await item('GET', alice, collection, id)).body['active']).toBe(true);
  });
});

describe('registry lists', () => {
  it('are newest first, filter by status, and page with a cursor only its owner can use', async () => {
    const owner: Caller = { licenseeId: `test-${ulid()}`, apiKeyId: 'k' };
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await create(owner, 'drivers', { ...driver, employeeId: `E-${i}` })).body['id'] as string);
    await item('DELETE', owner, 'drivers', ids[0] ?? '');

    const first = await list(owner, 'drivers', { limit: '2' });
    const firstIds = (first.body['items'] as { id: string }[]).map((r) => r.id);
    expect(firstIds).toEqual([ids[4], ids[3]]);
    const cursor = first.body['cursor'] as string;

    const rest = await list(owner, 'drivers', { limit: '10', cursor });
    expect((rest.body['items'] as { id: string }[]).map((r) => r.id)).toEqual([ids[2], ids[1]]);

    const inactive = await list(owner, 'drivers', { status: 'inactive' });
    expect((inactive.body['items'] as { id: string }[]).map((r) => r.id)).toEqual([ids[0]]);

    const stolen = await list(bob, 'drivers', { cursor });
    expect(stolen.status).toBe(400);
    expect(stolen.body['code']).toBe('invalid-cursor');
  });
});

describe('registry bad input', () => {
  it('refuses unknown fields and bad values with one pointer per field (422)', async () => {
    const reply = await create(alice, 'vehicles', { ...vehicle, year: 1890, vin: 'IOQ', wings: 2 });

    expect(reply.status).toBe(422);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    const pointers = (reply.body['errors'] as { pointer: string }[]).map((e) => e.pointer).sort();
    expect(pointers).toEqual(['/vin', '/wings', '/year']);
  });

  it('requires a plate unless the conveyance is a bicycle', async () => {
    const { plate: _plate, vin: _vin, ...noPlate } = vehicle;
    const van = await create(alice, 'vehicles', noPlate);
    expect(van.status).toBe(422);
    expect(van.body['errors']).toEqual([expect.objectContaining({ pointer: '/plate' })]);

    expect((await create(alice, 'vehicles', { ...noPlate, conveyance: 'bicycle' })).status).toBe(201);
  });

  it('answers malformed JSON 400, a wrong content type 415 and an oversized body 413', async () => {
    expect((await create(alice, 'drivers', '{"name": ')).status).toBe(400);
    expect((await create(alice, 'drivers', JSON.stringify(driver), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await create(alice, 'drivers', JSON.stringify({ ...driver, name: 'x'.repeat(1_100_000) }))).status).toBe(413);
  });

  it('answers a bad query string 400', async () => {
    const reply = await list(alice, 'drivers', { limit: '1000' });
    expect(reply.status).toBe(400);
    expect(reply.body['code']).toBe('invalid-query');
  });
});
