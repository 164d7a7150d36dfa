/**
 * The new-transfer form as a browser posts it (application/x-www-form-urlencoded, so it works
 * without JavaScript) turned into the API's draft body, and the API's problem pointers turned back
 * into the form's fields (`/lines/3/quantity` → `line-3-quantity`). Lines come from typing, from a
 * scanner (it types a tag and Enter into the scan field), from a pasted list of tags (one a line,
 * filled with the "new lines" values), or picked from the state system's packages. Pure.
 */
import type * as z from 'zod';
import { createTransferBody, jsonPointer, units, updateTransferBody } from '../domain/transfer/index.ts';
import type { CreateTransferBody, labTestStatuses, requestableTransferTypes, UpdateTransferBody } from '../domain/transfer/index.ts';
import { formatNewYorkTime, newYorkDateTime } from '../manifests/new-york-time.ts';
import type { StatePackage } from '../state-system/port.ts';
import type { StoredTransfer } from '../transfers/use-cases.ts';

/** What a person typed in one line, as text: kept to show the form again with its problems. */
export interface LineForm {
  readonly tag: string;
  readonly productName: string;
  readonly category: string;
  readonly productionBatch: string;
  readonly quantity: string;
  readonly unit: string;
  readonly unitPrice: string;
  readonly labTestStatus: string;
  readonly finishedGoods: boolean;
  readonly sample: boolean;
}

export interface DraftForm {
  readonly type: string;
  readonly receiverPartnerId: string;
  /** The carrier from the partners; empty: the shipper carries the goods itself. */
  readonly transporterPartnerId: string;
  readonly driverIds: readonly string[];
  readonly vehicleId: string;
  /** New York wall-clock times, as `<input type="datetime-local">` gives them: `2026-03-02T09:30`. */
  readonly estimatedDeparture: string;
  readonly estimatedArrival: string;
  readonly plannedRoute: string;
  /** Comma- or line-separated. */
  readonly invoiceNumbers: string;
  readonly taxPaid: boolean;
  readonly lines: readonly LineForm[];
  /** The values a pasted, scanned or picked tag's new line starts with. */
  readonly defaults: Omit<LineForm, 'tag'>;
  /** Tags waiting to be added: the paste box, the scan field, the picked packages. */
  readonly pasted: string;
  readonly scanned: string;
  readonly picked: readonly string[];
  /** The package search box of the state system's list. */
  readonly find: string;
}

export interface FormProblem {
  /** The element id of the field (the summary links to it). */
  readonly field: string;
  readonly message: string;
}

/** What the person pressed: add the waiting tags (also Enter in any field), search the packages, save the draft, or manifest it. */
export type DraftIntent = 'add' | 'find' | 'save' | 'manifest';
const intents: readonly string[] = ['add', 'find', 'save', 'manifest'];

export const MAX_LINES = 1000;

const emptyLine: Omit<LineForm, 'tag'> = {
  productName: '',
  category: '',
  productionBatch: '',
  quantity: '',
  unit: 'each',
  unitPrice: '',
  labTestStatus: 'passed',
  finishedGoods: true,
  sample: false,
};

export const emptyDraftForm = (): DraftForm => ({
  type: 'wholesale',
  receiverPartnerId: '',
  transporterPartnerId: '',
  driverIds: [],
  vehicleId: '',
  estimatedDeparture: '',
  estimatedArrival: '',
  plannedRoute: '',
  invoiceNumbers: '',
  taxPaid: true,
  lines: [],
  defaults: emptyLine,
  pasted: '',
  scanned: '',
  picked: [],
  find: '',
});

export function readIntent(params: URLSearchParams): DraftIntent {
  const intent = params.get('intent') ?? '';
  return intents.includes(intent) ? (intent as DraftIntent) : 'add';
}

function readLine(params: URLSearchParams, prefix: string): Omit<LineForm, 'tag'> {
  const value = (name: string) => (params.get(`${prefix}${name}`) ?? '').trim();
  return {
    productName: value('productName'),
    category: value('category'),
    productionBatch: value('productionBatch'),
    quantity: value('quantity'),
    unit: value('unit'),
    unitPrice: value('unitPrice'),
    labTestStatus: value('labTestStatus'),
    finishedGoods: params.get(`${prefix}finishedGoods`) === 'yes',
    sample: params.get(`${prefix}sample`) === 'yes',
  };
}

/** The posted form; lines ticked "remove" are left out, so the rest are numbered as the body will number them. */
export function readDraftForm(params: URLSearchParams): DraftForm {
  const value = (name: string) => (params.get(name) ?? '').trim();
  const count = Math.min(MAX_LINES, Math.max(0, Number.parseInt(value('lines'), 10) || 0));
  const lines: LineForm[] = [];
  for (let i = 0; i < count; i++) {
    if (params.get(`line-${i}-remove`) === 'yes') continue;
    lines.push({ tag: value(`line-${i}-tag`).toUpperCase(), ...readLine(params, `line-${i}-`) });
  }
  return {
    type: value('type'),
    receiverPartnerId: value('receiverPartnerId'),
    transporterPartnerId: value('transporterPartnerId'),
    driverIds: params.getAll('driverIds').map((id) => id.trim()).filter(Boolean),
    vehicleId: value('vehicleId'),
    estimatedDeparture: value('estimatedDeparture'),
    estimatedArrival: value('estimatedArrival'),
    plannedRoute: value('plannedRoute'),
    invoiceNumbers: value('invoiceNumbers'),
    taxPaid: params.get('taxPaid') === 'yes',
    lines,
    defaults: readLine(params, 'new-'),
    pasted: params.get('pasted') ?? '',
    scanned: value('scanned'),
    picked: params.getAll('picked').map((tag) => tag.trim()).filter(Boolean),
    find: value('find'),
  };
}

/** The tags waiting to be added, in order, each once: pasted (one a line, or separated by spaces or commas), scanned, picked. */
export function waitingTags(form: DraftForm): string[] {
  const all = [...form.pasted.split(/[\s,;]+/), form.scanned, ...form.picked].map((tag) => tag.trim().toUpperCase()).filter(Boolean);
  return [...new Set(all)];
}

/** A state system's unit name as the hub's, when it is one of them. */
const hubUnit = (unit: string): string => ((units as readonly string[]).includes(unit) ? unit : '');
const hubLab = (lab: StatePackage['labTest']): string => (lab === 'passed' || lab === 'failed' || lab === 'pending' ? lab : '');

export interface Added {
  readonly form: DraftForm;
  readonly added: number;
  /** Tags already on the list, not added twice. */
  readonly repeated: readonly string[];
}

/**
 * The waiting tags as new lines: each starts with the "new lines" values, and where the state
 * system knows the package, with its product, category, quantity, unit and lab test.
 */
export function addTags(form: DraftForm, known: ReadonlyMap<string, StatePackage>): Added {
  const present = new Set(form.lines.map((line) => line.tag));
  const repeated: string[] = [];
  const lines = [...form.lines];
  for (const tag of waitingTags(form)) {
    if (present.has(tag)) {
      repeated.push(tag);
      continue;
    }
    if (lines.length >= MAX_LINES) break;
    present.add(tag);
    const pkg = known.get(tag);
    lines.push({
      ...form.defaults,
      tag,
      ...(pkg
        ? {
            productName: pkg.productName,
            ...(pkg.category ? { category: pkg.category } : {}),
            quantity: String(pkg.quantity),
            ...(hubUnit(pkg.unit) ? { unit: hubUnit(pkg.unit) } : {}),
            ...(hubLab(pkg.labTest) ? { labTestStatus: hubLab(pkg.labTest) } : {}),
            finishedGoods: pkg.finishedGood,
          }
        : {}),
    });
  }
  return { form: { ...form, lines, pasted: '', scanned: '', picked: [] }, added: lines.length - form.lines.length, repeated };
}

/** `2026-03-02T09:30` in New York as an ISO-8601 instant with its offset (EST or EDT, whichever is in force then). */
export function newYorkLocalToIso(local: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const offsetAt = (instant: number) => {
    const o = /UTC([+-])(\d{2}):(\d{2})/.exec(formatNewYorkTime(new Date(instant).toISOString()));
    return o ? (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) : 0;
  };
  const offset = offsetAt(wall - offsetAt(wall) * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const mm = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local}:00${sign}${hh}:${mm}`;
}

/** An instant as the datetime-local field shows it, in New York. */
export const isoToNewYorkLocal = (iso: string | undefined): string => (iso ? newYorkDateTime(iso).replace(' ', 'T').slice(0, 16) : '');

/** A draft as the form shows it. */
export function formOfDraft(transfer: StoredTransfer): DraftForm {
  const c = transfer.content;
  return {
    ...emptyDraftForm(),
    type: c.type,
    receiverPartnerId: c.receiverPartnerId,
    transporterPartnerId: c.transporterPartnerId ?? '',
    driverIds: c.driverIds ?? [],
    vehicleId: c.vehicleId ?? '',
    estimatedDeparture: isoToNewYorkLocal(c.estimatedDeparture),
    estimatedArrival: isoToNewYorkLocal(c.estimatedArrival),
    plannedRoute: c.plannedRoute ?? '',
    invoiceNumbers: (c.invoiceNumbers ?? []).join(', '),
    taxPaid: c.taxPayer === undefined || c.taxPayer.taxPaid === true,
    lines: c.lines.map((line) => ({
      tag: line.tag,
      productName: line.productName,
      category: line.category,
      productionBatch: line.productionBatch,
      quantity: String(line.quantity),
      unit: line.unit,
      unitPrice: line.unitPrice === undefined ? '' : String(line.unitPrice),
      labTestStatus: line.labTestStatus,
      finishedGoods: line.finishedGoods,
      sample: line.sample,
    })),
  };
}

/** Where a pointer into the draft body shows on the form. */
export function fieldOf(pointer: string): string {
  const line = /^\/lines\/(\d+)(?:\/(\w+))?/.exec(pointer);
  if (line) {
    const part = line[2] ?? 'tag';
    const known = ['tag', 'productName', 'category', 'productionBatch', 'quantity', 'unit', 'unitPrice', 'labTestStatus'];
    return `line-${line[1] ?? '0'}-${known.includes(part) ? part : 'tag'}`;
  }
  if (pointer === '/lines' || pointer === '') return pointer === '' ? 'form' : 'pasted';
  if (pointer.startsWith('/driverIds')) return 'driverIds';
  if (pointer.startsWith('/taxPayer')) return 'taxPaid';
  const top = /^\/(\w+)/.exec(pointer)?.[1] ?? '';
  return ['type', 'receiverPartnerId', 'transporterPartnerId', 'vehicleId', 'estimatedDeparture', 'estimatedArrival', 'plannedRoute', 'invoiceNumbers'].includes(top) ? top : 'form';
}

/** The words for a field left empty, in a clerk's terms. */
const emptyWords: Readonly<Record<string, string>> = {
  tag: 'Type or scan the package tag',
  productName: 'Type the product name',
  category: 'Type the category, e.g. pre-roll',
  productionBatch: 'Type the production batch',
  quantity: 'Type the quantity, e.g. 10',
  unit: 'Choose the unit',
  unitPrice: 'Type the price per unit in dollars, e.g. 4.50',
  labTestStatus: 'Choose the lab test status',
  type: 'Choose the kind of transfer',
  receiverPartnerId: 'Choose who receives the shipment',
};

const partOf = (field: string) => /^line-\d+-(\w+)$/.exec(field)?.[1] ?? field;

/** The schema's message for a field, in the clerk's words: no JSON names, no types. */
function plainMessage(field: string, issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' || (issue.code === 'invalid_value' && partOf(field) !== 'type')) return emptyWords[partOf(field)] ?? 'Fill this in';
  return issue.message;
}

const decimal = (text: string) => (/^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN);

/** The API body's lines and fields the form stands for, its numbers checked here with the clerk's words. */
function bodyOf(form: DraftForm, problems: FormProblem[]): Record<string, unknown> {
  const invoices = form.invoiceNumbers.split(/[,\n]+/).map((n) => n.trim()).filter(Boolean);
  const time = (field: 'estimatedDeparture' | 'estimatedArrival') => {
    if (!form[field]) return undefined;
    const iso = newYorkLocalToIso(form[field]);
    if (!iso) problems.push({ field, message: 'Choose a date and time' });
    return iso;
  };
  const departure = time('estimatedDeparture');
  const arrival = time('estimatedArrival');
  const lines = form.lines.map((line, i) => {
    const number = (part: 'quantity' | 'unitPrice', text: string) => {
      if (!text) return undefined;
      const value = decimal(text);
      if (Number.isNaN(value)) problems.push({ field: `line-${i}-${part}`, message: part === 'quantity' ? 'Type a number, e.g. 10 or 3.5' : 'Type dollars and cents, e.g. 4.50' });
      return value;
    };
    const quantity = number('quantity', line.quantity);
    const unitPrice = number('unitPrice', line.unitPrice);
    return {
      tag: line.tag,
      ...(line.productName ? { productName: line.productName } : {}),
      ...(line.category ? { category: line.category } : {}),
      ...(line.productionBatch ? { productionBatch: line.productionBatch } : {}),
      ...(quantity === undefined ? {} : { quantity }),
      ...(line.unit ? { unit: line.unit } : {}),
      ...(unitPrice === undefined ? {} : { unitPrice }),
      ...(line.labTestStatus ? { labTestStatus: line.labTestStatus } : {}),
      finishedGoods: line.finishedGoods,
      sample: line.sample,
    };
  });
  return {
    type: form.type,
    ...(form.receiverPartnerId ? { receiverPartnerId: form.receiverPartnerId } : {}),
    ...(form.transporterPartnerId ? { transporterPartnerId: form.transporterPartnerId } : {}),
    ...(invoices.length ? { invoiceNumbers: invoices } : {}),
    ...(form.taxPaid ? { taxPayer: { taxPaid: true } } : {}),
    ...(form.driverIds.length ? { driverIds: form.driverIds } : {}),
    ...(form.vehicleId ? { vehicleId: form.vehicleId } : {}),
    ...(departure ? { estimatedDeparture: departure } : {}),
    ...(arrival ? { estimatedArrival: arrival } : {}),
    ...(form.plannedRoute ? { plannedRoute: form.plannedRoute } : {}),
    lines,
  };
}

function issuesToProblems(issues: readonly z.core.$ZodIssue[], problems: FormProblem[]): void {
  for (const issue of issues) {
    const field = fieldOf(jsonPointer(issue.path));
    if (field === 'pasted' && issue.code === 'too_small') {
      problems.push({ field, message: 'Add at least one package: paste, scan or type its tag' });
    } else if (!problems.some((p) => p.field === field)) {
      problems.push({ field, message: plainMessage(field, issue) });
    }
  }
}

/** The body of a new draft, validated by the API's own schema, or every problem at its field. */
export function createBodyFromForm(form: DraftForm): { readonly body: CreateTransferBody } | { readonly problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const body = bodyOf(form, problems);
  const parsed = createTransferBody.safeParse(body);
  if (!parsed.success) issuesToProblems(parsed.error.issues, problems);
  if (problems.length > 0 || !parsed.success) return { problems };
  return { body: parsed.data };
}

/** The draft replaced by what the form shows: every field sent, an emptied one cleared; a return stays a return. */
export function patchFromForm(form: DraftForm): { readonly body: UpdateTransferBody } | { readonly problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const { type, ...rest } = bodyOf(form, problems);
  // A draft always has its receiver: the patch could only leave it as it was, unlike what the form shows.
  if (!form.receiverPartnerId) problems.push({ field: 'receiverPartnerId', message: emptyWords['receiverPartnerId'] ?? 'Choose who receives the shipment' });
  const clearable = ['transporterPartnerId', 'invoiceNumbers', 'taxPayer', 'driverIds', 'vehicleId', 'estimatedDeparture', 'estimatedArrival', 'plannedRoute'] as const;
  const patch = {
    ...Object.fromEntries(clearable.map((field) => [field, null])),
    ...rest,
    ...(type === 'return' ? {} : { type }),
  };
  const parsed = updateTransferBody.safeParse(patch);
  if (!parsed.success) issuesToProblems(parsed.error.issues, problems);
  if (problems.length > 0 || !parsed.success) return { problems };
  return { body: parsed.data };
}

/** The use-cases' refusals (pointers into the body), at the form's fields. */
export const pointedProblems = (errors: readonly { readonly pointer: string; readonly message: string }[]): FormProblem[] =>
  errors.map((error) => ({ field: fieldOf(error.pointer), message: error.message }));

export const transferTypeWords: Readonly<Record<(typeof requestableTransferTypes)[number], string>> = {
  wholesale: 'Sale (wholesale)',
  transfer: 'Between our own licenses',
  sample: 'Samples',
};

export const labWords: Readonly<Record<(typeof labTestStatuses)[number], string>> = {
  passed: 'Passed',
  failed: 'Failed',
  pending: 'Pending',
  'not-required': 'Not required',
};
