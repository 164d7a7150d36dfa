/**
 * The routine inventory report against the local hub: packages that left (shipper) or arrived
 * (receiver) in the period, the caller's own only, as JSON or CSV, and through a short-lived S3
 * link when too large to answer inline.
 */
import { describe, expect, it } from 'vitest';
import { createHandler } from '#functions/reports/handler.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import type { TransferEvent } from '#shared/domain/transfer/index.ts';
import type { Caller } from '#shared/http/caller.ts';
import { exportsBucket, hubTable } from '#shared/resources.ts';
import { createTransferRepository } from '#shared/transfers/repository.ts';
import type { StoredTransfer } from '#shared/transfers/use-cases.ts';
import { createS3ReportExports } from '#shared/reports/exports.ts';
import { call, httpEvent } from '../../support/http-events.ts';
import { directoryOf, draftBody, licensee, registryFor, transfersApi } from '../../support/transfer-world.ts';

const aws = createAwsClients(readConfig());
const transfers = createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, hubTable.name);
const exports = createS3ReportExports(aws.s3, exportsBucket.name);
const report = (inlineLimitBytes = 5 * 1024 * 1024) => createHandler({ transfers, exports, inlineLimitBytes, now: () => new Date() });

const shipper = licensee('DIST', 'Report Distribution LLC');
const receiver = licensee('CAURD', 'Report Dispensary, "Main St"');
const outsider = licensee('PROC', 'Nobody Processing');
const api = transfersApi(directoryOf(shipper, receiver, outsider));

const ask = (caller: Caller, query: Record<string, string>, inline?: number, headers: Record<string, string> = {}) =>
  call(report(inline), httpEvent('GET /v1/reports/inventory-movements', '/v1/reports/inventory-movements', { caller, query, headers }));

interface Row {
  direction: string;
  tag: string;
  outcome: string;
  acceptedQuantity?: number;
  counterpartyName: string;
  manifestNumber: string;
  date: string;
}

async function shippedAndReceived(): Promise<{ id: string; tags: string[] }> {
  const refs = await registryFor(shipper, receiver);
  const body = draftBody(refs, 3);
  const created = await api.create(shipper.caller, body);
  const id = created.body['id'] as string;
  for (const action of ['manifest', 'depart', 'arrive']) expect((await api.action(shipper.caller, id, action)).status).toBe(200);
  const tags = body.lines.map((l) => l.tag);
  const received = await api.action(receiver.caller, id, 'receipt', {
    lines: [
      { tag: tags[0], outcome: 'accepted', acceptedQuantity: 20 },
      { tag: tags[1], outcome: 'accepted', acceptedQuantity: 19, confirmVariance: true },
      { tag: tags[2], outcome: 'rejected', reason: 'damaged' },
    ],
    receivedBy: { name: 'Ana', title: 'Manager' },
  });
  expect(received.status, JSON.stringify(received.body)).toBe(200);
  return { id, tags };
}

/** Today in New York, where the report's days are counted. */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());

describe('GET /v1/reports/inventory-movements', () => {
  it('lists what left for the shipper and what arrived for the receiver, with outcomes, and nothing for anyone else', async () => {
    const { id, tags } = await shippedAndReceived();
    const period = { from: today(), to: today() };

    const out = await ask(shipper.caller, period);
    expect(out.status).toBe(200);
    const outRows = ((out.body as { items: Row[] }).items).filter((r) => r.manifestNumber.startsWith(shipper.profile.licenseNumber));
    expect(outRows.map((r) => [r.direction, r.tag, r.outcome, r.acceptedQuantity])).toEqual(
      [
        ['out', tags[0], 'accepted', 20],
        ['out', tags[1], 'accepted', 19],
        ['out', tags[2], 'rejected', undefined],
      ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
    expect(outRows[0]?.counterpartyName).toBe('Report Dispensary, "Main St"');

    const inRows = ((await ask(receiver.caller, period)).body as { items: (Row & { transferId: string })[] }).items.filter((r) => r.transferId === id);
    expect(inRows.map((r) => r.direction)).toEqual(['in', 'in', 'in']);
    expect(inRows[0]?.counterpartyName).toBe('Report Distribution LLC');

    expect(((await ask(outsider.caller, period)).body as { count: number }).count).toBe(0);
    // A period before it left has nothing.
    expect(((await ask(shipper.caller, { from: '2025-01-01', to: '2025-01-31' })).body as { count: number }).count).toBe(0);
  });

  it('answers CSV (quoted where needed) with format=csv or Accept: text/csv', async () => {
    await shippedAndReceived();
    const csv = await ask(receiver.caller, { from: today(), to: today(), format: 'csv' });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="inventory-movements-/);
    const { text } = csv;
    // A byte order mark first, so Excel reads the file as UTF-8.
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, first] = text.slice(1).split('\r\n');
    expect(header).toBe(
      'date,localDate,localDateTime,direction,counterpartyLicense,counterpartyName,manifestNumber,tag,product,category,batch,quantity,unit,outcome,acceptedQuantity,rejectReason,receivedDate,transferId',
    );
    expect(first).toContain(`,${today()},`);
    expect(first).toContain(',in,');
    const byAccept = await ask(receiver.caller, { from: today(), to: today() }, undefined, { accept: 'text/csv' });
    expect(byAccept.headers['content-type']).toBe('text/csv; charset=utf-8');
  });

  it('sends a report too large to answer inline through a short-lived link to the exports bucket', async () => {
    await shippedAndReceived();
    const answer = await ask(shipper.caller, { from: today(), to: today(), format: 'csv' }, 200);
    expect(answer.status).toBe(303);
    const link = answer.headers['location'] ?? '';
    expect(link).toContain(exportsBucket.name);
    const fetched = await fetch(link);
    expect(fetched.status).toBe(200);
    const bytes = new Uint8Array(await fetched.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 3)).toString('hex')).toBe('efbbbf');
    expect(new TextDecoder().decode(bytes).startsWith('date,localDate,localDateTime,direction,')).toBe(true);
  });

  it('refuses a reversed period, more than a year, or a bad format, as problem+json', async () => {
    const queries: Record<string, string>[] = [
      { from: '2026-03-02', to: '2026-03-01' },
      { from: '2025-01-01', to: '2026-03-01' },
      { from: '2026-03-01', to: '2026-03-02', format: 'xml' },
      { from: 'yesterday', to: '2026-03-02' },
    ];
    for (const query of queries) {
      const answer = await ask(shipper.caller, query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.headers['content-type']).toBe('application/problem+json');
    }
  });
});
