/**
 * A shipper without a connected system sends goods to the demo processor with a paper manifest.
 * The processor records it in the hub in one call: the transfer appears received in its incoming
 * list, and the hub reports the intake to the state system, where the accepted packages enter the
 * processor's inventory.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { outsidePartner } from '#infra/local/seed.ts';
import { demoTenant, request } from '../../support/hub-api.ts';
import { call } from '../../support/lifecycle.ts';
import type { SubmissionView } from '../../support/lifecycle.ts';
import { emulatorState, eventually, stateLicenseOf } from '../../support/nyapi.ts';

/** A 16-digit tag the state system has not seen: the paper's packages were never reported. */
const newTag = () => `6${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;

interface StateTransfer {
  readonly ID: number;
  readonly OutboundLicense: string;
  readonly InboundLicense: string;
  readonly Received: boolean;
  readonly PaperManifestNumber?: string;
  readonly Item: readonly { readonly InventoryID: string; readonly Amount: number; readonly ReceivedAmount: number; readonly IsRejected: boolean; readonly RejectReason?: string }[];
}

/** The paper: one package accepted whole, one 3% short with the variance confirmed, one rejected. */
function paper(tags: readonly string[], manifestNumber: string, overrides: Record<string, unknown> = {}) {
  return {
    shipperLicenseNumber: outsidePartner.licenseNumber,
    shipperName: outsidePartner.legalName,
    shipperAddress: { ...outsidePartner.premisesAddress, state: 'NY' },
    manifestNumber,
    departedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
    arrivedAt: new Date(Date.now() - 600_000).toISOString(),
    driverNames: ['Renée Dubois'],
    receivedBy: { name: 'Kai Jensen', title: 'Receiving lead' },
    lines: [
      { tag: tags[0], productName: 'Pre-roll 5 pack', quantity: 20, unit: 'each', outcome: 'accepted' },
      { tag: tags[1], productName: 'Bulk flower', quantity: 100, unit: 'g', outcome: 'accepted', acceptedQuantity: 97, confirmVariance: true },
      { tag: tags[2], productName: 'Gummies 10 pack', quantity: 12, unit: 'each', outcome: 'rejected', reason: 'damaged', note: 'Crushed box' },
    ],
    ...overrides,
  };
}

const incoming = async (role: 'processor' | 'distributor') =>
  (await call(role, 'GET', '/v1/transfers?direction=incoming&limit=100')).body['items'] as Record<string, unknown>[];

describe('paper manifests taken in', { timeout: 120_000 }, () => {
  it('are recorded received in the receiver’s incoming list and reported to the state system as an intake', async () => {
    const tags = [newTag(), newTag(), newTag()];
    const manifestNumber = `CC-${randomInt(100_000, 999_999)}`;

    const recorded = await call('processor', 'POST', '/v1/inbound-transfers', paper(tags, manifestNumber));
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    const id = recorded.body['id'] as string;
    expect(recorded.headers.get('location')).toBe(`/v1/transfers/${id}`);
    expect(recorded.headers.get('etag')).toBe('"2"');
    expect(recorded.body).toMatchObject({
      status: 'PARTIALLY_ACCEPTED',
      version: 2,
      allowedActions: ['return'],
      origin: { kind: 'paper-manifest', manifestNumber, shipperLicenseNumber: outsidePartner.licenseNumber },
      manifest: {
        number: manifestNumber,
        parties: {
          shipper: { legalName: outsidePartner.legalName, licenseNumber: outsidePartner.licenseNumber, stateSystem: 'none' },
          receiver: { licenseNumber: demoTenant('processor').licenseNumber, stateSystem: 'biotrack-ny' },
        },
      },
    });
    expect((recorded.body['receipt'] as { lines: unknown[] }).lines).toEqual([
      { tag: tags[0], outcome: 'accepted', unit: 'each', shippedQuantity: 20, acceptedQuantity: 20, varianceConfirmed: false },
      { tag: tags[1], outcome: 'accepted', unit: 'g', shippedQuantity: 100, acceptedQuantity: 97, varianceConfirmed: true },
      { tag: tags[2], outcome: 'rejected', unit: 'each', shippedQuantity: 12, reason: 'damaged', note: 'Crushed box' },
    ]);

    // The receiver's, like any incoming transfer; nobody else's.
    const read = await call('processor', 'GET', `/v1/transfers/${id}`);
    expect(read.status).toBe(200);
    expect(read.body['status']).toBe('PARTIALLY_ACCEPTED');
    expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).status).toBe(404);
    const listed = (await incoming('processor')).find((t) => t['id'] === id);
    expect(listed).toMatchObject({ status: 'PARTIALLY_ACCEPTED', manifestNumber, shipperName: outsidePartner.legalName, lineCount: 3 });
    expect((await incoming('distributor')).some((t) => t['id'] === id)).toBe(false);
    const events = (await call('processor', 'GET', `/v1/transfers/${id}/events`)).body['items'] as Record<string, unknown>[];
    expect(events.map((e) => [e['sequence'], e['action'], e['from'], e['to']])).toEqual([
      [1, 'create', null, 'ARRIVED'],
      [2, 'receive', 'ARRIVED', 'PARTIALLY_ACCEPTED'],
    ]);
    // The hub printed no manifest: the paper is the shipper's.
    expect((await call('processor', 'GET', `/v1/transfers/${id}/manifest`)).status).toBe(404);

    // The intake reaches the state system, reported by the processor.
    const submissions = async () => (await call('processor', 'GET', `/v1/transfers/${id}/submissions`)).body['items'] as SubmissionView[];
    const reported = await eventually(
      async () => {
        const all = await submissions();
        return all.length > 0 && all.every((s) => s.status === 'succeeded') ? all : undefined;
      },
      60_000,
      'the reported intake',
    );
    expect(reported.map((s) => [s.step, s.sequence, s.status])).toEqual([['intake', 2, 'succeeded']]);

    const state = await emulatorState();
    const atState = (state['inventoryTransfers'] as StateTransfer[]).find((t) => t.PaperManifestNumber === manifestNumber);
    expect(atState).toMatchObject({ OutboundLicense: outsidePartner.licenseNumber, InboundLicense: stateLicenseOf('processor'), Received: true });
    expect(atState?.Item.map((item) => [item.InventoryID, item.Amount, item.ReceivedAmount, item.IsRejected, item.RejectReason])).toEqual([
      [tags[0], 20, 20, false, undefined],
      [tags[1], 100, 97, false, undefined],
      [tags[2], 12, 0, true, 'damaged: Crushed box'],
    ]);
    const processorInventory = (state['licensees'] as { LocationLicense: string; inventory: { ID: string; RemainingAmount: number; UOM: string }[] }[]).find(
      (l) => l.LocationLicense === stateLicenseOf('processor'),
    )?.inventory;
    expect(processorInventory?.find((lot) => lot.ID === tags[0])).toMatchObject({ RemainingAmount: 20, UOM: 'each' });
    expect(processorInventory?.find((lot) => lot.ID === tags[1])).toMatchObject({ RemainingAmount: 97, UOM: 'gram' });
    expect(processorInventory?.some((lot) => lot.ID === tags[2])).toBe(false);
    // The transfer keeps the state system's id of what it recorded.
    const withIds = (await call('processor', 'GET', `/v1/transfers/${id}`)).body;
    expect(withIds['stateIds']).toMatchObject({ inventoryTransferIds: [atState?.ID] });
  });

  it('refuses a second intake of the same paper, a variance above 5%, a bad body and a receiver without a state system', async () => {
    const tags = [newTag(), newTag(), newTag()];
    const manifestNumber = `CC-${randomInt(100_000, 999_999)}`;
    expect((await call('processor', 'POST', '/v1/inbound-transfers', paper(tags, manifestNumber))).status).toBe(201);

    // The same paper again, however its number is spaced or cased: 409. A retry under its Idempotency-Key replays instead.
    for (const number of [manifestNumber, ` ${manifestNumber.toLowerCase()} `]) {
      const again = await call('processor', 'POST', '/v1/inbound-transfers', paper(tags, number));
      expect(again.status, JSON.stringify(again.body)).toBe(409);
      expect(again.contentType).toBe('application/problem+json');
      expect(again.body).toMatchObject({ code: 'paper-manifest-recorded', manifestNumber: number.trim() });
    }
    const keyed = paper([], `CC-${randomInt(100_000, 999_999)}`, {
      lines: [{ tag: newTag(), productName: 'Vape 1 g', quantity: 5, unit: 'each', outcome: 'accepted' }],
    });
    const key = { 'idempotency-key': `paper-${randomInt(0, 1e9)}` };
    const first = await call('processor', 'POST', '/v1/inbound-transfers', keyed, key);
    const replayed = await call('processor', 'POST', '/v1/inbound-transfers', keyed, key);
    expect([first.status, replayed.status]).toEqual([201, 201]);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body['id']).toBe(first.body['id']);

    // More than 5% short, even confirmed: the receipt rule, pointing into the paper's lines.
    const short = paper([newTag(), newTag(), newTag()], `CC-${randomInt(100_000, 999_999)}`);
    (short.lines[1] as Record<string, unknown>)['acceptedQuantity'] = 94;
    const tooShort = await call('processor', 'POST', '/v1/inbound-transfers', short);
    expect(tooShort.status, JSON.stringify(tooShort.body)).toBe(422);
    expect(tooShort.contentType).toBe('application/problem+json');
    expect(tooShort.body['errors']).toMatchObject([{ pointer: '/lines/1/acceptedQuantity', code: 'variance-too-large' }]);

    const malformed = await request('POST', '/v1/inbound-transfers', { apiKey: demoTenant('processor').apiKey, body: '{"manifestNumber":' });
    expect([malformed.status, malformed.contentType, malformed.body['code']]).toEqual([400, 'application/problem+json', 'malformed-json']);
    const invalid = await call('processor', 'POST', '/v1/inbound-transfers', { ...paper(tags, 'X-1'), shipperLicenseNumber: 'nope', lines: [] });
    expect([invalid.status, invalid.contentType, invalid.body['code']]).toEqual([422, 'application/problem+json', 'validation-failed']);
    expect((invalid.body['errors'] as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['/lines', '/shipperLicenseNumber']);

    const offline = await call('retail dispensary', 'POST', '/v1/inbound-transfers', paper([newTag(), newTag(), newTag()], `CC-${randomInt(100_000, 999_999)}`));
    expect(offline.status, JSON.stringify(offline.body)).toBe(409);
    expect(offline.body).toMatchObject({ code: 'not-integrated', stateSystem: 'none' });

    // Nothing refused was recorded.
    const numbers = (await incoming('processor')).map((t) => t['manifestNumber']);
    expect(numbers.filter((n) => n === manifestNumber)).toHaveLength(1);
    expect(numbers).not.toContain(short.manifestNumber);
  });
});
