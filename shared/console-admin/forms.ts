/**
 * The admin pages' forms: the registries' fields (a form field per field of the API's body, read
 * back into that body and checked by the API's own schema), the report's period, and every
 * problem in plain words next to its field. Pure: no I/O.
 */
import type * as z from 'zod';
import { conveyanceTypes } from '../domain/transfer/index.ts';
import type { RegistryRecord } from '../registries/repository.ts';
import { registryBodies } from '../registries/schemas.ts';
import type { RegistryData, RegistryKind } from '../registries/schemas.ts';
import { movementsQuery } from '../reports/representation.ts';

/** One problem, at the form field it belongs to (`form`: no one field's). */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export interface FieldSpec {
  /** The body's path, dotted: `premisesAddress.street`; also the form field's name. */
  readonly name: string;
  readonly label: string;
  readonly input: 'text' | 'email' | 'tel' | 'year' | 'select' | 'check';
  readonly optional?: boolean;
  readonly hint?: string;
  readonly options?: readonly (readonly [string, string])[];
  readonly autocomplete?: string;
  readonly maxLength?: number;
  /** What a new entry's form starts with. */
  readonly initial?: string;
}

/** The registries as the console names them: the path segment, and the words for one and many. */
export const collections = {
  partners: { kind: 'partner', one: 'partner', many: 'Partners' },
  drivers: { kind: 'driver', one: 'driver', many: 'Drivers' },
  vehicles: { kind: 'vehicle', one: 'vehicle', many: 'Vehicles' },
} as const satisfies Record<string, { kind: RegistryKind; one: string; many: string }>;
export type Collection = keyof typeof collections;
export const isCollection = (segment: string): segment is Collection => Object.hasOwn(collections, segment);
export const collectionOf = (kind: RegistryKind): Collection => (kind === 'partner' ? 'partners' : kind === 'driver' ? 'drivers' : 'vehicles');

const conveyanceWords: Readonly<Record<(typeof conveyanceTypes)[number], string>> = {
  car: 'Car',
  van: 'Van',
  truck: 'Truck',
  trailer: 'Trailer',
  motorcycle: 'Motorcycle',
  bicycle: 'Bicycle',
};

export const registryFields: Readonly<Record<RegistryKind, readonly FieldSpec[]>> = {
  partner: [
    { name: 'legalName', label: 'Legal name', input: 'text', maxLength: 200, autocomplete: 'organization' },
    { name: 'dba', label: 'Doing business as', input: 'text', optional: true, maxLength: 200 },
    { name: 'licenseNumber', label: 'OCM license number', input: 'text', hint: 'For example OCM-DIST-24-000114', maxLength: 64 },
    { name: 'licenseType', label: 'License type', input: 'text', optional: true, maxLength: 64 },
    { name: 'premisesAddress.street', label: 'Street', input: 'text', maxLength: 200, autocomplete: 'address-line1' },
    { name: 'premisesAddress.unit', label: 'Unit or suite', input: 'text', optional: true, maxLength: 50, autocomplete: 'address-line2' },
    { name: 'premisesAddress.city', label: 'City', input: 'text', maxLength: 100, autocomplete: 'address-level2' },
    { name: 'premisesAddress.state', label: 'State', input: 'text', hint: 'Two letters, e.g. NY', maxLength: 2, initial: 'NY', autocomplete: 'address-level1' },
    { name: 'premisesAddress.zip', label: 'ZIP code', input: 'text', maxLength: 10, autocomplete: 'postal-code' },
    { name: 'phone', label: 'Phone', input: 'tel', maxLength: 24, autocomplete: 'tel' },
    { name: 'contactName', label: 'Contact person', input: 'text', optional: true, maxLength: 200 },
    { name: 'email', label: 'E-mail', input: 'email', optional: true, maxLength: 254, autocomplete: 'email' },
    { name: 'integrated', label: 'They report to the state system themselves (otherwise they confirm receipt with a link)', input: 'check' },
  ],
  driver: [
    { name: 'name', label: 'Name', input: 'text', maxLength: 200, autocomplete: 'name' },
    { name: 'employeeId', label: 'Employee ID', input: 'text', hint: 'The ID they carry that shows the license they drive for', maxLength: 64 },
    { name: 'driversLicenseNumber', label: 'Driver’s license number', input: 'text', maxLength: 32 },
    { name: 'driversLicenseState', label: 'Driver’s license state', input: 'text', hint: 'Two letters, e.g. NY', maxLength: 2, initial: 'NY' },
    { name: 'phone', label: 'Phone', input: 'tel', maxLength: 24, autocomplete: 'tel' },
    { name: 'email', label: 'E-mail', input: 'email', optional: true, maxLength: 254, autocomplete: 'email' },
  ],
  vehicle: [
    { name: 'conveyance', label: 'Kind of vehicle', input: 'select', options: conveyanceTypes.map((type) => [type, conveyanceWords[type]] as const), initial: 'van' },
    { name: 'make', label: 'Make', input: 'text', maxLength: 64 },
    { name: 'model', label: 'Model', input: 'text', maxLength: 64 },
    { name: 'year', label: 'Year', input: 'year', hint: 'Four digits, e.g. 2022' },
    { name: 'color', label: 'Color', input: 'text', maxLength: 32 },
    { name: 'plate', label: 'Plate', input: 'text', optional: true, hint: 'Needed unless it is a bicycle', maxLength: 10 },
    { name: 'plateState', label: 'Plate state', input: 'text', hint: 'Two letters, e.g. NY', maxLength: 2, initial: 'NY' },
    { name: 'vin', label: 'VIN', input: 'text', optional: true, hint: '17 characters, no I, O or Q', maxLength: 17 },
    { name: 'attestations.gpsFitted', label: 'A GPS tracker is fitted', input: 'check' },
    { name: 'attestations.lockedBox', label: 'Products travel in a locked box', input: 'check' },
    { name: 'attestations.temperatureControl', label: 'The load space is temperature controlled', input: 'check' },
  ],
};

/** What the form shows: each field's text, a checkbox as `on` or empty. */
export type FormValues = Readonly<Record<string, string>>;

export const emptyRegistryForm = (kind: RegistryKind): FormValues =>
  Object.fromEntries(registryFields[kind].map((spec) => [spec.name, spec.initial ?? '']));

export function readRegistryForm(kind: RegistryKind, params: URLSearchParams): FormValues {
  return Object.fromEntries(registryFields[kind].map((spec) => [spec.name, spec.input === 'check' ? (params.get(spec.name) ? 'on' : '') : (params.get(spec.name) ?? '').slice(0, 1000)]));
}

function valueAt(data: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), data);
}

/** A record's data as its edit form shows it. */
export function formOfRecord(record: RegistryRecord): FormValues {
  return Object.fromEntries(
    registryFields[record.kind].map((spec) => {
      const value = valueAt(record.data, spec.name);
      if (spec.input === 'check') return [spec.name, value === true ? 'on' : ''];
      return [spec.name, typeof value === 'string' || typeof value === 'number' ? String(value) : ''];
    }),
  );
}

/** The API body the form stands for: empty optional fields left out, nested paths nested, the year a number. */
function bodyOf(kind: RegistryKind, form: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const spec of registryFields[kind]) {
    const raw = form[spec.name] ?? '';
    let value: unknown;
    if (spec.input === 'check') value = raw === 'on';
    else if (raw.trim() === '') continue;
    else if (spec.input === 'year') value = /^\s*\d{1,4}\s*$/.test(raw) ? Number(raw) : raw;
    else if (spec.name.endsWith('State') || spec.name.endsWith('.state')) value = raw.trim().toUpperCase();
    else value = raw;
    const path = spec.name.split('.');
    let at = body;
    for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[path.at(-1) ?? spec.name] = value;
  }
  return body;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** The schema's word for a field, in plain words: no field names, no types. */
function plainMessage(spec: FieldSpec | undefined, issue: z.core.$ZodIssue): string {
  const what = spec ? lowerFirst(spec.label) : 'this';
  switch (issue.code) {
    case 'invalid_type':
      if (spec?.input === 'year') return 'Type the year as four digits, e.g. 2022';
      return spec?.input === 'select' ? `Choose the ${what}` : `Enter the ${what}`;
    case 'too_small':
      if (spec?.input === 'year') return 'Give a year from 1950 to 2100';
      return `Enter the ${what}`;
    case 'too_big':
      if (spec?.input === 'year') return 'Give a year from 1950 to 2100';
      return `Use at most ${String(issue.maximum)} characters`;
    case 'invalid_value':
      return `Choose the ${what} from the list`;
    case 'invalid_format':
      if (issue.format === 'email') return 'Enter an e-mail address such as name@example.com';
      return issue.message;
    case 'unrecognized_keys':
      return 'The form had fields the hub does not know; reload the page';
    default:
      return issue.message;
  }
}

/** The body the API's schema accepts for this form, or every problem at its field (the first one each). */
export function registryBodyFromForm<K extends RegistryKind>(kind: K, form: FormValues): { readonly body: RegistryData[K] } | { readonly problems: FieldProblem[] } {
  const parsed = registryBodies[kind].safeParse(bodyOf(kind, form));
  if (parsed.success) return { body: parsed.data as RegistryData[K] };
  const specs = registryFields[kind];
  const problems: FieldProblem[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.');
    const spec = specs.find((candidate) => candidate.name === path);
    const field = spec ? spec.name : 'form';
    if (!problems.some((problem) => problem.field === field)) problems.push({ field, message: plainMessage(spec, issue) });
  }
  return { problems };
}

/** The use-cases' refusals that point into the body (`/premisesAddress/zip`), at their fields. */
export function pointedFieldProblems(kind: RegistryKind, errors: readonly { readonly pointer: string; readonly message: string }[]): FieldProblem[] {
  const names = registryFields[kind].map((spec) => spec.name);
  return errors.map((error) => {
    const name = error.pointer.split('/').filter(Boolean).join('.');
    return { field: names.includes(name) ? name : 'form', message: error.message };
  });
}

/** The report's form: a first and last New York day, and the file's format. */
export interface ReportForm {
  readonly from: string;
  readonly to: string;
  readonly format: 'csv' | 'json';
}

export const readReportForm = (params: URLSearchParams): ReportForm => ({
  from: (params.get('from') ?? '').trim().slice(0, 40),
  to: (params.get('to') ?? '').trim().slice(0, 40),
  format: params.get('format') === 'json' ? 'json' : 'csv',
});

/** The period the API's own query schema resolves (New York days), or the problems at `from` and `to`. */
export function reportQueryFromForm(form: ReportForm): { readonly query: { from: string; to: string; format: 'csv' | 'json' } } | { readonly problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (!form.from) problems.push({ field: 'from', message: 'Choose the first day of the period' });
  if (!form.to) problems.push({ field: 'to', message: 'Choose the last day of the period' });
  if (problems.length) return { problems };
  const parsed = movementsQuery.safeParse({ from: form.from, to: form.to, format: form.format });
  if (parsed.success) return { query: { from: parsed.data.from, to: parsed.data.to, format: form.format } };
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] === 'from' ? 'from' : 'to';
    if (problems.some((problem) => problem.field === field)) continue;
    const message =
      issue.code === 'custom' && issue.message.startsWith('to must not')
        ? 'The last day is before the first day'
        : issue.code === 'custom'
          ? issue.message.replace('per report', 'in one report')
          : 'Choose a date, e.g. 2026-01-31';
    problems.push({ field, message });
  }
  return { problems };
}
