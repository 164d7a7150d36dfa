/**
 * The QR symbol of a verification URL, with a mask chosen so that readers do not take its data for a
 * corner. A reader finds the three finder patterns by their dark–light–dark–light–dark runs in the
 * proportions 1:1:3:1:1, each run allowed half its share either way (ISO/IEC 18004's reference
 * decoder, and ZXing, which many phone scanners build on): found across, confirmed down through the
 * middle and across again. The `qrcode` package chooses the mask by the standard's penalty score
 * alone, and over half the masks it chooses for a verification URL draw such a run pair in the data.
 * ZXing stops looking once it has three, so one it meets before the real third corner wins, and it
 * samples the grid from the wrong place: it read nothing at 150 dpi for about one URL in thirty.
 *
 * So no mask with such a pattern on the module grid is used (the next error-correction level gives
 * eight more masks when every one has one), and among the rest the one with the fewest near misses
 * wins before the penalty score does: on a page each run is read a little long or short (pixels,
 * blur), and a pattern just outside the proportions on the grid (the timing pattern's 1:1:1:1:1
 * with a 1:1:3:1:1 across it) can fall inside them. ZXing then misses about one code in seven
 * hundred at 150 dpi, and none of two thousand at all of 150, 200 and 300 dpi.
 */
import QRCode from 'qrcode';
import type { BitMatrix, QRCodeErrorCorrectionLevel, QRCodeMaskPattern } from 'qrcode';
import { applyMask, getPenaltyN1, getPenaltyN2, getPenaltyN3, getPenaltyN4 } from 'qrcode/lib/core/mask-pattern.js';
import { getEncodedBits } from 'qrcode/lib/core/format-info.js';

const MASKS: readonly QRCodeMaskPattern[] = [0, 1, 2, 3, 4, 5, 6, 7];

/** M keeps the modules large; about one URL in 250 has a look-alike under every mask at M. */
const LEVELS: readonly QRCodeErrorCorrectionLevel[] = ['M', 'Q', 'H'];

/** How far a run may be read long or short on a page, in modules, for a near miss. */
const NEAR_MISS = 0.1;

/** The dark modules of the QR symbol of `text`. */
export function qrModules(text: string): BitMatrix {
  for (const errorCorrectionLevel of LEVELS) {
    const candidates = masked(text, errorCorrectionLevel).flatMap((modules) => {
      // One pass finds both; a mask with a look-alike is out, so its pass stops at the first.
      const [exact = [], near = []] = lookAlikes(modules, [0, NEAR_MISS], true);
      return exact.length === 0 ? [{ modules, nearMisses: near.length }] : [];
    });
    // The fewest near misses, then the lowest penalty, then the lowest mask: the penalty is only worked out where it decides.
    const fewest = Math.min(...candidates.map((c) => c.nearMisses));
    const best = candidates
      .filter((c) => c.nearMisses === fewest)
      .map((c) => ({ ...c, penalty: penalty(c.modules) }))
      .reduce<{ modules: BitMatrix; penalty: number } | undefined>((a, b) => (a && a.penalty <= b.penalty ? a : b), undefined);
    if (best) return best.modules;
  }
  // Never met in tens of thousands of URLs: the package's own choice, which most readers still read.
  return QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
}

/**
 * The symbol of `text` under each of the eight masks, as `QRCode.create` with that `maskPattern`
 * would draw it, from one encoding: a mask is an XOR over the data modules, so mask 0 is taken off
 * and the next put on, and the format information (reserved, so never masked) is written for it.
 * Encoding the text eight times was most of a 20-package render.
 */
export function masked(text: string, errorCorrectionLevel: QRCodeErrorCorrectionLevel): BitMatrix[] {
  const first = QRCode.create(text, { errorCorrectionLevel, maskPattern: 0 });
  return MASKS.map((maskPattern) => {
    if (maskPattern === 0) return first.modules;
    const modules = copy(first.modules);
    applyMask(0, modules);
    applyMask(maskPattern, modules);
    writeFormatInfo(modules, getEncodedBits(first.errorCorrectionLevel, maskPattern));
    return modules;
  });
}

const copy = (modules: BitMatrix): BitMatrix =>
  Object.assign(Object.create(Object.getPrototypeOf(modules) as object) as BitMatrix, { size: modules.size, data: modules.data.slice(), reservedBit: modules.reservedBit.slice() });

/** The 15 format bits beside the finder patterns, placed as the `qrcode` package places them (`setupFormatInfo`). */
function writeFormatInfo(modules: BitMatrix, bits: number): void {
  const { size, data } = modules;
  const set = (row: number, col: number, value: number) => {
    data[row * size + col] = value;
  };
  for (let i = 0; i < 15; i += 1) {
    const bit = (bits >> i) & 1;
    set(i < 6 ? i : i < 8 ? i + 1 : size - 15 + i, 8, bit);
    set(8, i < 8 ? size - i - 1 : i < 9 ? 15 - i : 15 - i - 1, bit);
  }
  set(size - 8, 8, 1);
}

const penalty = (modules: BitMatrix) => getPenaltyN1(modules) + getPenaltyN2(modules) + getPenaltyN3(modules) + getPenaltyN4(modules);

/** Run lengths dark, light, dark, light, dark along a row or column, and where the middle (dark) run starts. */
interface Runs {
  readonly lengths: readonly [number, number, number, number, number];
  readonly start: number;
}

/** A row or a column of the symbol: module i is `data[base + i * stride]`. */
interface Line {
  readonly data: Uint8Array;
  readonly base: number;
  readonly stride: number;
  readonly size: number;
}

/**
 * The five runs whose middle one is the dark run through `at` on a line (a module is dark when it
 * is 1); undefined if `at` is light or a light run reaches the quiet zone.
 */
function runsThrough({ data, base, stride, size }: Line, at: number): Runs | undefined {
  const dark = (i: number) => data[base + i * stride] === 1;
  if (!dark(at)) return undefined;
  let start = at;
  while (start > 0 && dark(start - 1)) start -= 1;
  let end = at;
  while (end < size - 1 && dark(end + 1)) end += 1;
  // Outwards from the middle run: the light run, then the dark one beyond it, on each side.
  const side = (from: number, step: number): [number, number] | undefined => {
    let i = from;
    while (i >= 0 && i < size && !dark(i)) i += step;
    // A light run into the quiet zone has no dark run beyond it; a dark run may end at the edge.
    if (i === from || i < 0 || i >= size) return undefined;
    const light = Math.abs(i - from);
    const outer = i;
    while (i >= 0 && i < size && dark(i)) i += step;
    return [light, Math.abs(i - outer)];
  };
  const before = side(start - 1, -1);
  if (!before) return undefined;
  const after = side(end + 1, 1);
  if (!after) return undefined;
  return { lengths: [before[1], before[0], end - start + 1, after[0], after[1]], start };
}

const total = (runs: Runs) => runs.lengths[0] + runs.lengths[1] + runs.lengths[2] + runs.lengths[3] + runs.lengths[4];

/**
 * 1:1:3:1:1, each run within half its share as readers accept a finder pattern's runs, with every
 * run read up to `slack` modules long or short (tried at the extremes, each run long or short).
 */
function finderProportions({ lengths }: Runs, slack: number): boolean {
  const [a, b, c, d, e] = lengths;
  // No reading can pass when a run is off its share even at its most favourable length: most runs
  // of a symbol are, and the 32 readings below are then not worth trying.
  const sum = a + b + c + d + e;
  const low = (sum - 5 * slack) / 14;
  const high = (3 * (sum + 5 * slack)) / 14;
  for (const run of [a, b, d, e]) if (run + slack <= low || run - slack >= high) return false;
  if (c + slack <= 3 * low || c - slack >= 3 * high) return false;
  const readings = slack === 0 ? 1 : 32;
  for (let reading = 0; reading < readings; reading += 1) {
    // Bit i of `reading` says whether run i is read long or short.
    const off = (bit: number) => (slack === 0 ? 0 : (reading >> bit) & 1 ? slack : -slack);
    const ra = a + off(0);
    const rb = b + off(1);
    const rc = c + off(2);
    const rd = d + off(3);
    const re = e + off(4);
    const module = (ra + rb + rc + rd + re) / 7;
    const half = module / 2;
    if (Math.abs(module - ra) < half && Math.abs(module - rb) < half && Math.abs(3 * module - rc) < 3 * half && Math.abs(module - rd) < half && Math.abs(module - re) < half) return true;
  }
  return false;
}

/** The middle module(s) of the dark run of `runs`: both when it is an even number of modules long. */
function middles(runs: Runs): number[] {
  const length = runs.lengths[2];
  const half = runs.start + Math.floor(length / 2);
  return length % 2 === 0 ? [half - 1, half] : [half];
}

/**
 * Where a reader would confirm a finder pattern other than the three real ones, [row, column]: a
 * finder-proportioned run across, one down through its middle (of about the same size), and one
 * across again through the middle of that (of much the same size); runs read up to `slack` modules off.
 */
export function finderLookAlikes(modules: BitMatrix, slack = 0): [number, number][] {
  return lookAlikes(modules, [slack])[0] ?? [];
}

/**
 * `finderLookAlikes` for each of `slacks` in one pass over the symbol's runs; with `stopAtFirst`,
 * it stops as soon as the first slack has one (the rest are then incomplete).
 */
function lookAlikes(modules: BitMatrix, slacks: readonly number[], stopAtFirst = false): [number, number][][] {
  const { size, data } = modules;
  const row = (r: number): Line => ({ data, base: r * size, stride: 1, size });
  const column = (c: number): Line => ({ data, base: c, stride: size, size });
  const corners = [
    [3, 3],
    [3, size - 4],
    [size - 4, 3],
  ] as const;
  const found = slacks.map((): [number, number][] => []);
  for (let r = 0; r < size; r += 1) {
    const line = row(r);
    const base = r * size;
    for (let col = 0; col < size; col += 1) {
      // Each dark run once, from its first module.
      if (data[base + col] !== 1 || (col > 0 && data[base + col - 1] === 1)) continue;
      const across = runsThrough(line, col);
      if (!across) continue;
      slacks.forEach((slack, k) => {
        if (!finderProportions(across, slack)) return;
        for (const downCol of middles(across)) {
          const down = runsThrough(column(downCol), r);
          if (!down || !finderProportions(down, slack) || 5 * Math.abs(total(down) - total(across)) >= 2 * total(across)) continue;
          for (const centreRow of middles(down)) {
            const again = runsThrough(row(centreRow), downCol);
            if (!again || !finderProportions(again, slack) || 5 * Math.abs(total(again) - total(across)) >= total(across)) continue;
            for (const centreCol of middles(again)) {
              const real = corners.some(([cr, cc]) => Math.abs(cr - centreRow) <= 1 && Math.abs(cc - centreCol) <= 1);
              if (!real) found[k]?.push([centreRow, centreCol]);
            }
          }
        }
      });
      if (stopAtFirst && (found[0]?.length ?? 0) > 0) return found;
    }
  }
  return found;
}
