/**
 * Every transition the state system must hear of goes out through the outbox, the FIFO queue and
 * the worker to the NY-API emulator, in lifecycle order, exactly once. Fault rules are global to
 * the emulator, so the tests of this file run one after the other.
 */
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { stateSubmissionsQueue } from '#shared/resources.ts';
import { demoTenant } from '../../support/hub-api.ts';
import { call, draftTo, step, submissions } from '../../support/lifecycle.ts';
import type { SubmissionView } from '../../support/lifecycle.ts';
import { calls, clearFaults, emulatorState, eventually, freshInventory, onAnotherOpenManifest, setFaults, stateLicenseOf } from '../../support/nyapi.ts';

const allSucceeded = async (id: string, count: number) => {
  const found = await submissions('distributor', id);
  return found.length === count && found.every((s) => s.status === 'succeeded') ? found : undefined;
};

const settled = (id: string, predicate: (s: readonly SubmissionView[]) => boolean, what: string) =>
  eventually(async () => {
    const found = await submissions('distributor', id);
    return predicate(found) ? found : undefined;
  }, 60_000, what);

afterEach(async () => {
  await clearFaults();
});

// These tests wait on real retries and backoffs; under a full parallel run they need more than the default.
describe('reporting transfers to the NY-API', { timeout: 120_000 }, () => {
  it('reports manifest, shipment, arrival and receipt in order, as the acting users, and keeps the state ids', async () => {
    const tags = await freshInventory('distributor', 2);
    const id = await draftTo('processor', tags);
    await step('distributor', id, 'manifest');
    await step('distributor', id, 'depart');
    await step('distributor', id, 'arrive');
    await step('processor', id, 'receipt', {
      lines: [
        { tag: tags[0], outcome: 'accepted', acceptedQuantity: 10 },
        { tag: tags[1], outcome: 'rejected', reason: 'damaged', note: 'Crushed box' },
      ],
      receivedBy: { name: 'Ines Okafor', title: 'Inventory lead' },
    });

    const done = await eventually(() => allSucceeded(id, 4), 30_000, 'four delivered submissions');
    expect(done.map((s) => s.step)).toEqual(['manifest', 'ship', 'arrive', 'receive']);
    expect(done.map((s) => s.sequence)).toEqual([...done.map((s) => s.sequence)].sort((a, b) => a - b));

    const transfer = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body;
    const stateIds = transfer['stateIds'] as { invoiceId: string; manifestId: string; inventoryTransferIds: string[] };
    expect(stateIds.invoiceId).toMatch(/^\d{16}$/);
    expect(stateIds.manifestId).toMatch(/^\d{16}$/);
    expect(stateIds.inventoryTransferIds).toHaveLength(1);

    // The state system heard each write once, in lifecycle order, from the right license.
    const writes = (await calls()).filter((c) => c.externalId?.startsWith(id) && c.method !== 'GET');
    expect(writes.map((c) => `${c.method} ${c.route}`)).toEqual([
      'POST /v1/invoice',
      'POST /v1/manifest',
      'POST /v1/inventory/transfer',
      'PUT /v1/manifest/{id}/stop/{stopnumber}/arrive',
      'PUT /v1/inventory/transfer/{id}/receive',
    ]);
    expect(writes.every((c) => c.status === 200)).toBe(true);
    expect(writes.slice(0, 4).every((c) => c.license === stateLicenseOf('distributor'))).toBe(true);
    expect(writes[4]?.license).toBe(stateLicenseOf('processor'));
    expect(writes[4]?.user).toContain(stateLicenseOf('processor').toLowerCase());

    // At the state: the accepted package now belongs to the processor, the rejected one went back.
    const state = await emulatorState();
    const licensees = state['licensees'] as { LocationLicense: string; inventory: { ID: string; RemainingAmount: number }[] }[];
    const holding = (license: string, tag: string | undefined) => licensees.find((l) => l.LocationLicense === license)?.inventory.find((i) => i.ID === tag);
    expect(holding(stateLicenseOf('processor'), tags[0])?.RemainingAmount).toBe(10);
    expect(holding(stateLicenseOf('processor'), tags[1])).toBeUndefined();
  });

  it('reports the shipper’s steps to a receiver without a connected system, and no receipt for it', async () => {
    const tags = await freshInventory('distributor', 1);
    const id = await draftTo('retail dispensary', tags);
    await step('distributor', id, 'manifest');
    await step('distributor', id, 'depart');
    await step('distributor', id, 'arrive');
    await step('retail dispensary', id, 'receipt', {
      lines: [{ tag: tags[0], outcome: 'accepted', acceptedQuantity: 10 }],
      receivedBy: { name: 'Dee Marsh', title: 'Owner' },
    });
    const done = await eventually(() => allSucceeded(id, 3), 30_000, 'the shipper’s three submissions');
    expect(done.map((s) => s.step)).toEqual(['manifest', 'ship', 'arrive']);
    const manifest = (await calls()).find((c) => c.externalId === `${done[0]?.id ?? ''}.manifest`);
    expect(manifest?.status).toBe(200);
  });

  it('records a refusal with the state system code, blocks the later steps and does not retry', async () => {
    // The shipper's other software holds the package on an open manifest at the state: it refuses ours.
    const [tag = ''] = await freshInventory('distributor', 1);
    await onAnotherOpenManifest('distributor', [tag]);
    const id = await draftTo('processor', [tag]);
    await step('distributor', id, 'manifest');
    // The refused manifest cannot depart; an amendment still owes its report, which waits behind it.
    expect((await call('distributor', 'POST', `/v1/transfers/${id}/depart`)).status).toBe(409);
    const { version } = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body;
    const amended = await call('distributor', 'POST', `/v1/transfers/${id}/amend`, { plannedRoute: 'I-90 W to exit 43' }, { 'if-match': `"${String(version)}"` });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    const [manifest, amend] = await settled(id, (s) => s.length === 2 && s[0]?.status === 'failed' && s[1]?.status === 'blocked', 'a failed manifest');
    expect(manifest?.lastError?.code).toBe('ALREADY_ON_OPEN_MANIFEST');
    expect(manifest?.lastError?.message).toContain(tag);
    expect(manifest?.attempts).toBe(1);
    expect(amend?.blockedBy).toBe(manifest?.id);

    const before = (await calls()).filter((c) => c.externalId?.startsWith(id)).length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await calls()).filter((c) => c.externalId?.startsWith(id)).length).toBe(before);
    expect((await submissions('distributor', id))[0]?.attempts).toBe(1);
  });

  it('rides out 429s, 503s and timeouts, and finds what a dropped answer created instead of creating it twice', async () => {
    const since = (await calls()).length;
    const seen = (route: string, fault: string) =>
      // An injected 429 or 5xx is answered before authentication: the log knows its route, not its license.
      eventually(async () => ((await calls()).slice(since).some((c) => c.route === route && c.fault === fault) ? true : undefined), 20_000, `${fault} on ${route}`);
    const tags = await freshInventory('distributor', 1);
    const id = await draftTo('processor', tags);

    // The manifest is created but its answer never arrives.
    await setFaults([{ route: 'POST /v1/manifest', rateCommitThenDrop: 1 }]);
    await step('distributor', id, 'manifest');
    await seen('/v1/manifest', 'commit-then-drop');
    // The shipment meets a 429 asking to wait, then a 503.
    await setFaults([{ route: 'POST /v1/manifest', rateCommitThenDrop: 1 }, { route: 'POST /v1/inventory/transfer', rate429: 1, retryAfterSeconds: 1 }]);
    await step('distributor', id, 'depart');
    await seen('/v1/inventory/transfer', '429');
    await setFaults([{ route: 'POST /v1/inventory/transfer', rate5xx: 1, status5xx: 503 }]);
    await seen('/v1/inventory/transfer', '5xx');
    // The arrival times out once.
    await setFaults([{ route: 'PUT /v1/manifest/{id}/stop/{stopnumber}/arrive', rateTimeout: 1, timeoutMs: 3_000 }]);
    await step('distributor', id, 'arrive');
    await seen('/v1/manifest/{id}/stop/{stopnumber}/arrive', 'timeout');
    await clearFaults();

    const done = await eventually(() => allSucceeded(id, 3), 30_000, 'three delivered submissions');
    expect(done.map((s) => s.step)).toEqual(['manifest', 'ship', 'arrive']);

    // One manifest and one shipment at the state, whatever was dropped or retried.
    const state = await emulatorState();
    const manifests = (state['manifests'] as { ExternalID?: string; ManifestID?: string }[]).filter((m) => m.ExternalID?.startsWith(id));
    const shipments = (state['inventoryTransfers'] as { ExternalID?: string }[]).filter((t) => t.ExternalID?.startsWith(id));
    expect(manifests).toHaveLength(1);
    expect(shipments).toHaveLength(1);
    const transfer = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body;
    expect((transfer['stateIds'] as { manifestId: string }).manifestId).toBe(manifests[0]?.ManifestID);
  });

  it('parks a submission in the DLQ after the last attempt, says so, and a redrive delivers it once', async () => {
    await setFaults([{ route: 'POST /v1/invoice', rate5xx: 1, status5xx: 503 }]);
    const tags = await freshInventory('distributor', 1);
    const id = await draftTo('processor', tags);
    await step('distributor', id, 'manifest');
    const [dead] = await settled(id, (s) => s[0]?.status === 'dead-lettered', 'a dead-lettered submission');
    expect(dead?.lastError?.code).toBe('SERVER_ERROR');
    expect(dead?.attempts).toBe(stateSubmissionsQueue.deadLetter.maxReceiveCount);

    await clearFaults();
    const redrive = () =>
      fetch(`${inject('hub').urls.api}/ops/state-submissions/redrive`, { method: 'POST', headers: { authorization: `Bearer ${inject('hub').operatorToken}` } });
    const moved = await eventually(async () => {
      const answer = (await (await redrive()).json()) as { moved: number };
      return answer.moved > 0 ? answer.moved : undefined;
    }, 20_000, 'the message in the DLQ');
    // Other suites running meanwhile may have dead-lettered messages of their own.
    expect(moved).toBeGreaterThanOrEqual(1);
    const [delivered] = await settled(id, (s) => s[0]?.status === 'succeeded', 'the redriven submission');
    const invoices = ((await emulatorState())['invoices'] as { ExternalID?: string }[]).filter((i) => i.ExternalID?.startsWith(id));
    expect(invoices).toHaveLength(1);
    expect(delivered?.attempts).toBe(stateSubmissionsQueue.deadLetter.maxReceiveCount + 1);
    expect(demoTenant('distributor').integrated).toBe(true);
  });

  it('does nothing for a redriven submission that has already succeeded', async () => {
    const tags = await freshInventory('distributor', 1);
    const id = await draftTo('processor', tags);
    await step('distributor', id, 'manifest');
    const [delivered] = await eventually(() => allSucceeded(id, 1), 20_000, 'the delivered manifest');
    const before = (await calls()).filter((c) => c.externalId?.startsWith(id)).length;

    // The same message again, as if it had been dead-lettered: the redrive puts it back on the queue.
    const { env, urls, operatorToken } = inject('hub');
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: urls.sqs, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: env[stateSubmissionsQueue.deadLetter.env],
        MessageBody: JSON.stringify({ submissionId: delivered?.id, transferId: id }),
        MessageGroupId: id,
        MessageDeduplicationId: `${delivered?.id ?? ''}.again`,
      }),
    );
    const redriven = (await (await fetch(`${urls.api}/ops/state-submissions/redrive`, { method: 'POST', headers: { authorization: `Bearer ${operatorToken}` } })).json()) as { moved: number };
    expect(redriven.moved).toBeGreaterThanOrEqual(1);
    await eventually(async () => ((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: env[stateSubmissionsQueue.env], AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes?.['ApproximateNumberOfMessages'] === '0' ? true : undefined), 20_000, 'the queue to drain');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [after] = await submissions('distributor', id);
    expect(after).toMatchObject({ status: 'succeeded', attempts: delivered?.attempts });
    expect((await calls()).filter((c) => c.externalId?.startsWith(id)).length).toBe(before);
    sqs.destroy();
  });

  it('refuses the redrive endpoint without the operator token', async () => {
    const answer = await fetch(`${inject('hub').urls.api}/ops/state-submissions/redrive`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(answer.status).toBe(403);
  });
});
