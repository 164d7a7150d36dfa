/**
 * Quantities and units. Comparisons that decide compliance (variance, weight limits) are exact:
 * values carry at most 3 decimals, so they are turned into integer thousandths and compared as
 * BigInt, never as floats (100 × 0.05 is 5.000000000000001 in floating point).
 */
export const weightUnits = ['g', 'kg', 'oz', 'lb'] as const;
export const volumeUnits = ['mL', 'L'] as const;
/** `each` for finished goods (whole numbers); weights for bulk, lot and intermediate material; volumes where needed. */
export const units = ['each', ...weightUnits, ...volumeUnits] as const;

export type WeightUnit = (typeof weightUnits)[number];
export type Unit = (typeof units)[number];

export interface Weight {
  readonly value: number;
  readonly unit: WeightUnit;
}

/** Far above any real package: bounds the arithmetic below to exact integers. */
export const MAX_QUANTITY = 1_000_000;

/**
 * Whether a number is written with at most `places` decimals. Exact for the bounded values used
 * here: a double that came from such a decimal rounds back to itself.
 */
export const hasAtMostDecimals = (value: number, places: number): boolean => Number(value.toFixed(places)) === value;

const thousandths = (value: number): bigint => BigInt(Math.round(value * 1000));

const isWeightUnit = (unit: Unit): unit is WeightUnit => (weightUnits as readonly string[]).includes(unit);

// Nanograms per unit: whole numbers for all four (1 lb = 453.59237 g, 1 oz = 28.349523125 g exactly).
const nanogramsPer: Record<WeightUnit, bigint> = {
  g: 1_000_000_000n,
  kg: 1_000_000_000_000n,
  oz: 28_349_523_125n,
  lb: 453_592_370_000n,
};

/** A weight as an exact integer (thousandths of nanograms), comparable across units. */
const exactMass = (weight: Weight): bigint => thousandths(weight.value) * nanogramsPer[weight.unit];

export const compareWeights = (a: Weight, b: Weight): number => {
  const difference = exactMass(a) - exactMass(b);
  return difference === 0n ? 0 : difference > 0n ? 1 : -1;
};

/**
 * The weight a package line stands for, and the field it was read from: its gross weight, else its
 * net weight, else its quantity when counted by weight.
 */
export function packageWeight(line: {
  readonly quantity: number;
  readonly unit: Unit;
  readonly netWeight?: Weight | undefined;
  readonly grossWeight?: Weight | undefined;
}): { readonly field: 'grossWeight' | 'netWeight' | 'quantity'; readonly weight: Weight } | undefined {
  if (line.grossWeight) return { field: 'grossWeight', weight: line.grossWeight };
  if (line.netWeight) return { field: 'netWeight', weight: line.netWeight };
  return isWeightUnit(line.unit) ? { field: 'quantity', weight: { value: line.quantity, unit: line.unit } } : undefined;
}

export interface Variance {
  readonly differs: boolean;
  /** How far received is from shipped, as a fraction of shipped (for messages; decisions use `withinThreshold`). */
  readonly fraction: number;
  readonly withinThreshold: boolean;
}

/** Compares a received quantity with the shipped one; `threshold` is a fraction such as 0.05. */
export function variance(shipped: number, received: number, threshold: number): Variance {
  const shippedExact = thousandths(shipped);
  const differenceExact = thousandths(received) - shippedExact;
  const difference = differenceExact < 0n ? -differenceExact : differenceExact;
  const thresholdPpm = BigInt(Math.round(threshold * 1_000_000));
  return {
    differs: difference !== 0n,
    fraction: Number(difference) / Number(shippedExact),
    withinThreshold: difference * 1_000_000n <= thresholdPpm * shippedExact,
  };
}

/** `3.5 g`, `12 each`. */
export const formatQuantity = (value: number, unit: Unit): string => `${value} ${unit}`;

/** `4.125%`: at most three decimals, for messages. */
export const formatPercent = (fraction: number): string => `${Number((fraction * 100).toFixed(3))}%`;

/** What is wrong with a quantity for its unit, beyond its number schema (> 0, at most 3 decimals). */
export function quantityProblem(quantity: number, unit: Unit): { readonly code: string; readonly message: string } | undefined {
  if (unit === 'each' && !Number.isInteger(quantity)) {
    return { code: 'fractional-each', message: 'Counted in `each`, a quantity must be a whole number' };
  }
  return undefined;
}
