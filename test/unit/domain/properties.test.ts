/**
 * Property-based tests: hostile input to every request schema, random action sequences to the
 * state machine, random receipts to the receiving rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  allowedActions,
  amend,
  arrive,
  arriveBody,
  createTransferBody,
  depart,
  departBody,
  discard,
  manifest,
  nextStatuses,
  receiptBody,
  receive,
  returnBody,
  returnDraftFrom,
  transferActions,
  transferStatuses,
  units,
  updateDraft,
  updateTransferBody,
  voidBody,
  voidTransfer,
} from '#shared/domain/transfer/index.ts';
import type { Change, ReceiptBody, Result, Transfer, TransferAction, TransferLine } from '#shared/domain/transfer/index.ts';
import {
  RECEIVED_AT,
  arrived,
  biotrackTag,
  context,
  draft,
  draftBody,
  draftContext,
  line,
  manifestContext,
  minutesAfter,
  parties,
  receiptFor,
  receiveContext,
  receiverActor,
} from './fixtures.ts';

const receiptExample: ReceiptBody = {
  lines: [
    { tag: biotrackTag(1), outcome: 'accepted', acceptedQuantity: 23, confirmVariance: true, note: 'One jar short' },
    { tag: biotrackTag(2), outcome: 'rejected', reason: 'other', note: 'Open jars' },
  ],
  receivedBy: { name: 'Sam Lee', title: 'Inventory manager' },
  at: '2026-03-02T13:00:00-05:00',
};

/** Every request schema, with a valid body to mutate. */
const schemas: readonly (readonly [string, z.ZodType, unknown])[] = [
  ['createTransferBody', createTransferBody, draftBody({ layover: { location: 'Newburgh', at: '2026-03-02T11:00:00-05:00' } })],
  ['updateTransferBody', updateTransferBody, { plannedRoute: 'Taconic', transporterPartnerId: null, lines: [line()] }],
  ['departBody', departBody, { at: '2026-03-02T10:00:00-05:00' }],
  ['arriveBody', arriveBody, { at: '2026-03-02T12:00:00-05:00' }],
  ['receiptBody', receiptBody, receiptExample],
  ['voidBody', voidBody, { reason: 'Wrong receiver' }],
  ['returnBody', returnBody, { receiverPartnerId: 'partner-hudson', estimatedDeparture: '2026-03-03T10:00:00Z', estimatedArrival: '2026-03-03T12:00:00Z' }],
];

/** Never throws; either succeeds or fails with issues that each carry a path. */
function expectSafeParse(schema: z.ZodType, input: unknown): void {
  const result = schema.safeParse(input);
  if (result.success) return;
  expect(result.error).toBeInstanceOf(z.ZodError);
  expect(result.error.issues.length).toBeGreaterThan(0);
  for (const issue of result.error.issues) {
    expect(Array.isArray(issue.path)).toBe(true);
    for (const segment of issue.path) expect(['string', 'number']).toContain(typeof segment);
    expect(typeof issue.message).toBe('string');
  }
}

const pollutingKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const fieldNames = ['type', 'receiverPartnerId', 'lines', 'tag', 'quantity', 'unit', 'taxPayer', 'taxPaid', 'at', 'reason', 'outcome', 'acceptedQuantity', 'note', 'driverIds'];

const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-Infinity', '1e999', '0x10', '\u0000', '\u202e\u2066', '\ud800', '𝕏'.repeat(60), '2026-03-02T10:00:00', '2026-02-30T10:00:00Z', '0000000000000001', 'null', '{}'),
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 1, 1e21),
);
const hostileLeaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(), fc.date());

/** Sets a member as data, so that `__proto__` becomes an own key as JSON.parse makes it. */
function defineMember(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; array: unknown[]; object: object }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, hostileLeaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...pollutingKeys, ...fieldNames), fc.string({ maxLength: 10 })), tie('value')), { maxLength: 5 })
    .map((entries) => {
      const target = {};
      for (const [key, value] of entries) defineMember(target, key, value);
      return target;
    }),
})).value;

type Segment = string | number;

/** The path of every member and element in a JSON value. */
function pathsOf(value: unknown, prefix: Segment[] = []): Segment[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [Segment, unknown][] = Array.isArray(value) ? value.map((item, index): [Segment, unknown] => [index, item]) : Object.entries(value);
  return entries.flatMap(([key, member]) => [[...prefix, key], ...pathsOf(member, [...prefix, key])]);
}

const containerAt = (root: unknown, path: readonly Segment[]): Record<Segment, unknown> =>
  path.reduce<unknown>((node, segment) => (node as Record<Segment, unknown>)[segment], root) as Record<Segment, unknown>;

type Mutation = { kind: 'replace' | 'delete'; at: number; value: unknown } | { kind: 'add'; at: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('replace' as const, 'delete' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...pollutingKeys), fc.string({ maxLength: 10 })), value: hostileValue }),
);

/** A copy of a valid body with a few members replaced, removed or added. */
function mutated(valid: unknown, mutations: readonly Mutation[]): unknown {
  const root: unknown = JSON.parse(JSON.stringify(valid));
  for (const change of mutations) {
    const paths = [[], ...pathsOf(root)];
    const path = paths[change.at % paths.length] ?? [];
    if (change.kind === 'add') {
      const node: unknown = containerAt(root, path);
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) defineMember(node, change.key, change.value);
      continue;
    }
    const key = path.at(-1);
    if (key === undefined) continue;
    const parent = containerAt(root, path.slice(0, -1));
    if (change.kind === 'delete') Reflect.deleteProperty(parent, key);
    else defineMember(parent, String(key), change.value);
  }
  return root;
}

/** A copy of a valid body with the member at `path` set to `value`. */
function replacedAt(valid: unknown, path: readonly Segment[], value: unknown): unknown {
  const root: unknown = JSON.parse(JSON.stringify(valid));
  const key = path.at(-1);
  if (key !== undefined) defineMember(containerAt(root, path.slice(0, -1)), String(key), value);
  return root;
}

const nested = (depth: number): unknown => {
  let value: unknown = { lines: [] };
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { lines: value, __proto__: value };
  return value;
};

describe('request schemas under hostile input', () => {
  for (const [name, schema, valid] of schemas) {
    describe(name, () => {
      it('accepts its valid example', () => {
        expect(schema.safeParse(valid).success).toBe(true);
      });

      it('never throws on anything at all', () => {
        fc.assert(
          fc.property(
            fc.oneof(
              hostileValue,
              fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }),
            ),
            (input) => expectSafeParse(schema, input),
          ),
          { numRuns: 300 },
        );
      });

      it('never throws on a valid body with hostile changes deep inside', () => {
        fc.assert(
          fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
            const input = mutated(valid, mutations);
            expectSafeParse(schema, input);
            const result = schema.safeParse(input);
            // Whatever passes is a fixed point: parsing the output again gives the output.
            if (result.success) expect(schema.parse(result.data)).toEqual(result.data);
          }),
          { numRuns: 500 },
        );
      });

      it('refuses prototype-polluting keys without polluting anything', () => {
        for (const key of pollutingKeys) {
          const body: unknown = JSON.parse(JSON.stringify(valid).replace('{', `{"${key}":{"polluted":true},`));
          expectSafeParse(schema, body);
          expect(schema.safeParse(body).success).toBe(false);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });

      it('survives deep nesting and huge strings', () => {
        expectSafeParse(schema, nested(10_000));
        const huge = 'x'.repeat(1024 * 1024);
        for (const path of pathsOf(valid)) expectSafeParse(schema, replacedAt(valid, path, huge));
      });
    });
  }

  it('never throw when any number of a valid body becomes any other number', () => {
    for (const [, schema, valid] of schemas) {
      const numbers = pathsOf(valid).filter((path) => typeof containerAt(valid, path.slice(0, -1))[path.at(-1) ?? ''] === 'number');
      if (numbers.length === 0) continue;
      fc.assert(
        fc.property(fc.nat(), hostileNumber, (at, value) => {
          expectSafeParse(schema, replacedAt(valid, numbers[at % numbers.length] ?? [], value));
        }),
        { numRuns: 300 },
      );
    }
  });

  it('points at a huge string where it is', () => {
    const result = createTransferBody.safeParse(draftBody({ lines: [line({ productName: 'x'.repeat(1024 * 1024) })] }));

    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['lines', 0, 'productName']]);
  });
});

describe('generated drafts', () => {
  const generatedLine = fc
    .record({
      unit: fc.constantFrom(...units),
      thousandths: fc.integer({ min: 1, max: 1_000_000_000 }),
      labTestStatus: fc.constantFrom('passed' as const, 'failed' as const, 'pending' as const, 'not-required' as const),
      finishedGoods: fc.boolean(),
      sample: fc.boolean(),
    })
    .map(({ unit, thousandths, ...flags }) => ({
      unit,
      quantity: unit === 'each' ? Math.ceil(thousandths / 1000) : thousandths / 1000,
      ...flags,
    }));

  const generatedBody = fc.array(generatedLine, { minLength: 1, maxLength: 40 }).map((lines) =>
    draftBody({
      lines: lines.map((fields, index) => line({ ...fields, tag: biotrackTag(index + 1), netWeight: undefined, grossWeight: undefined })),
    }),
  );

  it('pass the schema', () => {
    fc.assert(fc.property(generatedBody, (body) => createTransferBody.safeParse(body).success));
  });

  it('with a repeated tag fail at the later line only', () => {
    fc.assert(
      fc.property(generatedBody, fc.nat(), fc.nat(), (body, a, b) => {
        fc.pre(body.lines.length >= 2);
        const [first, later] = [a % body.lines.length, b % body.lines.length].sort((x, y) => x - y) as [number, number];
        fc.pre(first !== later);
        const lines = body.lines.map((l, index) => (index === later ? { ...l, tag: body.lines[first]?.tag ?? '' } : l));
        const issues = createTransferBody.safeParse({ ...body, lines }).error?.issues ?? [];
        expect(issues.map((issue) => issue.path)).toEqual([['lines', later, 'tag']]);
      }),
    );
  });
});

describe('the state machine under random action sequences', () => {
  const receiptOutcome = fc.constantFrom('all' as const, 'some' as const, 'none' as const);

  /** Performs an action with valid input; a refusal can then only come from the lifecycle. */
  function perform(transfer: Transfer, action: TransferAction, now: Date, outcome: 'all' | 'some' | 'none'): Result<Change> {
    const ctx = context(now);
    switch (action) {
      case 'update':
        return updateDraft(transfer, { plannedRoute: `Route at ${now.toISOString()}` }, { ...draftContext(), now });
      case 'discard':
        return discard(transfer, ctx);
      case 'manifest':
        return manifest(transfer, parties, { ...manifestContext(), now });
      case 'amend':
        return amend(transfer, { plannedRoute: `Detour at ${now.toISOString()}` }, parties, ctx);
      case 'void':
        return voidTransfer(transfer, { reason: 'Changed plans' }, ctx);
      case 'depart':
        return depart(transfer, {}, ctx);
      case 'arrive':
        return arrive(transfer, {}, ctx);
      case 'receive': {
        const answers = Object.fromEntries(
          transfer.content.lines
            .filter((_, index) => outcome === 'none' || (outcome === 'some' && index === 0))
            .map((shipped) => [shipped.tag, { tag: shipped.tag, outcome: 'rejected' as const, reason: 'damaged' as const }]),
        );
        return receive(transfer, receiptFor(transfer, answers), receiveContext(now));
      }
      case 'return': {
        const result = returnDraftFrom(transfer, { receiverPartnerId: 'partner-hudson' }, { ...context(now, { actor: receiverActor }), returnId: `ret-${now.getTime()}` });
        return result.ok ? { ok: true, ...result.original } : result;
      }
    }
  }

  it('keeps every state, refusal, version and event consistent with the lifecycle', () => {
    const steps = fc.array(fc.record({ action: fc.constantFrom(...transferActions), outcome: receiptOutcome }), { maxLength: 40 });

    fc.assert(
      fc.property(steps, (sequence) => {
        let transfer = draft();
        sequence.forEach(({ action, outcome }, index) => {
          // A minute per step: manifesting stays before the estimated departure (NOW + 60 min).
          const now = minutesAfter(index + 1);
          const before = transfer;
          const allowed = allowedActions(before.status);
          const result = perform(before, action, now, outcome);

          if (!allowed.includes(action)) {
            expect(result).toEqual({ ok: false, error: { kind: 'invalid-transition', current: before.status, action, allowed } });
            return;
          }
          // An accepted transfer returns only a named overage; these receipts accept what was shipped.
          if (action === 'return' && before.status === 'ACCEPTED') {
            expect(result).toMatchObject({ ok: false, error: { kind: 'rule-violation', problems: [{ code: 'nothing-to-return' }] } });
            return;
          }
          if (!result.ok) throw new Error(`${action} from ${before.status} refused: ${JSON.stringify(result.error)}`);
          transfer = result.transfer;
          expect(transferStatuses).toContain(transfer.status);
          expect(nextStatuses(before.status, action)).toContain(transfer.status);
          expect(transfer.version).toBe(before.version + 1);
          expect(result.event).toMatchObject({ sequence: transfer.version, action, from: before.status, to: transfer.status });
          expect(transfer.id).toBe(before.id);
        });
        const terminal = ['DISCARDED', 'VOIDED'].includes(transfer.status);
        expect(allowedActions(transfer.status).length === 0).toBe(terminal);
      }),
      { numRuns: 500 },
    );
  });

  it('reaches every state the doc draws', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.record({ action: fc.constantFrom(...transferActions), outcome: receiptOutcome }), { maxLength: 12 }), (sequence) => {
        let transfer = draft();
        sequence.forEach(({ action, outcome }, index) => {
          const result = perform(transfer, action, minutesAfter(index + 1), outcome);
          if (result.ok) transfer = result.transfer;
          reached.add(transfer.status);
        });
      }),
      { numRuns: 3000, seed: 42 },
    );

    expect([...reached].sort()).toEqual([...transferStatuses].sort());
  });
});

describe('receipts under random answers', () => {
  const answer = (shipped: TransferLine) =>
    fc.oneof(
      fc.record({
        tag: fc.constant(shipped.tag),
        outcome: fc.constant('accepted' as const),
        // Around the shipped quantity, in thousandths, 20% either way.
        acceptedQuantity: fc.integer({ min: -200, max: 200 }).map((permille) => Math.max(0.001, Math.round(shipped.quantity * (1000 + permille)) / 1000)),
        confirmVariance: fc.boolean(),
      }),
      fc.record({ tag: fc.constant(shipped.tag), outcome: fc.constant('rejected' as const), reason: fc.constantFrom('damaged' as const, 'expired' as const) }),
    );

  it('decide the outcome from the answers, and never accept a variance above 5% or unconfirmed', () => {
    const transfer = arrived(
      draftBody({
        lines: [
          line({ tag: biotrackTag(1), unit: 'g', quantity: 100, netWeight: undefined, grossWeight: undefined }),
          line({ tag: biotrackTag(2), unit: 'kg', quantity: 2.5, netWeight: undefined, grossWeight: undefined }),
          line({ tag: biotrackTag(3), unit: 'each', quantity: 40 }),
        ],
      }),
    );
    const answers = fc.tuple(...transfer.content.lines.map(answer));

    fc.assert(
      fc.property(answers, (lines) => {
        const result = receive(transfer, { lines, receivedBy: { name: 'Sam Lee', title: 'Manager' } }, receiveContext(RECEIVED_AT));
        if (!result.ok) {
          expect(result.error.kind).toBe('rule-violation');
          if (result.error.kind === 'rule-violation') {
            for (const problem of result.error.problems) expect(problem.pointer).toMatch(/^\/lines\/\d+\/(acceptedQuantity|confirmVariance)$/);
          }
          return;
        }
        const receipt = result.transfer.receipt?.lines ?? [];
        const acceptedCount = receipt.filter((l) => l.outcome === 'accepted').length;
        const expected = acceptedCount === receipt.length ? 'ACCEPTED' : acceptedCount === 0 ? 'REJECTED' : 'PARTIALLY_ACCEPTED';
        expect(result.transfer.status).toBe(expected);
        for (const received of receipt) {
          if (received.outcome !== 'accepted' || received.acceptedQuantity === received.shippedQuantity) continue;
          expect(received.varianceConfirmed).toBe(true);
          const off = Math.abs(Math.round(received.acceptedQuantity * 1000) - Math.round(received.shippedQuantity * 1000));
          expect(off * 20).toBeLessThanOrEqual(Math.round(received.shippedQuantity * 1000));
        }
      }),
      { numRuns: 500 },
    );
  });
});
