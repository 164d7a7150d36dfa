/**
 * Manifest PDFs end to end on the local stack: rendered when issued, stored in s3rver under a key
 * per version, handed out by presigned link, amended into new versions without touching the old,
 * repaired after a lost upload, and verified on the public page the QR code opens.
 */
import { createHash } from 'node:crypto';
import { inject, describe, expect, it } from 'vitest';
import { manifestObjectKey } from '#shared/manifests/store.ts';
import type { ManifestStore } from '#shared/manifests/store.ts';
import { directoryOf, draftBody, licensee, manifestFiles, registryFor, transfersApi } from '../../support/transfer-world.ts';
import type { Licensee } from '../../support/transfer-world.ts';

// Not integrated: the verification page vouches for what the hub issued, with nothing owed to a state system.
const distributor = licensee('DIST', 'Hudson Distribution LLC', { stateSystem: 'none' });
const dispensary = licensee('CAURD', 'Peña & Zoë Dispensary of Łódź Street');
const outsider = licensee('PROC', 'Elsewhere Processing');
const directory = directoryOf(distributor, dispensary, outsider);
const api = transfersApi(directory);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const etag = (reply: { headers: Record<string, string> }) => ({ 'if-match': reply.headers['etag'] ?? '' });

interface ManifestRecord {
  number: string;
  version: number;
  contentHash: string;
  file: { sha256: string; bytes: number };
}

async function manifestedTransfer(shipper: Licensee = distributor, lines = 3, target = api) {
  const refs = await registryFor(shipper, dispensary);
  const created = await target.create(shipper.caller, draftBody(refs, lines));
  const id = created.body['id'] as string;
  const manifested = await target.action(shipper.caller, id, 'manifest');
  expect(manifested.status).toBe(200);
  return { id, refs, manifested, manifest: manifested.body['manifest'] as ManifestRecord };
}

async function download(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  return new Uint8Array(await response.arrayBuffer());
}

describe('manifest PDFs', () => {
  it('renders the PDF when manifesting, keeps its hash and size, and hands it to the parties by a short-lived link', async () => {
    const { id, manifest } = await manifestedTransfer();
    expect(manifest.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.file.bytes).toBeGreaterThan(1000);

    for (const party of [distributor, dispensary]) {
      const link = await api.manifestPdf(party.caller, id);
      expect(link.status).toBe(200);
      expect(link.headers['cache-control']).toBe('no-store');
      expect(link.body).toMatchObject({ manifestNumber: manifest.number, version: 1, current: true, contentType: 'application/pdf', ...manifest.file });
      expect(Date.parse(link.body['expiresAt'] as string) - Date.now()).toBeLessThanOrEqual(300_000);
      const pdf = await download(link.body['url'] as string);
      expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
      expect(sha256(pdf)).toBe(manifest.file.sha256);
      expect(pdf.byteLength).toBe(manifest.file.bytes);
    }
    expect(await manifestFiles.store.exists(manifestObjectKey(distributor.profile.id, id, 1))).toBe(true);
    expect((await api.manifestPdf(outsider.caller, id)).status).toBe(404);
  });

  it('has the PDF stored, as recorded, by the time the manifest is answered: before anyone can ask for it', async () => {
    // A bucket slow to take the file: an upload left running past the answer would not be done yet.
    const store: ManifestStore = {
      ...manifestFiles.store,
      put: async (...args) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        await manifestFiles.store.put(...args);
      },
    };
    const { id, manifest } = await manifestedTransfer(distributor, 3, transfersApi(directory, undefined, { ...manifestFiles, store }));
    // Straight at the bucket, not through the download (which would render a missing one again).
    const stored = await manifestFiles.store.describe(manifestObjectKey(distributor.profile.id, id, 1));
    expect(stored).toMatchObject({ sha256: manifest.file.sha256, bytes: manifest.file.bytes });
  });

  it('redirects a browser straight to the PDF', async () => {
    const { id, manifest } = await manifestedTransfer();
    const reply = await api.manifestPdf(distributor.caller, id, {}, { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    expect(reply.status).toBe(302);
    const pdf = await download(reply.headers['location'] ?? '');
    expect(sha256(pdf)).toBe(manifest.file.sha256);
    // Software asking for anything gets the link as JSON.
    expect((await api.manifestPdf(distributor.caller, id, {}, { accept: '*/*' })).status).toBe(200);
  });

  it('has no manifest before manifesting, and refuses a bad version', async () => {
    const refs = await registryFor(distributor, dispensary);
    const id = (await api.create(distributor.caller, draftBody(refs, 1))).body['id'] as string;
    const none = await api.manifestPdf(distributor.caller, id);
    expect(none.status).toBe(404);
    expect(none.headers['content-type']).toBe('application/problem+json');
    expect((await api.manifestJson(distributor.caller, id)).status).toBe(404);

    const { id: manifestedId } = await manifestedTransfer();
    expect((await api.manifestPdf(distributor.caller, manifestedId, { version: '2' })).status).toBe(404);
    expect((await api.manifestPdf(distributor.caller, manifestedId, { version: 'first' })).status).toBe(400);
    expect((await api.manifestJson(distributor.caller, manifestedId, { version: '0' })).status).toBe(400);
  });

  it('publishes the same manifest as JSON for partner software', async () => {
    const { id, manifest, manifested } = await manifestedTransfer(distributor, 2);
    const reply = await api.manifestJson(dispensary.caller, id);
    expect(reply.status).toBe(200);
    const document = reply.body;
    expect(document).toMatchObject({
      format: 'ny-transfer-hub.manifest/1',
      manifestNumber: manifest.number,
      version: 1,
      transferId: id,
      contentHash: manifest.contentHash,
      shortHash: manifest.contentHash.slice(0, 16),
      current: true,
      pdf: manifest.file,
      receiver: { legalName: dispensary.profile.legalName, licenseNumber: dispensary.profile.licenseNumber, integrated: true },
      transporter: null,
      drivers: [{ name: 'Zoë Peña', employeeId: 'E-104' }],
    });
    expect(document['verificationUrl']).toBe(`${inject('hub').urls.api}/verify/${manifest.number}?h=${manifest.contentHash.slice(0, 16)}`);
    const lines = document['lines'] as { lineNumber: number; tag: string }[];
    const shipped = (manifested.body['content'] as { lines: { tag: string }[] }).lines;
    expect(lines.map((l) => [l.lineNumber, l.tag])).toEqual(shipped.map((l, i) => [i + 1, l.tag]));
  });
});

describe('manifest amendments', () => {
  it('issues a new version as a new object and keeps every earlier one retrievable', async () => {
    const { id, manifest, manifested, refs } = await manifestedTransfer();
    const newDriver = await registryFor(distributor, dispensary);

    expect((await api.action(distributor.caller, id, 'amend', { driverIds: [newDriver.driverId] })).status).toBe(428);
    expect((await api.action(distributor.caller, id, 'amend', { driverIds: [newDriver.driverId] }, { 'if-match': '"1"' })).status).toBe(412);
    expect((await api.action(dispensary.caller, id, 'amend', { plannedRoute: 'x' }, etag(manifested))).status).toBe(403);
    expect((await api.action(distributor.caller, id, 'amend', { lines: [] }, etag(manifested))).status).toBe(422);

    const amended = await api.action(distributor.caller, id, 'amend', { plannedRoute: 'Taconic State Pkwy S', vehicleId: refs.vehicleId }, etag(manifested));
    expect(amended.status).toBe(200);
    const v2 = amended.body['manifest'] as ManifestRecord;
    expect(v2).toMatchObject({ number: manifest.number, version: 2 });
    expect(v2.file.sha256).not.toBe(manifest.file.sha256);
    expect((amended.body['manifestHistory'] as { manifest: ManifestRecord }[]).map((v) => v.manifest)).toEqual([manifest]);

    const current = await api.manifestPdf(dispensary.caller, id);
    expect(current.body).toMatchObject({ version: 2, current: true, sha256: v2.file.sha256 });
    const first = await api.manifestPdf(dispensary.caller, id, { version: '1' });
    expect(first.body).toMatchObject({ version: 1, current: false, sha256: manifest.file.sha256 });
    expect(sha256(await download(first.body['url'] as string))).toBe(manifest.file.sha256);
    expect(sha256(await download(current.body['url'] as string))).toBe(v2.file.sha256);

    const oldJson = await api.manifestJson(dispensary.caller, id, { version: '1' });
    expect(oldJson.body['timing']).toMatchObject({ plannedRoute: 'I-87 S to exit 9' });
    const newJson = await api.manifestJson(dispensary.caller, id);
    expect(newJson.body).toMatchObject({ version: 2, supersedes: { version: 1, contentHash: manifest.contentHash }, timing: { plannedRoute: 'Taconic State Pkwy S' } });

    const events = await api.events(distributor.caller, id);
    expect((events.body['items'] as { action: string }[]).map((e) => e.action)).toEqual(['create', 'manifest', 'amend']);

    // Once the shipment has left, the manifest it carries is final.
    const departed = await api.action(distributor.caller, id, 'depart', undefined, etag(amended));
    expect((await api.action(distributor.caller, id, 'amend', { plannedRoute: 'x' }, etag(departed))).status).toBe(409);
  });
});

describe('a PDF lost between the commit and the upload', () => {
  it('is rendered again on first download, byte for byte what the transfer recorded', async () => {
    const failingStore: ManifestStore = {
      ...manifestFiles.store,
      put: () => Promise.reject(new Error('s3 unreachable')),
    };
    const crashing = transfersApi(directory, undefined, { ...manifestFiles, store: failingStore });
    const { id, manifest } = await manifestedTransfer(distributor, 2, crashing);
    const key = manifestObjectKey(distributor.profile.id, id, 1);
    expect(await manifestFiles.store.exists(key)).toBe(false);

    const link = await api.manifestPdf(dispensary.caller, id);
    expect(link.status).toBe(200);
    expect(await manifestFiles.store.exists(key)).toBe(true);
    expect(sha256(await download(link.body['url'] as string))).toBe(manifest.file.sha256);
  });
});

describe('the public verification page', () => {
  const base = () => inject('hub').urls.api;
  const verify = (number: string, query = '', accept = 'application/json') => fetch(`${base()}/verify/${number}${query}`, { headers: { accept } });

  it('vouches for a current copy, flags a superseded or altered one, and tells prices to no one', async () => {
    const { id, manifest, manifested } = await manifestedTransfer(distributor, 4);
    const short = manifest.contentHash.slice(0, 16);

    const page = await verify(manifest.number, `?h=${short}`, 'text/html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('Genuine');
    expect(html).toContain('Hudson Distribution LLC');
    expect(html).toContain('Peña &amp; Zoë Dispensary of Łódź Street');
    expect(html).not.toContain('18.5');

    // The copy's code opens what an inspector needs to match the truck and its crew.
    expect(html).toContain('<dt>Vehicle plate</dt><dd>HXT4410 (NY)</dd>');
    expect(html).toContain('<dt>Driver</dt><dd>Zoë Peña</dd>');

    const json = (await (await verify(manifest.number, `?h=${short.toUpperCase()}`)).json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      manifestNumber: manifest.number,
      status: 'MANIFESTED',
      version: 1,
      packageCount: 4,
      shipper: { name: 'Hudson Distribution LLC', licenseNumber: distributor.profile.licenseNumber },
      receiver: { name: dispensary.profile.legalName },
      vehicle: { conveyance: 'van', plate: 'HXT4410', plateState: 'NY' },
      drivers: [{ name: 'Zoë Peña' }],
      hash: { result: 'current', version: 1 },
    });
    expect(JSON.stringify(json)).not.toMatch(/unitPrice|quantity|18\.5/);

    // The SHA-256 of the PDF file itself is accepted too.
    expect(((await (await verify(manifest.number, `?h=${manifest.file.sha256}`)).json()) as { hash: unknown }).hash).toEqual({ result: 'current', version: 1 });

    // Without the copy's code, or with a wrong one, only that the number exists: no tracker for strangers.
    const stranger = { manifestNumber: manifest.number };
    expect(await (await verify(manifest.number, '?h=0000000000000000')).json()).toEqual({ ...stranger, hash: { result: 'mismatch' } });
    expect(await (await verify(manifest.number)).json()).toEqual({ ...stranger, hash: { result: 'not-given' } });
    const bare = await verify(manifest.number, '', 'text/html');
    expect(bare.status).toBe(200);
    const bareHtml = await bare.text();
    expect(bareHtml).toContain('Scan the QR code on the copy you hold');
    expect(bareHtml).not.toMatch(/Hudson|Peña|HXT4410|Manifested|<dl>/);

    await api.action(distributor.caller, id, 'amend', { plannedRoute: 'Route 9W' }, etag(manifested));
    const superseded = (await (await verify(manifest.number, `?h=${short}`)).json()) as Record<string, unknown>;
    expect(superseded).toMatchObject({ version: 2, hash: { result: 'superseded', version: 1 } });
    expect(await (await verify(manifest.number, `?h=${short}`, 'text/html')).text()).toContain('Outdated copy');
  });

  it('says plainly when no such manifest exists, and refuses a malformed hash (as a page in a browser)', async () => {
    const unknown = await verify('OCM-DIST-24-999999-M999999', '', 'text/html');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No such manifest');
    const unknownJson = await verify('OCM-DIST-24-999999-M999999');
    expect(unknownJson.status).toBe(404);
    expect(unknownJson.headers.get('content-type')).toBe('application/problem+json');
    expect((await verify('not a number!', '', 'text/html')).status).toBe(404);

    const { manifest } = await manifestedTransfer();
    const bad = await verify(manifest.number, '?h=<script>');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    // A browser with a cut-off link gets a page that says what to do.
    const badPage = await verify(manifest.number, '?h=12ab', 'text/html,application/xhtml+xml');
    expect(badPage.status).toBe(400);
    expect(badPage.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await badPage.text()).toContain('Scan the QR code on the copy you hold again');
  });
});
