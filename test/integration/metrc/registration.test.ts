/**
 * A New York distributor's manifest through Metrc, over HTTP through the local hub and its Metrc
 * emulator, with the reconciler running on its local schedule: the manifest pushes a template and
 * the transfer waits for a person to register it; once a person registers it in Metrc (the
 * emulator's `ui/register`), the hub sees it, settles the step, and shows Metrc's manifest number
 * on the transfer and on a new manifest version; and a registration nobody makes by the estimated
 * departure shows as overdue.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { metrcSystem } from '#shared/state-system/capabilities.ts';
import { createConnectionStore } from '#shared/state-system/connections.ts';
import { tokenCipherFrom } from '#shared/state-system/wiring.ts';
import { eventually } from '../../support/nyapi.ts';
import { metrcHubWorld } from './hub-world.ts';
import type { MetrcHubWorld } from './hub-world.ts';

const config = readConfig();
const connections = createConnectionStore(createAwsClients(config).dynamodb, hubTable.name, tokenCipherFrom(config));

interface Submission {
  readonly step: string;
  readonly status: string;
  readonly attempts: number;
  readonly awaitingPerson?: { readonly instruction: string; readonly resultKey: string; readonly deadline: string; readonly overdue: boolean };
}
interface StateSystemView {
  readonly status: string;
  readonly instruction?: string;
  readonly deadline?: string;
  readonly overdue?: boolean;
  readonly stateManifestId?: string;
}

/** The world's license connected as an admin connects it, so the reconciler reads it back. */
async function connected(w: MetrcHubWorld): Promise<void> {
  const me = await w.call('GET', '/v1/me');
  const licenseeId = (me.body['licensee'] as { id?: string } | undefined)?.id ?? (me.body['id'] as string);
  const stored = await connections.stateUser(licenseeId, metrcSystem, 'default');
  if (!stored) throw new Error('the world stores a user key');
  await connections.putUserKey(licenseeId, metrcSystem, stored.password, new Date().toISOString());
}

const submissionsOf = async (w: MetrcHubWorld, id: string) => (await w.call('GET', `/v1/transfers/${id}/submissions`)).body['items'] as Submission[];
const stateOf = async (w: MetrcHubWorld, id: string) => (await w.call('GET', `/v1/transfers/${id}`)).body['stateSystem'] as StateSystemView;

describe('a Metrc manifest a person registers', { timeout: 120_000 }, () => {
  it('waits for the person, then shows Metrc’s manifest number and settles the step', async () => {
    const w = await metrcHubWorld([{ n: 1 }, { n: 2 }]);
    await connected(w);
    const id = await w.draft([{ n: 1 }, { n: 2 }]);
    const manifested = await w.manifest(id);
    expect(manifested.status, JSON.stringify(manifested.body)).toBe(200);

    const [awaited] = await eventually(async () => {
      const list = await submissionsOf(w, id);
      return list[0]?.status === 'awaiting-person' ? list : undefined;
    }, 30_000, 'the manifest step waiting for a person');
    const template = awaited?.awaitingPerson?.resultKey ?? '';
    expect(template).toMatch(/^HUB-/);
    expect(awaited?.awaitingPerson?.instruction).toBe(`Register template ${template} in Metrc: Transfers → Templates → Register`);
    expect(await stateOf(w, id)).toMatchObject({ status: 'awaiting-person', overdue: false, instruction: awaited?.awaitingPerson?.instruction });
    // Metrc prints its manifest only once registered.
    const early = await w.call('GET', `/v1/transfers/${id}/state-manifest`);
    expect(early.status).toBe(409);
    expect(early.body['code']).toBe('state-manifest-not-issued');

    const state = (await w.control('GET', '/state')) as { templates: { Id: number; Name: string }[] };
    const templateId = state.templates.find((t) => t.Name === template)?.Id;
    expect(templateId).toBeTypeOf('number');
    const registered = (await w.control('POST', '/ui/register', { templateId })) as Record<string, unknown>;
    const metrcNumber = JSON.stringify(registered).match(/"ManifestNumber":"?(\w+)"?/)?.[1] ?? '';
    expect(metrcNumber).not.toBe('');

    const seen = await eventually(async () => {
      const view = await stateOf(w, id);
      return view.status === 'recorded' ? view : undefined;
    }, 60_000, 'the registration seen by the reconciler');
    expect(seen.stateManifestId).toBe(metrcNumber);
    const [settled] = await submissionsOf(w, id);
    expect(settled).toMatchObject({ step: 'manifest', status: 'succeeded', attempts: awaited?.attempts });
    expect(settled?.awaitingPerson).toBeUndefined();
    const transfer = (await w.call('GET', `/v1/transfers/${id}`)).body;
    expect(transfer['manifest']).toMatchObject({ version: 2, stateManifestNumber: metrcNumber });

    // Metrc's own manifest, beside the hub's: fetched once, then served from the hub's copy.
    const official = await w.call('GET', `/v1/transfers/${id}/state-manifest`);
    expect(official.status, JSON.stringify(official.body)).toBe(200);
    expect(official.body).toMatchObject({ system: metrcSystem, displayName: 'Metrc', stateManifestNumber: metrcNumber, contentType: 'application/pdf' });
    const pdf = Buffer.from(await (await fetch(official.body['url'] as string)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(official.body['sha256']);
    expect(pdf.byteLength).toBe(official.body['bytes']);
    const pdfCalls = async () =>
      ((await w.control('GET', '/calls')) as { calls: { path: string; query: string }[] }).calls.filter((c) => c.path.endsWith('/pdf') && c.query.includes(w.shipperLicense)).length;
    const asked = await pdfCalls();
    expect(asked).toBeGreaterThanOrEqual(1);
    const again = await w.call('GET', `/v1/transfers/${id}/state-manifest`);
    expect(again.body).toMatchObject({ sha256: official.body['sha256'], fetchedAt: official.body['fetchedAt'] });
    expect(await pdfCalls()).toBe(asked);
  });

  it('shows a registration nobody made by the estimated departure as overdue, on the transfer and on /v1/me', async () => {
    const w = await metrcHubWorld([{ n: 1 }]);
    await connected(w);
    const id = await w.draft([{ n: 1 }]);
    // The departure is near: the registration is due by then.
    const draft = (await w.call('GET', `/v1/transfers/${id}`)).body;
    const soon = new Date(Date.now() + 4_000);
    const patched = await w.call('PATCH', `/v1/transfers/${id}`, { estimatedDeparture: soon.toISOString(), estimatedArrival: new Date(soon.getTime() + 3_600_000).toISOString() }, { 'if-match': `"${String(draft['version'])}"` });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await w.manifest(id)).status).toBe(200);

    const overdue = await eventually(async () => {
      const view = await stateOf(w, id);
      return view.status === 'awaiting-person' && view.overdue ? view : undefined;
    }, 30_000, 'the registration overdue');
    expect(Date.parse(overdue.deadline ?? '')).toBe(Date.parse(soon.toISOString()));
    const me = (await w.call('GET', '/v1/me')).body;
    expect((me['stateSystemAttention'] as { overdue: number }).overdue).toBeGreaterThanOrEqual(1);
  });
});
