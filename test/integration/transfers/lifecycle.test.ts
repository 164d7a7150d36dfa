import { describe, expect, it } from 'vitest';
import { directoryOf, draftBody, licensee, registryFor, replaceDriver, transfersApi } from '../../support/transfer-world.ts';

const distributor = licensee('DIST', 'Hudson Distribution LLC');
const dispensary = licensee('CAURD', 'Main Street Cannabis');
const outsider = licensee('PROC', 'Elsewhere Processing');
const api = transfersApi(directoryOf(distributor, dispensary, outsider));

const idOf = (reply: { body: Record<string, unknown> }) => reply.body['id'] as string;
const etag = (reply: { headers: Record<string, string> }) => ({ 'if-match': reply.headers['etag'] ?? '' });

describe('a transfer from draft to receipt and return', () => {
  it('runs the whole lifecycle between two licensees', async () => {
    const refs = await registryFor(distributor, dispensary);
    const body = draftBody(refs, 2);

    const created = await api.create(distributor.caller, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'DRAFT', version: 1 });
    expect(created.body['allowedActions']).toEqual(expect.arrayContaining(['manifest', 'update', 'discard']));
    const id = idOf(created);

    // PATCH needs If-Match; a stale one is refused; the right one edits the draft.
    expect((await api.patch(distributor.caller, id, { plannedRoute: 'NY-9 only' })).status).toBe(428);
    expect((await api.patch(distributor.caller, id, { plannedRoute: 'NY-9 only' }, { 'if-match': '"7"' })).status).toBe(412);
    const patched = await api.patch(distributor.caller, id, { plannedRoute: 'NY-9 only' }, etag(created));
    expect(patched.status).toBe(200);
    expect(patched.headers['etag']).toBe('"2"');

    // The receiver does not see a draft.
    expect((await api.get(dispensary.caller, id)).status).toBe(404);

    const manifested = await api.action(distributor.caller, id, 'manifest', undefined, etag(patched));
    expect(manifested.status).toBe(200);
    expect(manifested.body['status']).toBe('MANIFESTED');
    const manifest = manifested.body['manifest'] as { number: string; parties: { receiver: { licenseeId?: string; legalName: string } } };
    expect(manifest.number).toBe(`${distributor.profile.licenseNumber}-M000001`);
    expect(manifest.parties.receiver).toMatchObject({ licenseeId: dispensary.profile.id, legalName: 'Main Street Cannabis' });

    const incoming = await api.list(dispensary.caller, { direction: 'incoming' });
    expect((incoming.body['items'] as { id: string }[]).map((t) => t.id)).toContain(id);

    // Only the shipper or transporter departs and arrives; the receiver may not.
    expect((await api.action(dispensary.caller, id, 'depart')).status).toBe(403);
    expect((await api.action(distributor.caller, id, 'depart')).body['status']).toBe('IN_TRANSIT');
    const arrived = await api.action(distributor.caller, id, 'arrive');
    expect(arrived.body['status']).toBe('ARRIVED');

    const [first, second] = body.lines;
    const received = await api.action(dispensary.caller, id, 'receipt', {
      lines: [
        { tag: first?.tag, outcome: 'accepted', acceptedQuantity: 20 },
        { tag: second?.tag, outcome: 'rejected', reason: 'damaged', note: 'Crushed box' },
      ],
      receivedBy: { name: 'Łucja Kowalski', title: 'Inventory lead' },
    });
    expect(received.status).toBe(200);
    expect(received.body['status']).toBe('PARTIALLY_ACCEPTED');

    const back = await registryFor(dispensary, distributor);
    const returned = await api.action(dispensary.caller, id, 'return', { receiverPartnerId: back.partnerId });
    expect(returned.status).toBe(201);
    expect(returned.body).toMatchObject({ status: 'DRAFT', shipperId: dispensary.profile.id, returnOf: { transferId: id } });
    expect((returned.body['content'] as { lines: { tag: string }[] }).lines.map((l) => l.tag)).toEqual([second?.tag]);

    const events = await api.events(distributor.caller, id);
    expect((events.body['items'] as { action: string }[]).map((e) => e.action)).toEqual([
      'create',
      'update',
      'manifest',
      'depart',
      'arrive',
      'receive',
      'return',
    ]);
    expect((events.body['items'] as { payloadHash: string }[]).every((e) => /^[0-9a-f]{64}$/.test(e.payloadHash))).toBe(true);
  });

  it('answers an action the state does not allow with 409 naming the state and the allowed actions', async () => {
    const refs = await registryFor(distributor, dispensary);
    const id = idOf(await api.create(distributor.caller, draftBody(refs, 1)));

    const reply = await api.action(distributor.caller, id, 'depart');

    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ code: 'invalid-transition', currentStatus: 'DRAFT' });
    expect(reply.body['allowedActions']).toEqual(expect.arrayContaining(['manifest']));
  });

  it('refuses a package already on another open transfer, pointing at its line', async () => {
    const refs = await registryFor(distributor, dispensary);
    const first = draftBody(refs, 2);
    await api.action(distributor.caller, idOf(await api.create(distributor.caller, first)), 'manifest');
    const second = draftBody(refs, 2);
    second.lines[1] = { ...second.lines[1], tag: first.lines[0]?.tag } as (typeof second.lines)[number];

    const reply = await api.action(distributor.caller, idOf(await api.create(distributor.caller, second)), 'manifest');

    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ code: 'tags-on-open-transfer', errors: [{ pointer: '/lines/1/tag' }] });
  });

  it('is invisible to a licensee that is not a party: 404 on every endpoint', async () => {
    const refs = await registryFor(distributor, dispensary);
    const id = idOf(await api.create(distributor.caller, draftBody(refs, 1)));
    const unknown = await api.get(outsider.caller, '01JZZZZZZZZZZZZZZZZZZZZZZZ');

    const attempts = [
      await api.get(outsider.caller, id),
      await api.patch(outsider.caller, id, { plannedRoute: 'x' }, { 'if-match': '"1"' }),
      await api.discard(outsider.caller, id),
      await api.events(outsider.caller, id),
      ...(await Promise.all(['manifest', 'depart', 'arrive', 'void'].map((action) => api.action(outsider.caller, id, action, action === 'void' ? { reason: 'x' } : undefined)))),
      await api.action(outsider.caller, id, 'receipt', { lines: [{ tag: '1234567890123456', outcome: 'rejected', reason: 'not-ordered' }], receivedBy: { name: 'X', title: 'Y' } }),
      await api.action(outsider.caller, id, 'return', { receiverPartnerId: '01JZZZZZZZZZZZZZZZZZZZZZZZ' }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(404);
      expect(attempt.body).toEqual(unknown.body);
    }
    const theirs = await api.list(outsider.caller, { direction: 'outgoing' });
    expect((theirs.body['items'] as { id: string }[]).some((t) => t.id === id)).toBe(false);
  });

  it('pages lists with a cursor that only opens the caller’s own list', async () => {
    const refs = await registryFor(distributor, dispensary);
    for (let i = 0; i < 3; i += 1) await api.create(distributor.caller, draftBody(refs, 1));

    const first = await api.list(distributor.caller, { direction: 'outgoing', limit: '2' });
    const cursor = first.body['cursor'] as string;
    expect(cursor).toEqual(expect.any(String));
    expect((await api.list(distributor.caller, { direction: 'outgoing', limit: '2', cursor })).status).toBe(200);

    const stolen = await api.list(outsider.caller, { direction: 'outgoing', cursor });
    expect(stolen.status).toBe(400);
    expect(stolen.body['code']).toBe('invalid-cursor');
  });

  it('filters lists by status and time, newest first', async () => {
    const refs = await registryFor(distributor, dispensary);
    const before = new Date().toISOString();
    const a = idOf(await api.create(distributor.caller, draftBody(refs, 1)));
    const b = idOf(await api.create(distributor.caller, draftBody(refs, 1)));
    await api.action(distributor.caller, b, 'manifest');

    const drafts = await api.list(distributor.caller, { direction: 'outgoing', status: 'DRAFT', from: before });
    const recent = await api.list(distributor.caller, { direction: 'outgoing', from: before });

    expect((drafts.body['items'] as { id: string }[]).map((t) => t.id)).toEqual([a]);
    expect((recent.body['items'] as { id: string }[]).map((t) => t.id)).toEqual([b, a]);
    const newest = (recent.body['items'] as { lineCount: number; manifestNumber?: string }[])[0];
    expect(newest?.lineCount).toBe(1);
    expect(newest?.manifestNumber).toMatch(/-M\d{6}$/);
  });
});

describe('a transfer of the state’s limit of 1000 packages', () => {
  it('goes through the whole lifecycle, receipt notes and all', async () => {
    const refs = await registryFor(distributor, dispensary);
    const base = draftBody(refs, 1000);
    const body = { ...base, lines: base.lines.map((line, i) => ({
      ...line,
      productName: `Hudson Valley Farms — Blue Dream pre-roll multipack, 10 × 0.5 g, lot ${i}`,
      brand: 'Hudson Valley Farms',
      strain: 'Blue Dream',
      coaReference: `COA-2026-${String(i).padStart(5, '0')}`,
      notes: 'Keep upright; store below 21 °C. Peña & Zoë Łódź imports.',
    })) };
    const created = await api.create(distributor.caller, body);
    expect(created.status).toBe(201);
    const id = idOf(created);

    for (const action of ['manifest', 'depart', 'arrive']) expect((await api.action(distributor.caller, id, action)).status).toBe(200);
    const received = await api.action(dispensary.caller, id, 'receipt', {
      lines: body.lines.map((line, i) =>
        i % 10 === 0
          ? { tag: line.tag, outcome: 'rejected', reason: 'damaged', note: 'Crushed in transit; photos on file. '.repeat(8) }
          : { tag: line.tag, outcome: 'accepted', acceptedQuantity: line.quantity },
      ),
      receivedBy: { name: 'Łucja Kowalski', title: 'Inventory lead' },
    });
    expect(received.status).toBe(200);
    expect(received.body['status']).toBe('PARTIALLY_ACCEPTED');

    const stored = await api.get(distributor.caller, id);
    const content = stored.body['content'] as { lines: { tag: string }[] };
    const receipt = stored.body['receipt'] as { lines: { tag: string; outcome: string }[] };
    expect(content.lines.map((l) => l.tag)).toEqual(body.lines.map((l) => l.tag));
    expect(receipt.lines).toHaveLength(1000);
    expect(receipt.lines.filter((l) => l.outcome === 'rejected')).toHaveLength(100);
  });
});

describe('editing the lines of a draft', () => {
  it('replaces them whole, including when a long draft gets shorter', async () => {
    const refs = await registryFor(distributor, dispensary);
    const created = await api.create(distributor.caller, draftBody(refs, 150));
    const shorter = draftBody(refs, 3).lines;

    const patched = await api.patch(distributor.caller, idOf(created), { lines: shorter }, etag(created));
    const stored = await api.get(distributor.caller, idOf(created));

    expect(patched.status).toBe(200);
    expect((stored.body['content'] as { lines: { tag: string }[] }).lines.map((l) => l.tag)).toEqual(shorter.map((l) => l.tag));
  });
});

describe('what a manifest freezes', () => {
  it('keeps the drivers and vehicle as they were when manifested, and refuses edits afterwards', async () => {
    const refs = await registryFor(distributor, dispensary);
    const id = idOf(await api.create(distributor.caller, draftBody(refs, 1)));
    await api.action(distributor.caller, id, 'manifest');

    await replaceDriver(distributor, refs.driverId, 'Renamed Driver');
    const issued = await api.get(distributor.caller, id);
    const drivers = (issued.body['manifest'] as { parties: { drivers: { name: string }[] } }).parties.drivers;
    expect(drivers.map((d) => d.name)).toEqual(['Zoë Peña']);

    const edit = await api.patch(distributor.caller, id, { plannedRoute: 'changed' }, etag(issued));
    expect(edit.status).toBe(409);
    expect(edit.body['currentStatus']).toBe('MANIFESTED');
  });

  it('refuses a received quantity more than 5% off, and one within 5% without confirmation', async () => {
    const refs = await registryFor(distributor, dispensary);
    const body = draftBody(refs, 1);
    const id = idOf(await api.create(distributor.caller, body));
    for (const action of ['manifest', 'depart', 'arrive']) await api.action(distributor.caller, id, action);
    const tag = body.lines[0]?.tag;
    const receipt = (acceptedQuantity: number, confirmVariance?: boolean) => ({
      lines: [{ tag, outcome: 'accepted', acceptedQuantity, ...(confirmVariance === undefined ? {} : { confirmVariance }) }],
      receivedBy: { name: 'Ana', title: 'Receiving' },
    });

    const over = await api.action(dispensary.caller, id, 'receipt', receipt(18, true));
    const unconfirmed = await api.action(dispensary.caller, id, 'receipt', receipt(19));
    const confirmed = await api.action(dispensary.caller, id, 'receipt', receipt(19, true));

    expect(over.status).toBe(422);
    expect(over.body['errors']).toEqual([expect.objectContaining({ pointer: '/lines/0/acceptedQuantity' })]);
    expect(unconfirmed.status).toBe(422);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body['status']).toBe('ACCEPTED');
  });
});
