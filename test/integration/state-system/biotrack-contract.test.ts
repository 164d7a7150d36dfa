/**
 * The BioTrack adapter as the recorded contract has it, against a strict emulator: ids in their
 * recorded JSON types, no orphan invoice after a refused manifest, the user session on every call,
 * an amendment under the manifest's own ExternalID, a lost refresh answer told apart from an
 * expired consent (and one refresher at a time), no duplicate after an unanswered create, and an
 * incremental inbound pull that survives a fault.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { createLocalTokenCipher } from '#shared/adapters/token-cipher.ts';
import { readConfig } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { createBioTrackAdapter } from '#shared/state-system/biotrack/adapter.ts';
import { consentView } from '#shared/state-system/biotrack/consent.ts';
import { createConnectionStore } from '#shared/state-system/connections.ts';
import type { StateAccount, StateRefs } from '#shared/state-system/port.ts';
import type { BioTrackAdapter } from '#shared/state-system/biotrack/adapter.ts';
import { bioTrackRefs } from '#shared/state-system/biotrack/refs.ts';
import type { BioTrackRefs } from '#shared/state-system/biotrack/refs.ts';
import { failure, keepNothing, RECEIVER, report, TAGS, useBioTrackEmulator } from '../../support/biotrack-world.ts';
import { memoryConnectionStore } from '../../support/state-connections.ts';

const { control, connected, connectedInMemory, receiverOf, adapterFor, calls, settings } = useBioTrackEmulator();

interface EmulatorState {
  invoices: { InvoiceID: string; Deleted: boolean }[];
  manifests: { ManifestID: string; ExternalID: string; Stop: { InvoiceID: string; ApproximateDeparture: string; ApproximateRoute: string }[] }[];
  created: Record<string, number>;
}
const state = async () => (await control('GET', '/_emulator/state')) as unknown as EmulatorState;

/** Ids as the pipeline keeps them: merged in order, every call to `keep` remembered. */
function keeper() {
  const kept: BioTrackRefs[] = [];
  return { kept, keep: async (refs: StateRefs) => void kept.push(bioTrackRefs(refs)), merged: () => kept.reduce<BioTrackRefs>((all, refs) => ({ ...all, ...refs }), {}) };
}

/** A manifest reported and shipped by the shipper, addressed to the receiver. */
async function shipped(adapter: BioTrackAdapter, account: StateAccount, key: string, tag: string) {
  const ids = await adapter.reportManifest(account, { ...report(key), lines: [{ tag, quantity: 1, unit: 'each', unitPrice: 5 }] }, {}, keepNothing);
  return { ...ids, ...(await adapter.reportShipment(account, ids, `${key}-ship`)) };
}

describe('the BioTrack adapter, as the recorded contract has it', () => {
  it('sends every id with the JSON type the recorded shapes give it', async () => {
    const world = await connectedInMemory();
    const bodies = new Map<string, unknown>();
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (typeof init?.body === 'string' && init.body.startsWith('{')) bodies.set(`${init.method ?? 'GET'} ${url.pathname}`, JSON.parse(init.body));
      return fetch(input, init);
    };
    const adapter = createBioTrackAdapter({ settings: settings(), connections: world.store, fetch: recording, now: () => world.now });
    const ids = await adapter.reportManifest(world.account, report('types'), {}, keepNothing);

    const manifest = bodies.get('POST /v1/manifest') as { Driver: { ID: unknown }[]; Vehicle: { ID: unknown }; Stop: { InvoiceID: unknown; Item: { InventoryID: unknown; Quantity: unknown }[] }[] };
    expect(typeof manifest.Driver[0]?.ID).toBe('number');
    expect(typeof manifest.Vehicle.ID).toBe('string');
    expect(typeof manifest.Stop[0]?.InvoiceID).toBe('string');
    expect(typeof manifest.Stop[0]?.Item[0]?.InventoryID).toBe('string');
    expect(typeof (bodies.get('POST /v1/vehicle') as { Year: unknown }).Year).toBe('string');
    // Answers keep their types too: the hub holds the state's integer ids as integers.
    expect(ids.driverIds?.every((id) => Number.isInteger(id))).toBe(true);
    expect(Number.isInteger(ids.vehicleId)).toBe(true);
    const shipment = await adapter.reportShipment(world.account, ids, 'types-ship');
    expect(shipment.inventoryTransferIds?.every((id) => Number.isInteger(id))).toBe(true);
  });

  it('keeps the invoice id the moment it exists and voids the invoice when the manifest is refused for good; the corrected retry makes a new one', async () => {
    const world = await connectedInMemory();
    const adapter = adapterFor(world);
    const { kept, keep, merged } = keeper();
    const backwards = { ...report('refused'), estimatedArrival: new Date(Date.now() + 60_000).toISOString(), estimatedDeparture: new Date(Date.now() + 3_600_000).toISOString() };
    expect(await failure(adapter.reportManifest(world.account, backwards, {}, keep))).toMatchObject({ kind: 'permanent', code: 'INVALID_TIMES' });

    const invoiceId = kept[0]?.invoiceId;
    expect(invoiceId).toMatch(/^\d{16}$/);
    expect(merged().voidedInvoiceIds).toEqual([invoiceId]);
    let atState = await state();
    expect(atState.invoices).toEqual([expect.objectContaining({ InvoiceID: invoiceId, Deleted: true })]);
    expect(atState.manifests).toEqual([]);

    // Corrected (the times fixed) and redriven: a new invoice under a key of its own, and the manifest.
    const ids = await adapter.reportManifest({ ...world.account, retry: true }, report('refused'), merged(), keep);
    expect(ids.invoiceId).not.toBe(invoiceId);
    atState = await state();
    expect(atState.invoices.filter((invoice) => !invoice.Deleted).map((invoice) => invoice.InvoiceID)).toEqual([ids.invoiceId]);
    expect(atState.manifests.map((manifest) => manifest.Stop[0]?.InvoiceID)).toEqual([ids.invoiceId]);
  });

  it('reuses the invoice an earlier try kept instead of making a second one', async () => {
    const world = await connectedInMemory();
    const adapter = adapterFor(world);
    const { keep, merged } = keeper();
    // The manifest call fails on the way (the state system is down); the invoice is already made and kept.
    await control('PUT', '/_emulator/faults', { rules: [{ route: 'POST /v1/manifest', rate5xx: 1, times: 1 }] });
    expect((await failure(adapter.reportManifest(world.account, report('reuse'), {}, keep))).kind).toBe('transient');
    const ids = await adapter.reportManifest({ ...world.account, retry: true }, report('reuse'), merged(), keep);
    const atState = await state();
    expect(atState.created['invoice']).toBe(1);
    expect(atState.manifests.map((manifest) => manifest.Stop[0]?.InvoiceID)).toEqual([ids.invoiceId]);
  });

  it('sends the user session on reads too, and logs in again (without refreshing the token) when the session has ended', async () => {
    const world = await connectedInMemory();
    const adapter = adapterFor(world);
    await adapter.reportManifest(world.account, report('session'), {}, keepNothing);
    const token = world.store.connections.get('tenant-1')?.accessToken;
    await control('DELETE', '/_emulator/sessions');
    const before = (await calls()).length;

    expect(await adapter.findByExternalId(world.account, 'manifest', 'session.manifest')).toMatch(/^\d{16}$/);
    const after = (await calls()).slice(before);
    expect(after.map((c) => `${c.method} ${c.route} ${c.status}`)).toEqual([
      'GET /v1/manifest 401',
      'POST /v1/user/login 200',
      'GET /v1/manifest 200',
    ]);
    expect(after[0]?.errorCode).toBe('USER_SESSION_REQUIRED');
    expect(world.store.connections.get('tenant-1')?.accessToken).toBe(token);
    // Every read the adapter made carried a live session of its user.
    expect((await calls()).filter((c) => c.method === 'GET' && c.status === 200).every((c) => c.user === 'integration')).toBe(true);
  });

  it('amends a manifest under the ExternalID it was created with', async () => {
    const world = await connectedInMemory();
    const adapter = adapterFor(world);
    const ids = await adapter.reportManifest(world.account, report('amended'), {}, keepNothing);
    expect(ids.manifestExternalId).toBe('amended.manifest');
    const later = new Date(Date.now() + 5_400_000).toISOString();
    await adapter.amendManifest(world.account, ids, { ...report('amended-000003-amend'), estimatedDeparture: later, estimatedArrival: new Date(Date.now() + 9_000_000).toISOString(), route: 'NY-17' });
    const [manifest] = (await state()).manifests;
    expect(manifest).toMatchObject({ ManifestID: ids.manifestId, ExternalID: 'amended.manifest' });
    expect(manifest?.Stop[0]).toMatchObject({ ApproximateDeparture: later, ApproximateRoute: 'NY-17' });
  });

  it('tells a lost refresh answer from an expired consent: reconnect required within the 100 days', async () => {
    const config = readConfig();
    const store = createConnectionStore(createAwsClients(config).dynamodb, hubTable.name, createLocalTokenCipher(Buffer.from(config.tokenCipher.localKey ?? '', 'base64')));
    const world = await connected(store, `lost-refresh-${randomUUID()}`);
    const adapter = adapterFor(world);

    // The token is due; the state system rotates the refresh token but its answer never arrives.
    world.now = new Date(world.now.getTime() + 3_570_000);
    await control('PUT', '/_emulator/clock', { advanceSeconds: 3_570 });
    await control('PUT', '/_emulator/faults', { rules: [{ route: 'POST /oauth/token', rateCommitThenDrop: 1, times: 1 }] });
    expect(await failure(adapter.findByExternalId(world.account, 'invoice', 'x'))).toMatchObject({ kind: 'transient', code: 'NETWORK' });

    // The next refresh is refused: not the 100 days running out, a grant cut short.
    const refused = await failure(adapter.findByExternalId(world.account, 'invoice', 'x'));
    expect(refused).toMatchObject({ kind: 'consent-expired', code: 'REFRESH_REJECTED' });
    const view = consentView(await store.consentDates(world.account.licenseeId, 'biotrack-ny'), world.now);
    expect(view).toMatchObject({ status: 'reconnect-required', daysLeft: 100 });
    expect(view.warning).toContain('license admin approves the hub again');

    // Nothing more is sent until the license admin approves again.
    const before = (await calls()).length;
    expect((await failure(adapter.findByExternalId(world.account, 'invoice', 'x'))).code).toBe('REFRESH_REJECTED');
    expect((await calls()).length).toBe(before);

    // After the 100 days the same refusal is the consent's end.
    const expired = await connected(memoryConnectionStore());
    expired.now = new Date(expired.now.getTime() + 101 * 86_400_000);
    await control('PUT', '/_emulator/clock', { advanceDays: 101 });
    expect((await failure(adapterFor(expired).findByExternalId(expired.account, 'invoice', 'x'))).code).toBe('CONSENT_EXPIRED');
  });

  it('refreshes once per license when many calls of several instances find the token due', async () => {
    const config = readConfig();
    const store = createConnectionStore(createAwsClients(config).dynamodb, hubTable.name, createLocalTokenCipher(Buffer.from(config.tokenCipher.localKey ?? '', 'base64')));
    const world = await connected(store, `single-flight-${randomUUID()}`);
    const instances = [adapterFor(world), adapterFor(world), adapterFor(world)];
    world.now = new Date(world.now.getTime() + 3_570_000);
    await control('PUT', '/_emulator/clock', { advanceSeconds: 3_570 });
    const before = (await calls()).length;

    const lookups = instances.flatMap((adapter) => [1, 2, 3].map((n) => adapter.findByExternalId(world.account, 'invoice', `none-${n}`)));
    expect(await Promise.all(lookups)).toEqual(lookups.map(() => undefined));
    const tokenCalls = (await calls()).slice(before).filter((c) => c.route === '/oauth/token');
    expect(tokenCalls.map((c) => c.status)).toEqual([200]);
  });

  it('does not create again what an unanswered try may still be committing, and confirms a shipment the state says was made', async () => {
    const world = await connectedInMemory();
    const adapter = adapterFor(world, { timeoutMs: 500, settleMs: 1_500 });
    // The state system commits the invoice 0.9 s after the request: after the adapter gave up waiting.
    await control('PUT', '/_emulator/faults', { rules: [{ route: 'POST /v1/invoice', lateCommitMs: 900, times: 1 }] });
    const timedOut = await failure(adapter.reportManifest(world.account, report('slow'), {}, keepNothing));
    expect(timedOut).toMatchObject({ kind: 'transient', code: 'TIMEOUT' });
    expect(timedOut.unsettledSince).toBeDefined();
    const retrying: StateAccount = { ...world.account, retry: true, unsettledSince: timedOut.unsettledSince ?? '' };

    // Retried at once, it finds nothing yet and waits instead of posting a second invoice.
    const waiting = await failure(adapter.reportManifest(retrying, report('slow'), {}, keepNothing));
    expect(waiting).toMatchObject({ kind: 'transient', code: 'UNSETTLED' });
    expect(waiting.retryAfterMs).toBeGreaterThan(0);

    await new Promise((resolve) => setTimeout(resolve, waiting.retryAfterMs ?? 0));
    world.now = new Date();
    const ids = await adapter.reportManifest(retrying, report('slow'), {}, keepNothing);
    expect(ids.manifestId).toMatch(/^\d{16}$/);
    expect((await calls()).filter((c) => c.method === 'POST' && c.route === '/v1/invoice')).toHaveLength(1);
    expect((await state()).created['invoice']).toBe(1);

    // Shipped by a try whose answer was lost (under another key): ALREADY_SHIPPED is confirmed, then done.
    const first = await adapter.reportShipment(world.account, ids, 'slow-ship');
    expect(await adapter.reportShipment(world.account, ids, 'slow-ship-redriven')).toEqual(first);
  });

  it('pulls inbound transfers incrementally from a checkpoint, without undocumented filters, and skips a failing item for the next pull', async () => {
    const world = await connectedInMemory();
    const shipper = adapterFor(world);
    const receiver = await receiverOf(world.store);
    const one = await shipped(shipper, world.account, 'in-1', TAGS[0] ?? '');
    const two = await shipped(shipper, world.account, 'in-2', TAGS[1] ?? '');

    const first = await shipper.listInbound(receiver);
    expect(first.transfers.map((t) => t.refs.inventoryTransferIds?.[0]).sort()).toEqual([...(one.inventoryTransferIds ?? []), ...(two.inventoryTransferIds ?? [])].sort());
    expect(first.transfers.every((t) => t.shipper.stateLicenseNumber !== RECEIVER && !t.arrived)).toBe(true);

    // Nothing changed: one sync call, and the two transfers on the road followed by their manifests alone.
    let mark = (await calls()).length;
    const quiet = await shipper.listInbound(receiver, first.checkpoint);
    expect(quiet.transfers).toEqual([]);
    const quietCalls = (await calls()).slice(mark).map((c) => `${c.method} ${c.route}`);
    expect(quietCalls.filter((c) => c !== 'POST /v1/user/login')).toEqual(['GET /v1/sync', 'GET /v1/manifest/{id}', 'GET /v1/manifest/{id}']);

    // One arrives: the next pull reports it arrived, and no longer follows it.
    await shipper.reportArrival(world.account, one, 'in-1-arrive');
    const arrival = await shipper.listInbound(receiver, quiet.checkpoint);
    expect(arrival.transfers).toHaveLength(1);
    expect(arrival.transfers[0]).toMatchObject({ refs: { inventoryTransferIds: [one.inventoryTransferIds?.[0]] }, arrived: true });

    // A third is shipped while the state system fails one manifest read: the pull goes on and says so.
    await control('POST', '/_emulator/seed', { licensees: [{ LocationLicense: world.account.stateLicenseNumber, UBI: 'UBI-1', Name: 'Shipper', inventory: [{ ID: '1000000000000003', ProductName: 'Flower', UOM: 'each', RemainingAmount: 10 }] }] });
    const three = await shipped(shipper, world.account, 'in-3', '1000000000000003');
    await control('PUT', '/_emulator/faults', { rules: [{ route: 'GET /v1/manifest/{id}', rate5xx: 1, times: 1 }] });
    const faulted = await shipper.listInbound(receiver, arrival.checkpoint);
    expect(faulted.skipped).toBe(1);
    expect(faulted.transfers.map((t) => t.refs.inventoryTransferIds?.[0])).not.toContain(three.inventoryTransferIds?.[0]);

    mark = (await calls()).length;
    const recovered = await shipper.listInbound(receiver, faulted.checkpoint);
    expect(recovered.skipped).toBe(0);
    expect(recovered.transfers.map((t) => t.refs.inventoryTransferIds?.[0])).toContain(three.inventoryTransferIds?.[0]);
    expect((await calls()).slice(mark).every((c) => c.status < 400)).toBe(true);
  });
});
