/**
 * The receipt form as the page posts it (application/x-www-form-urlencoded, so it works without
 * JavaScript) turned into the API's receipt body, and problems pointed back at the form's fields.
 * Per line `line-<i>-outcome` is `accept` (the shipped quantity), `adjust` (another quantity, with
 * `line-<i>-confirm`) or `reject` (with `line-<i>-reason` and an optional `line-<i>-note`).
 */
import * as z from 'zod';
import { defaultTransferRules, jsonPointer, receiptBody } from '../domain/transfer/index.ts';
import type { FieldProblem, ReceiptBody, TransferLine, TransferRules } from '../domain/transfer/index.ts';
import { formatPercent, quantityProblem, variance } from '../domain/transfer/quantities.ts';

export const MAX_PHOTOS = 6;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const photoTypes = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic' } as const;
/** A drawn signature is a small PNG; this is ample for a phone's canvas. */
export const MAX_SIGNATURE_BYTES = 300 * 1024;

export type LineChoice = 'accept' | 'adjust' | 'reject';

/** What the receiver typed, kept to show the form again with its problems. */
export interface ReceiptForm {
  readonly lines: readonly {
    readonly choice?: LineChoice;
    readonly quantity: string;
    readonly confirm: boolean;
    readonly reason: string;
    readonly note: string;
  }[];
  readonly name: string;
  readonly title: string;
  /** A `data:image/png;base64,` URL from the signature pad, or empty. */
  readonly signature: string;
  readonly photos: readonly string[];
}

/** A form problem: the field it belongs to (an element id on the page) and what to say. */
export interface FormProblem {
  readonly field: string;
  readonly message: string;
}

const choices: readonly string[] = ['accept', 'adjust', 'reject'];

export function readForm(body: string, lineCount: number): ReceiptForm {
  const params = new URLSearchParams(body);
  const value = (name: string) => (params.get(name) ?? '').trim();
  return {
    lines: Array.from({ length: lineCount }, (_, i) => {
      const choice = value(`line-${i}-outcome`);
      return {
        ...(choices.includes(choice) ? { choice: choice as LineChoice } : {}),
        quantity: value(`line-${i}-quantity`),
        confirm: params.get(`line-${i}-confirm`) === 'yes',
        reason: value(`line-${i}-reason`),
        note: value(`line-${i}-note`),
      };
    }),
    name: value('name'),
    title: value('title'),
    signature: value('signature'),
    photos: params.getAll('photo').map((key) => key.trim()).filter(Boolean).slice(0, MAX_PHOTOS + 1),
  };
}

/** Where a pointer into the receipt body shows on the form. */
export function fieldOf(pointer: string): string {
  const line = /^\/lines\/(\d+)\/(\w+)/.exec(pointer);
  if (line) {
    const part = { acceptedQuantity: 'quantity', confirmVariance: 'confirm', reason: 'reason', note: 'note', tag: 'outcome', outcome: 'outcome' }[line[2] ?? ''] ?? 'outcome';
    return `line-${line[1] ?? '0'}-${part}`;
  }
  if (pointer.startsWith('/receivedBy/name')) return 'name';
  if (pointer.startsWith('/receivedBy/title')) return 'title';
  return 'form';
}

const decimal = (text: string) => (/^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN);

/** What the receiver pressed: look over the answers, record them, change them, or accept every package not yet decided. */
export type FormIntent = 'review' | 'submit' | 'edit' | 'accept-rest';
const intents: readonly string[] = ['review', 'submit', 'edit', 'accept-rest'];

/** The button the form was posted with; a post that names none (a script, an older page) records the receipt. */
export function readIntent(body: string): FormIntent {
  const intent = new URLSearchParams(body).get('intent') ?? '';
  return intents.includes(intent) ? (intent as FormIntent) : 'submit';
}

/** Every package not yet decided, accepted at its shipped quantity: only when the receiver asks for it. */
export const acceptingTheRest = (form: ReceiptForm): ReceiptForm => ({ ...form, lines: form.lines.map((line) => (line.choice ? line : { ...line, choice: 'accept' })) });

/** The API schema's words for a field, in the form's: a person never sees a JSON name. */
const plainSchemaMessage = (field: string, message: string) => (/^line-\d+-outcome$/.test(field) ? 'Accept or reject this package' : message);

/** A quantity the variance rule refuses, in the receiver's words, at its field: the domain checks the same again on submit. */
function varianceProblem(line: TransferLine, i: number, received: number, confirmed: boolean, rule: TransferRules['receivingVariance']): FormProblem | undefined {
  const off = variance(line.quantity, received, rule.threshold);
  if (!off.differs) return undefined;
  const got = `You received ${received} of ${line.quantity} ${line.unit} shipped (${formatPercent(off.fraction)} off)`;
  if (rule.enabled && !off.withinThreshold) {
    return {
      field: `line-${i}-quantity`,
      message: `${got}: more than ${formatPercent(rule.threshold)} off cannot be accepted. Reject this package, or accept the ${line.quantity} shipped and tell the shipper about the difference`,
    };
  }
  return confirmed ? undefined : { field: `line-${i}-confirm`, message: `${got}: tick "I confirm I received a different quantity" to accept it` };
}

/**
 * The receipt body the form stands for, validated by the API's own schema, or the problems: all of
 * them in one round, each at its field, in line order then name and title. Lines are answered in
 * the order of the manifest; each names its package by the shipped tag.
 */
export function receiptFromForm(
  form: ReceiptForm,
  shipped: readonly TransferLine[],
  rule: TransferRules['receivingVariance'] = defaultTransferRules.receivingVariance,
): { readonly body: ReceiptBody } | { readonly problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const lineSchema = receiptBody.shape.lines.element;
  const lines = shipped.map((line, i) => {
    const answer = form.lines[i];
    const note = answer?.note ? { note: answer.note } : {};
    const before = problems.length;
    let body: Record<string, unknown> | undefined;
    switch (answer?.choice) {
      case 'accept':
        body = { tag: line.tag, outcome: 'accepted', acceptedQuantity: line.quantity, ...note };
        break;
      case 'adjust': {
        const quantity = decimal(answer.quantity);
        if (Number.isNaN(quantity)) problems.push({ field: `line-${i}-quantity`, message: 'Type the quantity you received, e.g. 9.5' });
        body = { tag: line.tag, outcome: 'accepted', acceptedQuantity: quantity, confirmVariance: answer.confirm, ...note };
        break;
      }
      case 'reject':
        if (!answer.reason) problems.push({ field: `line-${i}-reason`, message: 'Choose why you reject this package' });
        body = { tag: line.tag, outcome: 'rejected', reason: answer.reason, ...note };
        break;
      default:
        problems.push({ field: `line-${i}-outcome`, message: 'Accept or reject this package' });
    }
    if (body && problems.length === before) {
      const parsed = lineSchema.safeParse(body);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = fieldOf(jsonPointer(['lines', i, ...issue.path]));
          if (!problems.some((p) => p.field === field)) problems.push({ field, message: plainSchemaMessage(field, issue.message) });
        }
      } else if (parsed.data.outcome === 'accepted' && answer?.choice === 'adjust') {
        const problem = quantityProblem(parsed.data.acceptedQuantity, line.unit)
          ? { field: `line-${i}-quantity`, message: `Counted in ${line.unit}: type a whole number` }
          : varianceProblem(line, i, parsed.data.acceptedQuantity, answer.confirm, rule);
        if (problem) problems.push(problem);
      }
    }
    return body;
  });
  if (!form.name) problems.push({ field: 'name', message: 'Type your name' });
  if (!form.title) problems.push({ field: 'title', message: 'Type your title (e.g. Inventory manager)' });
  if (problems.length > 0) return { problems };
  const parsed = receiptBody.safeParse({ lines, receivedBy: { name: form.name, title: form.title } });
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((issue) => ({ field: fieldOf(jsonPointer(issue.path)), message: issue.message })) };
  }
  return { body: parsed.data };
}

/** A line's field (`line-3-reason`) as the receiver finds it: "Package 4 (tag 7100…)". */
export function lineOfField(field: string, shipped: readonly TransferLine[]): { readonly number: number; readonly tag: string } | undefined {
  const index = /^line-(\d+)-/.exec(field)?.[1];
  const line = index === undefined ? undefined : shipped[Number(index)];
  return line && index !== undefined ? { number: Number(index) + 1, tag: line.tag } : undefined;
}

/** The domain's refusals, on the form. */
export const formProblems = (problems: readonly FieldProblem[]): FormProblem[] =>
  problems.map((problem) => ({
    field: fieldOf(problem.pointer),
    message: problem.code === 'variance-unconfirmed' ? 'Tick "I confirm I received a different quantity" to accept it' : problem.message,
  }));

/** The PNG of a signature pad's data URL, or why it is not one. */
export function signaturePng(dataUrl: string): { readonly png?: Uint8Array } | { readonly problem: string } {
  if (!dataUrl) return {};
  const prefix = 'data:image/png;base64,';
  if (!dataUrl.startsWith(prefix)) return { problem: 'The signature is not a PNG image' };
  const png = Buffer.from(dataUrl.slice(prefix.length), 'base64');
  if (png.length > MAX_SIGNATURE_BYTES) return { problem: 'The signature image is too large' };
  if (png.length < 8 || png.readUInt32BE(0) !== 0x89504e47 || png.readUInt32BE(4) !== 0x0d0a1a0a) return { problem: 'The signature is not a PNG image' };
  return { png: new Uint8Array(png) };
}

export const photoRequest = z.strictObject({
  contentType: z.enum(Object.keys(photoTypes) as [keyof typeof photoTypes, ...(keyof typeof photoTypes)[]]),
  bytes: z.int().min(1).max(MAX_PHOTO_BYTES, { message: `A photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB` }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'The SHA-256 of the photo, in hex' }),
});
export type PhotoRequest = z.output<typeof photoRequest>;
