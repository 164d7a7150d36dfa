/**
 * A transporter finds what it carries (`direction=carrying`, from an index) and, by the hub's rule,
 * sees no prices.
 */
import { describe, expect, it } from 'vitest';
import { demoTenant } from '../../support/hub-api.ts';
import { call, draftTo, step } from '../../support/lifecycle.ts';
import { freshInventory } from '../../support/nyapi.ts';

const items = (reply: { body: Record<string, unknown> }) => reply.body['items'] as Record<string, unknown>[];

describe('direction=carrying', { timeout: 120_000 }, () => {
  it('lists the transfers whose manifest names the caller as transporter, and the carrier sees no prices', async () => {
    const tags = await freshInventory('distributor', 1);
    const id = await draftTo('retail dispensary', tags);
    const partners = items(await call('distributor', 'GET', '/v1/partners?limit=100'));
    const carrier = partners.find((p) => p['licenseNumber'] === demoTenant('processor').licenseNumber);
    expect(carrier).toBeDefined();
    const patched = await call('distributor', 'PATCH', `/v1/transfers/${id}`, { transporterPartnerId: carrier?.['id'] }, { 'if-match': '"1"' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    // A draft is the shipper's own: not carried by anyone yet.
    expect(items(await call('processor', 'GET', '/v1/transfers?direction=carrying&limit=100')).map((t) => t['id'])).not.toContain(id);
    await step('distributor', id, 'manifest');

    const carried = items(await call('processor', 'GET', '/v1/transfers?direction=carrying&limit=100'));
    expect(carried.map((t) => t['id'])).toContain(id);
    expect(JSON.stringify(carried)).not.toContain('unitPrice');
    // Not the carrier's outgoing or incoming.
    expect(items(await call('processor', 'GET', '/v1/transfers?direction=incoming&limit=100')).map((t) => t['id'])).not.toContain(id);

    const asCarrier = await call('processor', 'GET', `/v1/transfers/${id}`);
    expect(asCarrier.status).toBe(200);
    const carrierLines = (asCarrier.body['content'] as { lines: Record<string, unknown>[] }).lines;
    expect(carrierLines[0]).not.toHaveProperty('unitPrice');
    const departed = await step('processor', id, 'depart');
    expect((departed['content'] as { lines: Record<string, unknown>[] }).lines[0]).not.toHaveProperty('unitPrice');

    const asShipper = await call('distributor', 'GET', `/v1/transfers/${id}`);
    expect((asShipper.body['content'] as { lines: Record<string, unknown>[] }).lines[0]).toMatchObject({ unitPrice: 4.5 });
    const asReceiver = await call('retail dispensary', 'GET', `/v1/transfers/${id}`);
    expect((asReceiver.body['content'] as { lines: Record<string, unknown>[] }).lines[0]).toMatchObject({ unitPrice: 4.5 });
  });
});
