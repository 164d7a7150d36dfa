import { describe, expect, it } from 'vitest';
import type { TransferLine } from '#shared/domain/transfer/index.ts';
import { MAX_PHOTOS, MAX_SIGNATURE_BYTES, acceptingTheRest, fieldOf, lineOfField, readForm, readIntent, receiptFromForm, signaturePng } from '#shared/receipt-links/form.ts';
import type { ReceiptForm } from '#shared/receipt-links/form.ts';

import { biotrackTag, line, metrcTag } from '../domain/fixtures.ts';

const shipped: readonly TransferLine[] = [
  line(),
  line({ tag: metrcTag(2), productName: 'Sour Diesel bulk', unit: 'g', quantity: 100, netWeight: undefined, grossWeight: undefined }),
];

type FormLine = ReceiptForm['lines'][number];
const answer = (overrides: Partial<FormLine> = {}): FormLine => ({ quantity: '', confirm: false, reason: '', note: '', ...overrides });
const form = (lines: readonly FormLine[], overrides: Partial<Omit<ReceiptForm, 'lines'>> = {}): ReceiptForm => ({
  lines,
  name: 'Sam Lee',
  title: 'Inventory manager',
  signature: '',
  photos: [],
  ...overrides,
});
const encode = (fields: readonly (readonly [string, string])[]) => new URLSearchParams(fields.map(([k, v]): [string, string] => [k, v])).toString();

const problemsOf = (result: ReturnType<typeof receiptFromForm>) => {
  if (!('problems' in result)) return expect.fail(`Expected problems, got ${JSON.stringify(result)}`);
  return result.problems;
};
const bodyOf = (result: ReturnType<typeof receiptFromForm>) => {
  if (!('body' in result)) return expect.fail(`Expected a body, got ${JSON.stringify(result)}`);
  return result.body;
};

describe('readIntent and acceptingTheRest', () => {
  it('reads the button pressed; a post naming none records the receipt', () => {
    expect(readIntent('intent=review')).toBe('review');
    expect(readIntent('intent=accept-rest')).toBe('accept-rest');
    expect(readIntent('intent=edit')).toBe('edit');
    expect(readIntent('name=x')).toBe('submit');
    expect(readIntent('intent=delete')).toBe('submit');
  });

  it('accepts only the packages not yet decided, when asked', () => {
    const read = acceptingTheRest(form([answer({ choice: 'reject', reason: 'damaged' }), answer(), answer({ choice: 'adjust', quantity: '9' })]));
    expect(read.lines.map((l) => l.choice)).toEqual(['reject', 'accept', 'adjust']);
  });

  it('names the line and tag of a line field', () => {
    expect(lineOfField('line-1-reason', shipped)).toEqual({ number: 2, tag: metrcTag(2) });
    expect(lineOfField('name', shipped)).toBeUndefined();
  });
});

describe('readForm', () => {
  it('reads each line’s choice, quantity, confirmation, reason and note, trimmed', () => {
    const body = encode([
      ['line-0-outcome', 'adjust'],
      ['line-0-quantity', ' 23 '],
      ['line-0-confirm', 'yes'],
      ['line-0-note', '  one jar short '],
      ['line-1-outcome', 'reject'],
      ['line-1-reason', 'damaged'],
      ['name', '  Sam Lee '],
      ['title', 'Inventory manager'],
      ['signature', 'data:image/png;base64,AAAA'],
    ]);

    expect(readForm(body, 2)).toEqual({
      lines: [
        { choice: 'adjust', quantity: '23', confirm: true, reason: '', note: 'one jar short' },
        { choice: 'reject', quantity: '', confirm: false, reason: 'damaged', note: '' },
      ],
      name: 'Sam Lee',
      title: 'Inventory manager',
      signature: 'data:image/png;base64,AAAA',
      photos: [],
    });
  });

  it('has one entry per shipped line, with no choice where none or an unknown one was sent', () => {
    const read = readForm(encode([['line-0-outcome', 'accept'], ['line-1-outcome', 'delete'], ['line-7-outcome', 'accept']]), 3);

    expect(read.lines).toHaveLength(3);
    expect(read.lines[0]?.choice).toBe('accept');
    expect(read.lines[1]).not.toHaveProperty('choice');
    expect(read.lines[2]).toEqual({ quantity: '', confirm: false, reason: '', note: '' });
  });

  it('counts the confirm checkbox only when it says yes', () => {
    const read = readForm(encode([['line-0-confirm', 'yes'], ['line-1-confirm', 'on'], ['line-2-confirm', 'YES']]), 3);

    expect(read.lines.map((l) => l.confirm)).toEqual([true, false, false]);
  });

  it('decodes urlencoded text', () => {
    const read = readForm('name=Jos%C3%A9+P%C3%A9rez&title=Buyer+%26+manager&line-0-note=half+%2B+half', 1);

    expect(read.name).toBe('José Pérez');
    expect(read.title).toBe('Buyer & manager');
    expect(read.lines[0]?.note).toBe('half + half');
  });

  it('lists the photo keys, skipping empty ones, and keeps one more than allowed so too many can be told', () => {
    expect(readForm(encode([['photo', 'a'], ['photo', ' '], ['photo', ' b ']]), 0).photos).toEqual(['a', 'b']);
    const many = Array.from({ length: MAX_PHOTOS + 3 }, (_, i) => ['photo', `p${i}`] as const);
    expect(readForm(encode(many), 0).photos).toEqual(Array.from({ length: MAX_PHOTOS + 1 }, (_, i) => `p${i}`));
  });

  it('reads an empty body as an empty form', () => {
    expect(readForm('', 1)).toEqual({
      lines: [{ quantity: '', confirm: false, reason: '', note: '' }],
      name: '',
      title: '',
      signature: '',
      photos: [],
    });
  });
});

describe('receiptFromForm', () => {
  it('accepts a package at its shipped quantity, whatever was typed', () => {
    const body = bodyOf(receiptFromForm(form([answer({ choice: 'accept', quantity: '3' }), answer({ choice: 'accept' })]), shipped));

    expect(body).toEqual({
      lines: [
        { tag: biotrackTag(1), outcome: 'accepted', acceptedQuantity: 24 },
        { tag: metrcTag(2), outcome: 'accepted', acceptedQuantity: 100 },
      ],
      receivedBy: { name: 'Sam Lee', title: 'Inventory manager' },
    });
  });

  it('adjusts to the typed quantity, with the confirmation as given, and keeps a note', () => {
    const body = bodyOf(
      receiptFromForm(
        form([answer({ choice: 'adjust', quantity: '23', confirm: true, note: 'one jar short' }), answer({ choice: 'adjust', quantity: '100' })]),
        shipped,
      ),
    );

    expect(body.lines).toEqual([
      { tag: biotrackTag(1), outcome: 'accepted', acceptedQuantity: 23, confirmVariance: true, note: 'one jar short' },
      { tag: metrcTag(2), outcome: 'accepted', acceptedQuantity: 100, confirmVariance: false },
    ]);
  });

  it('checks the variance rule in the same round as everything else, in plain words', () => {
    const lines = Array.from({ length: 5 }, (_, n) => line({ tag: biotrackTag(n + 1), quantity: 20 }));
    const result = receiptFromForm(
      form(
        [
          answer({ choice: 'adjust', quantity: '19' }),
          answer({ choice: 'adjust', quantity: '18', confirm: true }),
          answer(),
          answer({ choice: 'reject' }),
          answer({ choice: 'adjust', quantity: '19.5', confirm: true }),
        ],
        { name: '' },
      ),
      lines,
      { enabled: true, threshold: 0.05 },
    );

    expect(problemsOf(result)).toEqual([
      { field: 'line-0-confirm', message: 'You received 19 of 20 each shipped (5% off): tick "I confirm I received a different quantity" to accept it' },
      {
        field: 'line-1-quantity',
        message: 'You received 18 of 20 each shipped (10% off): more than 5% off cannot be accepted. Reject this package, or accept the 20 shipped and tell the shipper about the difference',
      },
      { field: 'line-2-outcome', message: 'Accept or reject this package' },
      { field: 'line-3-reason', message: 'Choose why you reject this package' },
      { field: 'line-4-quantity', message: 'Counted in each: type a whole number' },
      { field: 'name', message: 'Type your name' },
    ]);
    expect(JSON.stringify(result)).not.toContain('confirmVariance');
  });

  it('rejects with the reason and note', () => {
    const body = bodyOf(
      receiptFromForm(form([answer({ choice: 'reject', reason: 'damaged' }), answer({ choice: 'reject', reason: 'other', note: 'Jars arrived open' })]), shipped),
    );

    expect(body.lines).toEqual([
      { tag: biotrackTag(1), outcome: 'rejected', reason: 'damaged' },
      { tag: metrcTag(2), outcome: 'rejected', reason: 'other', note: 'Jars arrived open' },
    ]);
  });

  it('needs a reason for a rejection', () => {
    expect(problemsOf(receiptFromForm(form([answer({ choice: 'accept' }), answer({ choice: 'reject' })]), shipped))).toEqual([
      { field: 'line-1-reason', message: 'Choose why you reject this package' },
    ]);
  });

  it('needs a choice for every line', () => {
    expect(problemsOf(receiptFromForm(form([answer(), answer({ choice: 'accept' })]), shipped))).toEqual([
      { field: 'line-0-outcome', message: 'Accept or reject this package' },
    ]);
    expect(problemsOf(receiptFromForm(form([answer({ choice: 'accept' })]), shipped))).toEqual([
      { field: 'line-1-outcome', message: 'Accept or reject this package' },
    ]);
  });

  it('needs the name and title of who received', () => {
    const lines = [answer({ choice: 'accept' }), answer({ choice: 'accept' })];

    expect(problemsOf(receiptFromForm(form(lines, { name: '', title: '' }), shipped))).toEqual([
      { field: 'name', message: 'Type your name' },
      { field: 'title', message: 'Type your title (e.g. Inventory manager)' },
    ]);
    expect(problemsOf(receiptFromForm(form(lines, { title: '' }), shipped)).map((p) => p.field)).toEqual(['title']);
  });

  it.each(['', 'abc', '9,5', '-3', '1e2', '5.', '.5', ' 5 x'])('refuses the typed quantity %j', (typed) => {
    expect(problemsOf(receiptFromForm(form([answer({ choice: 'adjust', quantity: typed, confirm: true }), answer({ choice: 'accept' })]), shipped))).toEqual([
      { field: 'line-0-quantity', message: 'Type the quantity you received, e.g. 9.5' },
    ]);
  });

  it('reports every form problem at once, in line order then name and title', () => {
    const result = receiptFromForm(form([answer({ choice: 'adjust', quantity: 'x' }), answer({ choice: 'reject' })], { name: '' }), shipped);

    expect(problemsOf(result).map((p) => p.field)).toEqual(['line-0-quantity', 'line-1-reason', 'name']);
  });

  it('points the API schema’s own problems at the form’s fields', () => {
    const other = receiptFromForm(form([answer({ choice: 'accept' }), answer({ choice: 'reject', reason: 'other' })]), shipped);
    expect(problemsOf(other)).toEqual([{ field: 'line-1-note', message: 'Explain the rejection in a note when the reason is other' }]);

    const badReason = receiptFromForm(form([answer({ choice: 'reject', reason: 'smelled-funny' }), answer({ choice: 'accept' })]), shipped);
    expect(problemsOf(badReason).map((p) => p.field)).toEqual(['line-0-reason']);

    const zero = receiptFromForm(form([answer({ choice: 'accept' }), answer({ choice: 'adjust', quantity: '0', confirm: true })]), shipped);
    expect(problemsOf(zero).map((p) => p.field)).toEqual(['line-1-quantity']);

    const tooPrecise = receiptFromForm(form([answer({ choice: 'accept' }), answer({ choice: 'adjust', quantity: '99.1234', confirm: true })]), shipped);
    expect(problemsOf(tooPrecise)).toEqual([{ field: 'line-1-quantity', message: 'At most 3 decimals' }]);

    const longName = receiptFromForm(form([answer({ choice: 'accept' }), answer({ choice: 'accept' })], { name: 'x'.repeat(201) }), shipped);
    expect(problemsOf(longName).map((p) => p.field)).toEqual(['name']);
  });
});

describe('fieldOf', () => {
  it.each([
    ['/lines/0/acceptedQuantity', 'line-0-quantity'],
    ['/lines/3/confirmVariance', 'line-3-confirm'],
    ['/lines/12/reason', 'line-12-reason'],
    ['/lines/1/note', 'line-1-note'],
    ['/lines/2/tag', 'line-2-outcome'],
    ['/lines/2/outcome', 'line-2-outcome'],
    ['/lines/4/somethingElse', 'line-4-outcome'],
    ['/receivedBy/name', 'name'],
    ['/receivedBy/title', 'title'],
    ['/lines', 'form'],
    ['/at', 'form'],
    ['', 'form'],
  ])('shows %j on %j', (pointer, field) => {
    expect(fieldOf(pointer)).toBe(field);
  });
});

describe('signaturePng', () => {
  const PNG_HEADER = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const png = (size: number) => {
    const bytes = Buffer.alloc(size, 7);
    Buffer.from(PNG_HEADER).copy(bytes);
    return bytes;
  };
  const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;

  it('is nothing when no signature was drawn', () => {
    expect(signaturePng('')).toEqual({});
  });

  it('decodes a PNG data URL to its bytes', () => {
    const bytes = png(64);
    const result = signaturePng(dataUrl(bytes));

    if (!('png' in result) || !result.png) return expect.fail(`Expected a PNG, got ${JSON.stringify(result)}`);
    expect(result.png).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(result.png).equals(bytes)).toBe(true);
  });

  it('takes a PNG of exactly the largest size', () => {
    const result = signaturePng(dataUrl(png(MAX_SIGNATURE_BYTES)));
    expect('png' in result && result.png?.length).toBe(MAX_SIGNATURE_BYTES);
  });

  it('refuses another prefix or image type', () => {
    const base64 = png(64).toString('base64');
    for (const url of [`data:image/jpeg;base64,${base64}`, `data:image/png,${base64}`, base64, `DATA:image/png;base64,${base64}`]) {
      expect(signaturePng(url)).toEqual({ problem: 'The signature is not a PNG image' });
    }
  });

  it('refuses bytes that are not a PNG behind the PNG prefix', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    const almost = png(64);
    almost[7] = 0x0b;
    for (const bytes of [jpeg, almost, png(64).subarray(0, 7), Buffer.alloc(0)]) {
      expect(signaturePng(dataUrl(bytes))).toEqual({ problem: 'The signature is not a PNG image' });
    }
  });

  it('refuses a signature larger than the limit', () => {
    expect(signaturePng(dataUrl(png(MAX_SIGNATURE_BYTES + 1)))).toEqual({ problem: 'The signature image is too large' });
  });
});
