import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, payloadHash } from '#shared/domain/transfer/index.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: 0, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1,{"y":null,"z":0}]},"b":1}');
  });

  it('orders keys by UTF-16 code units, integer-like keys included', () => {
    expect(canonicalJson({ b: 1, 10: 2, 2: 3, é: 4, B: 5 })).toBe('{"10":2,"2":3,"B":5,"b":1,"é":4}');
  });

  it('leaves out undefined members, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
  });

  it('keeps a __proto__ key as data', () => {
    const value: unknown = JSON.parse('{"__proto__":{"polluted":true},"a":1}');

    expect(canonicalJson(value)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is JSON of the same data, whatever order the keys were built in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(reversed(JSON.stringify(value))))).toBe(text);
      }),
    );
  });
});

describe('payloadHash', () => {
  it('is the SHA-256 hex of the canonical JSON', () => {
    expect(payloadHash({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(payloadHash({ b: 2, a: 1 })).toBe(payloadHash({ a: 1, b: 2 }));
    expect(payloadHash({ a: 1 })).not.toBe(payloadHash({ a: 2 }));
  });
});

/** The same JSON with every object's keys in reverse order. */
function reversed(json: string): string {
  const reverse = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reverse);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverse(v)]));
    return value;
  };
  return JSON.stringify(reverse(JSON.parse(json)));
}
