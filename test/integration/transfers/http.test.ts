/**
 * The transfer flow as a client sees it: over HTTP through the local API Gateway, with the demo
 * tenants' API keys and the registries `npm start` seeds for them.
 */
import { describe, expect, inject, it } from 'vitest';
import type { DemoRole } from '#infra/local/seed.ts';
import { demoTenant, request } from '../../support/hub-api.ts';
import { freshInventory } from '../../support/nyapi.ts';

const { urls } = inject('hub');
const tenants = inject('tenants');

const call = (role: DemoRole, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  request(method, path, { apiKey: demoTenant(role).apiKey, ...(body === undefined ? {} : { body }), headers });

const items = (reply: { body: Record<string, unknown> }) => reply.body['items'] as Record<string, unknown>[];

describe('transfers over HTTP with the demo tenants', () => {
  it('ships from the distributor to the processor, which receives it', async () => {
    const processor = tenants.find((t) => t.role === 'processor');
    const partners = items(await call('distributor', 'GET', '/v1/partners'));
    const partner = partners.find((p) => p['licenseNumber'] === processor?.licenseNumber);
    const driver = items(await call('distributor', 'GET', '/v1/drivers'))[0];
    const vehicle = items(await call('distributor', 'GET', '/v1/vehicles')).find((v) => v['conveyance'] === 'van');
    expect(partner && driver && vehicle).toBeTruthy();

    const departure = new Date(Date.now() + 3_600_000);
    // A package the state system holds for the distributor (1.25 kg of it), so the manifest is recorded there.
    const [tag] = await freshInventory('distributor', 1, 5, 'kilogram');
    const draft = {
        type: 'transfer',
        receiverPartnerId: partner?.['id'],
        taxPayer: { taxPaid: true },
        driverIds: [driver?.['id']],
        vehicleId: vehicle?.['id'],
        estimatedDeparture: departure.toISOString(),
        estimatedArrival: new Date(departure.getTime() + 3_600_000).toISOString(),
        plannedRoute: 'NY-32 N',
        lines: [{ tag, productName: 'Bulk flower', category: 'flower', productionBatch: 'B-9', quantity: 1.25, unit: 'kg', labTestStatus: 'passed', finishedGoods: false, sample: false }],
    };
    const created = await call('distributor', 'POST', '/v1/transfers', draft, { 'idempotency-key': `create-${tag}` });
    expect(created.status).toBe(201);
    const id = created.body['id'] as string;

    // A retried create with the same key replays the first answer: still one transfer.
    const retried = await call('distributor', 'POST', '/v1/transfers', draft, { 'idempotency-key': `create-${tag}` });
    expect(retried.status).toBe(201);
    expect(retried.body['id']).toBe(id);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');

    expect((await call('distributor', 'POST', `/v1/transfers/${id}/manifest`)).status).toBe(200);
    expect((await call('processor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('MANIFESTED');
    expect((await call('retail dispensary', 'GET', `/v1/transfers/${id}`)).status).toBe(404);
    expect((await call('distributor', 'POST', `/v1/transfers/${id}/depart`)).status).toBe(200);
    expect((await call('distributor', 'POST', `/v1/transfers/${id}/arrive`)).status).toBe(200);

    const received = await call('processor', 'POST', `/v1/transfers/${id}/receipt`, {
      lines: [{ tag, outcome: 'accepted', acceptedQuantity: 1.22, confirmVariance: true }],
      receivedBy: { name: 'Renée Dubois', title: 'Receiving manager' },
    });
    expect(received.status).toBe(200);
    expect(received.body['status']).toBe('ACCEPTED');
    expect(received.headers.get('etag')).toBe(`"${String(received.body['version'])}"`);
  });

  it('refuses a request without a key (401) or with a wrong one (403), as problem+json', async () => {
    const none = await fetch(`${urls.api}/v1/transfers`);
    const wrong = await fetch(`${urls.api}/v1/transfers`, { headers: { authorization: 'Bearer nyth_nope' } });

    expect(none.status).toBe(401);
    expect(wrong.status).toBe(403);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
  });
});
