import { describe, expect, it } from 'vitest';
import { csvCell, movementRows, movementsCsv } from '#shared/reports/inventory-movements.ts';
import { movementsQuery } from '#shared/reports/representation.ts';
import { RECEIVED_AT, arrived, inTransit, receiptFor, receiveContext, receiverActor, shipperActor } from '../domain/fixtures.ts';
import { receive } from '#shared/domain/transfer/index.ts';
import { expectOk } from '../domain/fixtures.ts';

const year = { from: '2026-01-01T00:00:00.000Z', to: '2026-12-31T23:59:59.999Z' };

describe('inventory movement rows', () => {
  it('gives the shipper its packages leaving at departure, pending until received', () => {
    const transfer = inTransit();
    const rows = movementRows(transfer, shipperActor.licenseeId, year.from, year.to);
    expect(rows).toHaveLength(transfer.content.lines.length);
    expect(rows[0]).toMatchObject({ direction: 'out', date: transfer.departedAt, outcome: 'pending', counterpartyLicense: transfer.manifest?.parties.receiver.licenseNumber });
    expect(movementRows(transfer, receiverActor.licenseeId, year.from, year.to)).toEqual([]);
  });

  it('gives the receiver its packages arriving, with the outcome and accepted quantity of its receipt', () => {
    const transfer = arrived();
    const received = expectOk(receive(transfer, receiptFor(transfer), receiveContext(RECEIVED_AT, { actor: receiverActor }))).transfer;
    const inRows = movementRows(received, receiverActor.licenseeId, year.from, year.to);
    expect(inRows.every((r) => r.direction === 'in' && r.date === received.arrivedAt && r.outcome === 'accepted')).toBe(true);
    expect(inRows[0]?.acceptedQuantity).toBe(received.content.lines[0]?.quantity);
    const outRows = movementRows(received, shipperActor.licenseeId, year.from, year.to);
    expect(outRows.every((r) => r.direction === 'out' && r.outcome === 'accepted')).toBe(true);
  });

  it('leaves out movements outside the period', () => {
    const transfer = arrived();
    expect(movementRows(transfer, shipperActor.licenseeId, '2030-01-01T00:00:00.000Z', '2030-12-31T00:00:00.000Z')).toEqual([]);
  });
});

describe('the CSV', () => {
  it('quotes commas, quotes and line breaks, and defuses what a spreadsheet would run as a formula', () => {
    expect(csvCell('Main St, "Unit 4"')).toBe('"Main St, ""Unit 4"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-12')).toBe("'-12");
    expect(csvCell(-12)).toBe('-12');
    expect(csvCell(undefined)).toBe('');
    const transfer = inTransit();
    const lines = [...movementsCsv(movementRows(transfer, shipperActor.licenseeId, year.from, year.to))];
    expect(lines).toHaveLength(transfer.content.lines.length + 1);
    expect(lines.every((line) => line.endsWith('\r\n'))).toBe(true);
  });
});

describe('the report period', () => {
  it('takes dates as whole New York days (23 and 25 hours long when the clocks change), and refuses a reversed period or more than a year', () => {
    expect(movementsQuery.parse({ from: '2026-03-01', to: '2026-03-01' })).toEqual({ from: '2026-03-01T05:00:00.000Z', to: '2026-03-02T04:59:59.999Z' });
    expect(movementsQuery.parse({ from: '2026-07-04', to: '2026-07-04' })).toEqual({ from: '2026-07-04T04:00:00.000Z', to: '2026-07-05T03:59:59.999Z' });
    expect(movementsQuery.parse({ from: '2026-03-08', to: '2026-03-08' })).toEqual({ from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T03:59:59.999Z' });
    expect(movementsQuery.parse({ from: '2026-11-01', to: '2026-11-01' })).toEqual({ from: '2026-11-01T04:00:00.000Z', to: '2026-11-02T04:59:59.999Z' });
    expect(movementsQuery.parse({ from: '2026-03-01T09:00:00-05:00', to: '2026-03-02', format: 'csv' })).toMatchObject({ from: '2026-03-01T14:00:00.000Z', format: 'csv' });
    expect(movementsQuery.safeParse({ from: '2026-03-02', to: '2026-03-01' }).success).toBe(false);
    expect(movementsQuery.safeParse({ from: '2025-01-01', to: '2026-03-01' }).success).toBe(false);
    expect(movementsQuery.safeParse({ from: '2025-03-01', to: '2026-03-01' }).success).toBe(true);
  });

  it('says what a valid bound looks like when one is missing or wrong', () => {
    const messages = (query: Record<string, string>) => (movementsQuery.safeParse(query).error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]);
    expect(messages({ to: '2026-03-01' })).toEqual([
      ['from', 'Required: a date such as 2026-01-01 (a whole New York day) or a date-time with an offset such as 2026-01-01T00:00:00-05:00'],
    ]);
    expect(messages({ from: 'yesterday', to: '2026-03-01' })[0]?.[1]).toMatch(/^Not a date or date-time: give a date such as 2026-01-01/);
  });
});

describe('what a spreadsheet shows of a movement', () => {
  const received = () => {
    const transfer = arrived();
    const [first, second] = transfer.content.lines;
    const body = receiptFor(transfer, { [second?.tag ?? '']: { tag: second?.tag ?? '', outcome: 'rejected', reason: 'damaged' } });
    return { transfer: expectOk(receive(transfer, body, receiveContext(RECEIVED_AT, { actor: receiverActor }))).transfer, first, second };
  };

  it('gives New York date and time beside the UTC instant, the category, batch, reject reason and received day', () => {
    const { transfer, first, second } = received();
    const [accepted, rejected] = movementRows(transfer, receiverActor.licenseeId, year.from, year.to);
    // Arrived 2026-03-02T17:30Z: 12:30 in New York (EST).
    expect(transfer.arrivedAt).toBe('2026-03-02T17:30:00.000Z');
    expect(accepted).toMatchObject({ localDate: '2026-03-02', localDateTime: '2026-03-02 12:30:00', category: first?.category, batch: first?.productionBatch, receivedDate: '2026-03-02' });
    expect(accepted?.rejectReason).toBeUndefined();
    expect(rejected).toMatchObject({ tag: second?.tag, outcome: 'rejected', rejectReason: 'damaged', receivedDate: '2026-03-02' });
  });

  it('opens with a UTF-8 byte order mark, so Excel reads "–" and "ñ" as written, and names every column', () => {
    const { transfer } = received();
    const csv = [...movementsCsv(movementRows(transfer, receiverActor.licenseeId, year.from, year.to))].join('');
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, row] = csv.slice(1).split('\r\n');
    expect(header).toBe(
      'date,localDate,localDateTime,direction,counterpartyLicense,counterpartyName,manifestNumber,tag,product,category,batch,quantity,unit,outcome,acceptedQuantity,rejectReason,receivedDate,transferId',
    );
    expect(row).toContain(',2026-03-02,2026-03-02 12:30:00,in,');
  });
});
