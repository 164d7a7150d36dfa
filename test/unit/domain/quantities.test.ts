import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareWeights, hasAtMostDecimals, packageWeight, quantityProblem, variance } from '#shared/domain/transfer/quantities.ts';

describe('hasAtMostDecimals', () => {
  it('reads the decimals a number was written with, not its binary expansion', () => {
    expect(hasAtMostDecimals(1.005, 3)).toBe(true);
    expect(hasAtMostDecimals(2.675, 3)).toBe(true);
    expect(hasAtMostDecimals(123456.789, 3)).toBe(true);
    expect(hasAtMostDecimals(1.0005, 3)).toBe(false);
    expect(hasAtMostDecimals(0.1 + 0.2, 3)).toBe(false);
    expect(hasAtMostDecimals(18.5, 2)).toBe(true);
    expect(hasAtMostDecimals(18.555, 2)).toBe(false);
  });

  it('accepts every value of up to 3 decimals in range', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), (thousandths) => hasAtMostDecimals(thousandths / 1000, 3)));
  });
});

describe('quantityProblem', () => {
  it('requires whole numbers for each, and only for each', () => {
    expect(quantityProblem(2.5, 'each')).toEqual({ code: 'fractional-each', message: 'Counted in `each`, a quantity must be a whole number' });
    expect(quantityProblem(3, 'each')).toBeUndefined();
    expect(quantityProblem(2.5, 'g')).toBeUndefined();
    expect(quantityProblem(0.75, 'L')).toBeUndefined();
  });
});

describe('variance', () => {
  it('is exact at the 5% boundary, where floating point is not', () => {
    expect(variance(100, 95, 0.05)).toEqual({ differs: true, fraction: 0.05, withinThreshold: true });
    expect(variance(100, 105, 0.05).withinThreshold).toBe(true);
    expect(variance(100, 94.999, 0.05).withinThreshold).toBe(false);
    expect(variance(100, 105.001, 0.05).withinThreshold).toBe(false);
    // 0.3 × 0.05 is 0.015000000000000001 in floating point; 0.015 off is exactly 5%.
    expect(variance(0.3, 0.285, 0.05).withinThreshold).toBe(true);
    expect(variance(0.3, 0.284, 0.05).withinThreshold).toBe(false);
  });

  it('sees no difference between equal quantities', () => {
    expect(variance(12.345, 12.345, 0.05)).toEqual({ differs: false, fraction: 0, withinThreshold: true });
  });

  it('agrees with integer arithmetic on thousandths for any quantities', () => {
    const thousandths = fc.integer({ min: 1, max: 1_000_000_000 });
    fc.assert(
      fc.property(thousandths, thousandths, (shipped, received) => {
        const result = variance(shipped / 1000, received / 1000, 0.05);
        expect(result.withinThreshold).toBe(Math.abs(received - shipped) * 20 <= shipped);
        expect(result.differs).toBe(received !== shipped);
      }),
    );
  });
});

describe('compareWeights', () => {
  it('compares across units exactly', () => {
    expect(compareWeights({ value: 16, unit: 'oz' }, { value: 1, unit: 'lb' })).toBe(0);
    expect(compareWeights({ value: 1, unit: 'kg' }, { value: 1000, unit: 'g' })).toBe(0);
    expect(compareWeights({ value: 1, unit: 'kg' }, { value: 2.204, unit: 'lb' })).toBe(1);
    expect(compareWeights({ value: 1, unit: 'kg' }, { value: 2.205, unit: 'lb' })).toBe(-1);
    expect(compareWeights({ value: 45.359, unit: 'kg' }, { value: 100, unit: 'lb' })).toBe(-1);
    expect(compareWeights({ value: 45.36, unit: 'kg' }, { value: 100, unit: 'lb' })).toBe(1);
  });
});

describe('packageWeight', () => {
  it('takes the gross weight, else the net weight, else a quantity counted by weight', () => {
    const net = { value: 84, unit: 'g' } as const;
    const gross = { value: 1.2, unit: 'kg' } as const;
    expect(packageWeight({ quantity: 24, unit: 'each', netWeight: net, grossWeight: gross })).toEqual({ field: 'grossWeight', weight: gross });
    expect(packageWeight({ quantity: 24, unit: 'each', netWeight: net })).toEqual({ field: 'netWeight', weight: net });
    expect(packageWeight({ quantity: 2.5, unit: 'lb' })).toEqual({ field: 'quantity', weight: { value: 2.5, unit: 'lb' } });
    expect(packageWeight({ quantity: 24, unit: 'each' })).toBeUndefined();
    expect(packageWeight({ quantity: 2, unit: 'L' })).toBeUndefined();
  });
});
