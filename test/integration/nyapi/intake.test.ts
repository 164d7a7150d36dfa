/**
 * The emulator's intake route [inferred]: a receiver records a transfer its shipper never
 * reported (a paper manifest), with its receipt, in one call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNyApiEmulator } from '#infra/local/nyapi/server.ts';
import type { NyApiEmulator } from '#infra/local/nyapi/server.ts';
import { CLIENT, EmulatorClient, licensee, RETAILER, SHIPPER, STANDARD_SEED, tag } from './client.ts';
import type { Actor, ErrorBody, InventoryView, TransferView, WriteBody } from './client.ts';

type IntakeReply = { InventoryTransfer: TransferView & { PaperManifestNumber?: string; Driver?: { Name: string }[] }; Inventory: InventoryView[] } & WriteBody & ErrorBody;
type TransferList = { InventoryTransfer: (TransferView & { PaperManifestNumber?: string })[] };

/** A licensee in the state's directory without a connected system: it ships on paper. */
const PAPER_SHIPPER = licensee('OCM-MICR-25-000207', '607000207', 'Catskill Craft Microbusiness', 'dora');

let emulator: NyApiEmulator;
let client: EmulatorClient;
let receiver: Actor;

beforeAll(async () => {
  emulator = await startNyApiEmulator({ clientId: CLIENT.id, clientSecret: CLIENT.secret });
  client = new EmulatorClient(emulator.url);
});
afterAll(() => emulator.stop());
beforeEach(async () => {
  await client.reset({ licensees: [...STANDARD_SEED.licensees, PAPER_SHIPPER] });
  receiver = await client.actor(RETAILER);
});

const paperTag = (n: number) => tag(900 + n);

/** Three packages from the paper: one accepted whole, one short by 2 of 100 g, one rejected. */
const intake = (overrides: Record<string, unknown> = {}) => ({
  ExternalID: 'intake-1',
  OutboundLicense: PAPER_SHIPPER.LocationLicense,
  PaperManifestNumber: 'CC-2026-0117',
  Driver: [{ Name: 'Rosa Diaz' }],
  Item: [
    { InventoryID: paperTag(1), Description: 'Pre-roll 5pk', Amount: 20, UOM: 'each', Accept: true },
    { InventoryID: paperTag(2), Description: 'Bulk flower', Amount: 100, UOM: 'gram', Accept: true, ReceivedAmount: 98 },
    { InventoryID: paperTag(3), Description: 'Gummies 10pk', Amount: 12, UOM: 'each', Accept: false, RejectReason: 'damaged: crushed box' },
  ],
  ...overrides,
});

const lotOf = (state: Awaited<ReturnType<EmulatorClient['state']>>, license: string, id: string) =>
  state.licensees.find((l) => l.LocationLicense === license)?.inventory.find((lot) => lot.ID === id);

describe('NY-API emulator: paper manifests taken in [inferred]', () => {
  it('records a received transfer from the paper shipper, puts the accepted amounts in the receiver’s inventory and the rest back with the shipper', async () => {
    const reply = await receiver.send<IntakeReply>('POST', '/v1/inventory/transfer/inbound', intake());
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const transfer = reply.body.InventoryTransfer;
    expect(transfer).toMatchObject({
      OutboundLicense: PAPER_SHIPPER.LocationLicense,
      InboundLicense: RETAILER.LocationLicense,
      ExternalID: 'intake-1',
      ManifestID: '',
      PaperManifestNumber: 'CC-2026-0117',
      Driver: [{ Name: 'Rosa Diaz' }],
      Received: true,
      IsRejected: true,
    });
    expect(transfer.Item.map((item) => [item.InventoryID, item.Amount, item.ReceivedAmount, item.IsRejected])).toEqual([
      [paperTag(1), 20, 20, false],
      [paperTag(2), 100, 98, false],
      [paperTag(3), 12, 0, true],
    ]);
    expect(reply.body.TransactionID).toBeGreaterThan(0);

    const state = await client.state();
    expect(state.created.intake).toBe(1);
    expect(state.inventoryTransfers.map((t) => t.ID)).toContain(transfer.ID);
    expect(lotOf(state, RETAILER.LocationLicense, paperTag(1))?.RemainingAmount).toBe(20);
    expect(lotOf(state, RETAILER.LocationLicense, paperTag(2))).toMatchObject({ RemainingAmount: 98, ProductName: 'Bulk flower' });
    expect(lotOf(state, RETAILER.LocationLicense, paperTag(3))).toBeUndefined();
    expect(lotOf(state, PAPER_SHIPPER.LocationLicense, paperTag(2))?.RemainingAmount).toBe(2);
    expect(lotOf(state, PAPER_SHIPPER.LocationLicense, paperTag(3))?.RemainingAmount).toBe(12);

    // The receiver finds it by ExternalID in its inbound list; the shipper sees it among its rejected transfers.
    const found = await receiver.get<TransferList>('/v1/inventory/transfer/inbound?ExternalID=intake-1');
    expect(found.body.InventoryTransfer.map((t) => t.ID)).toEqual([transfer.ID]);
    expect((await receiver.get<TransferList>('/v1/inventory/transfer/inbound?ExternalID=other')).body.InventoryTransfer).toEqual([]);
    const shipper = await client.actor(PAPER_SHIPPER);
    const rejected = await shipper.get<TransferList>('/v1/inventory/transfer/rejected');
    expect(rejected.body.InventoryTransfer.map((t) => [t.ID, t.PaperManifestNumber])).toEqual([[transfer.ID, 'CC-2026-0117']]);
  });

  it('replays a repeated ExternalID, refuses it with another body, and refuses the same paper taken in again', async () => {
    const first = await receiver.send<IntakeReply>('POST', '/v1/inventory/transfer/inbound', intake());
    const replay = await receiver.send<IntakeReply>('POST', '/v1/inventory/transfer/inbound', intake());
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect((await client.calls()).at(-1)).toMatchObject({ route: '/v1/inventory/transfer/inbound', replay: true, externalId: 'intake-1' });

    const conflict = await receiver.send<ErrorBody>('POST', '/v1/inventory/transfer/inbound', intake({ PaperManifestNumber: 'CC-2026-0118' }));
    expect([conflict.status, conflict.body.ErrorCode]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
    const again = await receiver.send<ErrorBody>('POST', '/v1/inventory/transfer/inbound', intake({ ExternalID: 'intake-2' }));
    expect([again.status, again.body.ErrorCode]).toEqual([409, 'ALREADY_RECEIVED']);

    const state = await client.state();
    expect(state.created.intake).toBe(1);
    expect(lotOf(state, RETAILER.LocationLicense, paperTag(1))?.RemainingAmount).toBe(20);
  });

  it('refuses what the state system would refuse, and changes nothing then', async () => {
    const item = (overrides: Record<string, unknown>) => [{ InventoryID: paperTag(1), Description: 'Pre-roll 5pk', Amount: 20, UOM: 'each', Accept: true, ...overrides }];
    const cases: [Record<string, unknown>, number, string][] = [
      [{ OutboundLicense: 'OCM-MICR-25-999999' }, 404, 'NOT_FOUND'],
      [{ OutboundLicense: RETAILER.LocationLicense }, 400, 'VALIDATION'],
      [{ Item: [] }, 400, 'NO_ITEMS'],
      [{ Item: item({ Accept: false }) }, 422, 'REJECT_REASON_REQUIRED'],
      [{ Item: item({ ReceivedAmount: 21 }) }, 422, 'INVALID_QUANTITY'],
      [{ Item: [...item({}), ...item({ Description: 'Again' })] }, 422, 'DUPLICATE_ITEM'],
      [{ Item: item({ UOM: 'bushel' }) }, 400, 'VALIDATION'],
      [{ Item: item({ InventoryID: '1A4000000000000000000001' }) }, 400, 'VALIDATION'],
    ];
    for (const [overrides, status, code] of cases) {
      const reply = await receiver.send<ErrorBody>('POST', '/v1/inventory/transfer/inbound', intake({ ExternalID: `refused-${code}`, ...overrides }));
      expect([reply.status, reply.body.ErrorCode], JSON.stringify(overrides)).toEqual([status, code]);
    }
    const noSession = await client.request<ErrorBody>('POST', '/v1/inventory/transfer/inbound', {
      headers: { authorization: receiver.headers['authorization'] ?? '' },
      body: intake(),
    });
    expect([noSession.status, noSession.body.ErrorCode]).toEqual([401, 'USER_SESSION_REQUIRED']);

    const state = await client.state();
    expect(state.created.intake).toBe(0);
    expect(state.inventoryTransfers).toEqual([]);
    expect(state.licensees.find((l) => l.LocationLicense === RETAILER.LocationLicense)?.inventory).toEqual([]);
    expect(lotOf(state, SHIPPER.LocationLicense, tag(1))?.RemainingAmount).toBe(100);
  });
});
