import { describe, expect, it } from 'vitest';
import { percentile } from '../bench/stats.ts';

describe('benchmark percentiles (nearest rank)', () => {
  it('picks the sample at the rank, not an interpolation', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });
});
