/**
 * The state's manifest id on the hub's paper: once the NY-API has recorded a manifest, the hub
 * issues version 2 of it that prints the state's id, so what the driver prints and what an
 * inspector verifies name it. Nothing more is reported to the state for it.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pageTexts } from '../../support/pdf-inspect.ts';
import { call, draftTo, step, submissions } from '../../support/lifecycle.ts';
import { calls, callsOf, eventually, freshInventory } from '../../support/nyapi.ts';

interface Download {
  readonly url: string;
  readonly manifestNumber: string;
  readonly version: number;
  readonly current: boolean;
  readonly sha256: string;
}

interface Twin {
  readonly version: number;
  readonly stateManifestId?: string;
  readonly supersedes?: { readonly version: number };
  readonly verificationUrl: string;
}

const pdfOf = async (download: Download) => new Uint8Array(await (await fetch(download.url)).arrayBuffer());

describe('a manifest the state system numbered', { timeout: 120_000 }, () => {
  it('gets version 2 carrying the state’s manifest id, printed, verifiable, and reported to the state once', async () => {
    const tags = await freshInventory('distributor', 2);
    const id = await draftTo('processor', tags);
    const manifested = await step('distributor', id, 'manifest');
    const number = (manifested['manifest'] as { number: string }).number;

    // Version 2 comes with the state's verdict (the manifest answer shows it when the verdict comes within its wait).
    const download = await eventually(
      async () => {
        const answer = await call('distributor', 'GET', `/v1/transfers/${id}/manifest`);
        return answer.status === 200 && (answer.body as unknown as Download).version === 2 ? (answer.body as unknown as Download) : undefined;
      },
      30_000,
      'version 2 of the manifest',
    );
    const seen = await call('distributor', 'GET', `/v1/transfers/${id}`);
    const transfer = seen.body;
    const stateManifestId = (transfer['stateSystem'] as { stateManifestId?: string }).stateManifestId ?? '';
    expect(stateManifestId).toMatch(/^\d{16}$/);
    expect(download).toMatchObject({ manifestNumber: number, version: 2, current: true });
    expect(transfer['status']).toBe('MANIFESTED');
    expect(transfer['manifest']).toMatchObject({ number, version: 2, stateManifestNumber: stateManifestId, onlyAddsStateNumber: true });
    expect(transfer['stateManifestNumber']).toBe(stateManifestId);

    // The JSON twin of version 2 names the state's id; version 1 stays as issued, without it.
    const twin = (await call('distributor', 'GET', `/v1/transfers/${id}/manifest.json`)).body as unknown as Twin;
    expect(twin).toMatchObject({ version: 2, stateManifestId, supersedes: { version: 1 } });
    const first = (await call('processor', 'GET', `/v1/transfers/${id}/manifest.json?version=1`)).body as unknown as Twin;
    expect(first.version).toBe(1);
    expect(first.stateManifestId).toBeUndefined();

    // The PDF of version 2 prints it, and is the file the hub vouches for.
    const pdf = await pdfOf(download);
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(download.sha256);
    const [page] = await pageTexts(pdf);
    expect(page).toContain('State manifest ID');
    expect(page).toContain(stateManifestId);
    expect(page).toContain('2 (replaces version 1)');
    const firstDownload = (await call('distributor', 'GET', `/v1/transfers/${id}/manifest?version=1`)).body as unknown as Download;
    expect((await pageTexts(await pdfOf(firstDownload))).join(' ')).not.toContain(stateManifestId);

    // The verification page of version 2 vouches for that copy and shows the state's id.
    const verified = (await (await fetch(twin.verificationUrl, { headers: { accept: 'application/json' } })).json()) as Record<string, unknown>;
    expect(verified).toMatchObject({ manifestNumber: number, version: 2, hash: { result: 'current', version: 2 }, stateManifestId, stateSystem: { status: 'recorded' } });
    const html = await (await fetch(twin.verificationUrl, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain(`Genuine: this copy is the current version (2) of manifest ${number}.`);
    expect(html).toContain(stateManifestId);
    // A copy of version 1, printed before the state's number came in, is as good: it is not outdated.
    const firstVerified = (await (await fetch(first.verificationUrl, { headers: { accept: 'application/json' } })).json()) as Record<string, unknown>;
    expect(firstVerified).toMatchObject({ version: 2, hash: { result: 'current', version: 1, newerPrint: { version: 2, stateManifestId } } });
    const firstHtml = await (await fetch(first.verificationUrl, { headers: { accept: 'text/html' } })).text();
    expect(firstHtml).toContain(
      `Genuine: this copy (version 1) of manifest ${number} is current. A newer print, version 2, only adds the state system's manifest ID (${stateManifestId}); nothing else on it changed.`,
    );
    expect(firstHtml).not.toContain('Outdated');

    // The history says what happened, in plain words; it is no amendment of the shipper's.
    const events = (await call('distributor', 'GET', `/v1/transfers/${id}/events`)).body['items'] as { action: string; summary: string }[];
    expect(events.map((e) => e.action)).toEqual(['create', 'manifest', 'record-state-manifest-number']);
    expect(events[2]?.summary).toBe(`The state system recorded manifest ${number} as ${stateManifestId}; version 2 carries its number`);

    // The state heard of the manifest once: the new version owes it nothing.
    expect((await submissions('distributor', id)).map((s) => `${s.step} ${s.status}`)).toEqual(['manifest succeeded']);
    const writes = callsOf(await calls(), id).filter((c) => c.method !== 'GET');
    expect(writes.map((c) => `${c.method} ${c.route}`)).toEqual(['POST /v1/invoice', 'POST /v1/manifest']);

    // The trip goes on from version 2, which stays the current one.
    const departed = await call('distributor', 'POST', `/v1/transfers/${id}/depart`, undefined, { 'if-match': seen.headers.get('etag') ?? '' });
    expect(departed.status, JSON.stringify(departed.body)).toBe(200);
    expect(departed.body['status']).toBe('IN_TRANSIT');
    await eventually(async () => ((await submissions('distributor', id)).every((s) => s.status === 'succeeded') ? true : undefined), 30_000, 'the shipment reported');
    const after = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body;
    expect(after['manifest']).toMatchObject({ version: 2, stateManifestNumber: stateManifestId });
    expect(((await call('distributor', 'GET', `/v1/transfers/${id}/events`)).body['items'] as { action: string }[]).map((e) => e.action)).toEqual([
      'create',
      'manifest',
      'record-state-manifest-number',
      'depart',
    ]);
  });
});
