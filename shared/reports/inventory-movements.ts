/**
 * The routine inventory report licensees keep filing while partners are non-integrated (OCM FAQ
 * 13): every package that left or arrived in a period, for the caller only. The transfer lists are
 * read page by page and each transfer whole, so a year of data never sits in one query; rows are
 * pure functions of a transfer.
 */
import type { RejectionReason, Transfer } from '../domain/transfer/index.ts';
import { newYorkDate, newYorkDateTime } from '../manifests/new-york-time.ts';
import type { Caller } from '../http/caller.ts';
import type { ListedTransfer, ListOptions } from '../transfers/repository.ts';
import type { Page } from '../repositories/paging.ts';

export interface MovementRow {
  /** When the package left (departure) or arrived (arrival), UTC. */
  readonly date: string;
  /** The same instant on a New York calendar and clock: `2026-03-02`, `2026-03-02 09:30:00`. */
  readonly localDate: string;
  readonly localDateTime: string;
  readonly direction: 'out' | 'in';
  readonly counterpartyLicense: string;
  readonly counterpartyName: string;
  readonly manifestNumber: string;
  readonly tag: string;
  readonly product: string;
  readonly category: string;
  readonly batch: string;
  readonly quantity: number;
  readonly unit: string;
  /** `pending` until the receiver answered. */
  readonly outcome: 'accepted' | 'rejected' | 'pending';
  readonly acceptedQuantity?: number;
  readonly rejectReason?: RejectionReason;
  /** The New York day the receiver recorded its receipt. */
  readonly receivedDate?: string;
  readonly transferId: string;
}

export const movementColumns = [
  'date',
  'localDate',
  'localDateTime',
  'direction',
  'counterpartyLicense',
  'counterpartyName',
  'manifestNumber',
  'tag',
  'product',
  'category',
  'batch',
  'quantity',
  'unit',
  'outcome',
  'acceptedQuantity',
  'rejectReason',
  'receivedDate',
  'transferId',
] as const satisfies readonly (keyof MovementRow)[];

const within = (time: string | undefined, from: string, to: string): time is string => time !== undefined && time >= from && time <= to;

/** The rows a transfer gives the caller in [from, to]: its packages leaving (as shipper) and arriving (as receiver). */
export function movementRows(transfer: Transfer, licenseeId: string, from: string, to: string): MovementRow[] {
  const manifest = transfer.manifest;
  if (!manifest) return [];
  const { shipper, receiver } = manifest.parties;
  const answers = new Map((transfer.receipt?.lines ?? []).map((line) => [line.tag, line]));
  const rows = (direction: 'out' | 'in', date: string, counterparty: typeof shipper): MovementRow[] =>
    transfer.content.lines.map((line) => {
      const answer = answers.get(line.tag);
      return {
        date,
        localDate: newYorkDate(date),
        localDateTime: newYorkDateTime(date),
        direction,
        counterpartyLicense: counterparty.licenseNumber,
        counterpartyName: counterparty.legalName,
        manifestNumber: manifest.number,
        tag: line.tag,
        product: line.productName,
        category: line.category,
        batch: line.productionBatch,
        quantity: line.quantity,
        unit: line.unit,
        outcome: answer?.outcome ?? 'pending',
        ...(answer?.outcome === 'accepted' ? { acceptedQuantity: answer.acceptedQuantity } : {}),
        ...(answer?.outcome === 'rejected' ? { rejectReason: answer.reason } : {}),
        ...(answer && transfer.receipt ? { receivedDate: newYorkDate(transfer.receipt.at) } : {}),
        transferId: transfer.id,
      };
    });
  const isShipper = transfer.shipperId === licenseeId;
  const isReceiver = receiver.licenseeId === licenseeId;
  return [
    ...(isShipper && within(transfer.departedAt, from, to) ? rows('out', transfer.departedAt, receiver) : []),
    ...(isReceiver && within(transfer.arrivedAt, from, to) ? rows('in', transfer.arrivedAt, shipper) : []),
  ];
}

export interface ReportDeps {
  readonly transfers: {
    get(id: string): Promise<Transfer | undefined>;
    listOutgoing(shipperId: string, options: ListOptions): Promise<Page<ListedTransfer>>;
    listIncoming(receiverId: string, options: ListOptions): Promise<Page<ListedTransfer>>;
  };
}

/**
 * Lists are keyed by creation (outgoing) and manifest (incoming) time, so the lists are read from
 * this long before the period: a draft left longer before it departs is not in the report.
 */
export const LOOKBACK_DAYS = 92;
const PAGE = 100;
const LOADS_AT_ONCE = 8;

/** Every movement of the caller in [from, to], oldest first. */
export async function inventoryMovements(deps: ReportDeps, caller: Caller, range: { readonly from: string; readonly to: string }): Promise<MovementRow[]> {
  const listedFrom = new Date(Date.parse(range.from) - LOOKBACK_DAYS * 86_400_000).toISOString();
  const candidates = new Set<string>();
  const lists = [
    (options: ListOptions) => deps.transfers.listOutgoing(caller.licenseeId, options),
    (options: ListOptions) => deps.transfers.listIncoming(caller.licenseeId, options),
  ];
  for (const list of lists) {
    let cursor: string | undefined;
    do {
      const page = await list({ from: listedFrom, to: range.to, limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) {
        const summary = item.summary as { departedAt?: string; arrivedAt?: string };
        if (within(summary.departedAt, range.from, range.to) || within(summary.arrivedAt, range.from, range.to)) candidates.add(item.id);
      }
      cursor = page.cursor;
    } while (cursor);
  }
  const ids = [...candidates];
  const rows: MovementRow[] = [];
  for (let i = 0; i < ids.length; i += LOADS_AT_ONCE) {
    const transfers = await Promise.all(ids.slice(i, i + LOADS_AT_ONCE).map((id) => deps.transfers.get(id)));
    for (const transfer of transfers) if (transfer) rows.push(...movementRows(transfer, caller.licenseeId, range.from, range.to));
  }
  return rows.sort((a, b) => a.date.localeCompare(b.date) || a.manifestNumber.localeCompare(b.manifestNumber) || a.tag.localeCompare(b.tag));
}

/** RFC 4180, and a cell that a spreadsheet would take for a formula is quoted with a leading apostrophe. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A UTF-8 byte order mark opens the file: without it Excel reads the bytes as its local code page and "–" or "ñ" garble. */
export function* movementsCsv(rows: Iterable<MovementRow>): Generator<string> {
  yield `\uFEFF${movementColumns.join(',')}\r\n`;
  for (const row of rows) yield `${movementColumns.map((column) => csvCell(row[column])).join(',')}\r\n`;
}
