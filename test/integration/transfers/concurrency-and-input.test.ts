import { describe, expect, it } from 'vitest';
import { directoryOf, draftBody, licensee, newTag, registryFor, transfersApi } from '../../support/transfer-world.ts';

const shipper = licensee('DIST', 'Racing Distribution');
const receiver = licensee('CAURD', 'Finish Line Dispensary');
const api = transfersApi(directoryOf(shipper, receiver));

describe('concurrent writers', () => {
  it('never lose an update: of many PATCHes from the same version exactly one wins, the rest get 412', async () => {
    const refs = await registryFor(shipper, receiver);
    const created = await api.create(shipper.caller, draftBody(refs, 1));
    const id = created.body['id'] as string;

    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => api.patch(shipper.caller, id, { plannedRoute: `route ${i}` }, { 'if-match': '"1"' })),
    );

    const winners = replies.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(replies.filter((r) => r.status === 412)).toHaveLength(7);
    const stored = await api.get(shipper.caller, id);
    expect((stored.body['content'] as { plannedRoute: string }).plannedRoute).toBe((winners[0]?.body['content'] as { plannedRoute: string }).plannedRoute);
    expect((await api.events(shipper.caller, id)).body['items']).toHaveLength(2);
  });

  it('depart twice at once: one succeeds, the other is refused, and one event is written', async () => {
    const refs = await registryFor(shipper, receiver);
    const id = (await api.create(shipper.caller, draftBody(refs, 1))).body['id'] as string;
    await api.action(shipper.caller, id, 'manifest');

    const replies = await Promise.all([api.action(shipper.caller, id, 'depart'), api.action(shipper.caller, id, 'depart')]);

    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    // The loser either read the old version (412) or the new state (409): never a second departure.
    expect(replies.filter((r) => r.status !== 200).every((r) => r.status === 409 || r.status === 412)).toBe(true);
    const departures = ((await api.events(shipper.caller, id)).body['items'] as { action: string }[]).filter((e) => e.action === 'depart');
    expect(departures).toHaveLength(1);
  });

  it('gives concurrent manifests of one shipper distinct, gapless numbers', async () => {
    const fresh = licensee('DIST', 'Numbering Distribution');
    const numbered = transfersApi(directoryOf(fresh, receiver));
    const refs = await registryFor(fresh, receiver);
    // Eight at once: enough that DynamoDB meets two transactions on the counter at the same moment.
    const ids = await Promise.all(Array.from({ length: 8 }, async () => (await numbered.create(fresh.caller, draftBody(refs, 1))).body['id'] as string));

    const replies = await Promise.all(ids.map((id) => numbered.action(fresh.caller, id, 'manifest')));

    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    const numbers = replies.map((r) => (r.body['manifest'] as { number: string }).number.slice(-7)).sort();
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => `M00000${i + 1}`));
  });
});

describe('bad input to /v1/transfers', () => {
  const pointersOf = (reply: { body: Record<string, unknown> }) => ((reply.body['errors'] ?? []) as { pointer: string }[]).map((e) => e.pointer);

  it('answers each broken rule with 422 and a pointer to the field', async () => {
    const refs = await registryFor(shipper, receiver);
    const base = draftBody(refs, 2);
    const [a, b] = base.lines as [(typeof base.lines)[number], (typeof base.lines)[number]];
    const cases: [string, unknown, string][] = [
      ['duplicate tag', { ...base, lines: [a, { ...b, tag: a.tag }] }, '/lines/1/tag'],
      ['fractional each', { ...base, lines: [a, { ...b, quantity: 2.5 }] }, '/lines/1/quantity'],
      ['arrival before departure', { ...base, estimatedArrival: '2020-01-01T00:00:00Z' }, '/estimatedArrival'],
      ['date without offset', { ...base, estimatedDeparture: '2026-12-01T10:00:00' }, '/estimatedDeparture'],
      ['wrong tag format for BioTrack', { ...base, lines: [a, { ...b, tag: `1A4${'0'.repeat(21)}` }] }, '/lines/1/tag'],
      ['unknown field', { ...base, color: 'green' }, '/color'],
      ['unknown registry id', { ...base, vehicleId: '01JZZZZZZZZZZZZZZZZZZZZZZZ' }, '/vehicleId'],
    ];
    for (const [name, body, pointer] of cases) {
      const reply = await api.create(shipper.caller, body);
      expect(reply.status, name).toBe(422);
      expect(reply.headers['content-type'], name).toBe('application/problem+json');
      expect(pointersOf(reply), name).toContain(pointer);
    }
  });

  it('refuses more than 1000 lines', async () => {
    const refs = await registryFor(shipper, receiver);
    const body = draftBody(refs, 1001);
    const reply = await api.create(shipper.caller, body);
    expect(reply.status).toBe(422);
    expect(pointersOf(reply)).toContain('/lines');
  });

  it('refuses to manifest a transfer to oneself (shipper = receiver)', async () => {
    const refs = await registryFor(shipper, shipper);
    const id = (await api.create(shipper.caller, draftBody(refs, 1))).body['id'] as string;
    const reply = await api.action(shipper.caller, id, 'manifest');
    expect(reply.status).toBe(422);
    expect(pointersOf(reply)).toContain('/receiverPartnerId');
  });

  it('never answers 500 to hostile bodies', async () => {
    const hostile = ['null', '[]', '"x"', '{"__proto__":{"admin":true}}', '{"lines":{"length":5}}', `{"type":"${'w'.repeat(5000)}"}`, '1e309'];
    for (const body of hostile) {
      const reply = await api.create(shipper.caller, body);
      expect(reply.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(reply.status, body.slice(0, 40)).toBeLessThan(500);
    }
    expect(newTag()).toMatch(/^\d{16}$/);
  });
});
