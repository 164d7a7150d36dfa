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
import { getPenaltyN1, getPenaltyN2, getPenaltyN3, getPenaltyN4 } from 'qrcode/lib/core/mask-pattern.js';

const MASKS: readonly QRCodeMaskPattern[] = [0, 1, 2, 3, 4, 5, 6, 7];

/** M keeps the modules large; about one URL in 250 has a look-alike under every mask at M. */
const LEVELS: readonly QRCodeErrorCorrectionLevel[] = ['M', 'Q', 'H'];

/** How far a run may be read long or short on a page, in modules, for a near miss. */
const NEAR_MISS = 0.1;

/** The dark modules of the QR symbol of `text`. */
export function qrModules(text: string): BitMatrix {
  for (const errorCorrectionLevel of LEVELS) {
    const best = MASKS.map((maskPattern) => QRCode.create(text, { errorCorrectionLevel, maskPattern }).modules)
      .filter((modules) => finderLookAlikes(modules).length === 0)
      .map((modules) => ({ modules, nearMisses: finderLookAlikes(modules, NEAR_MISS).length, penalty: penalty(modules) }))
      .sort((a, b) => a.nearMisses - b.nearMisses || a.penalty - b.penalty)[0];
    if (best) return best.modules;
  }
  // Never met in tens of thousands of URLs: the package's own choice, which most readers still read.
  return QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
}

const penalty = (modules: BitMatrix) => getPenaltyN1(modules) + getPenaltyN2(modules) + getPenaltyN3(modules) + getPenaltyN4(modules);

/** Run lengths dark, light, dark, light, dark along a row or column, and where the middle (dark) run starts. */
interface Runs {
  readonly lengths: readonly number[];
  readonly start: number;
}

/**
 * The five runs whose middle one is the dark run through `at` on a line of `size` modules (`dark(i)`
 * says whether module i is dark); undefined if `at` is light or a light run reaches the quiet zone.
 */
function runsThrough(dark: (i: number) => boolean, at: number, size: number): Runs | undefined {
  if (!dark(at)) return undefined;
  let start = at;
  while (start > 0 && dark(start - 1)) start -= 1;
  let end = at;
  while (end < size - 1 && dark(end + 1)) end += 1;
  const lengths = [end - start + 1];
  for (const step of [-1, 1]) {
    let i = step < 0 ? start - 1 : end + 1;
    for (const wanted of [false, true]) {
      const from = i;
      while (i >= 0 && i < size && dark(i) === wanted) i += step;
      // A light run into the quiet zone has no dark run beyond it; a dark run may end at the edge.
      if (i === from || (!wanted && (i < 0 || i >= size))) return undefined;
      if (step < 0) lengths.unshift(from - i);
      else lengths.push(i - from);
    }
  }
  return { lengths, start };
}

const total = (runs: Runs) => runs.lengths.reduce((sum, length) => sum + length, 0);

/**
 * 1:1:3:1:1, each run within half its share as readers accept a finder pattern's runs, with every
 * run read up to `slack` modules long or short (tried at the extremes, each run long or short).
 */
function finderProportions({ lengths }: Runs, slack: number): boolean {
  const [a = 0, b = 0, c = 0, d = 0, e = 0] = lengths;
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
  const length = runs.lengths[2] ?? 0;
  const half = runs.start + Math.floor(length / 2);
  return length % 2 === 0 ? [half - 1, half] : [half];
}

/**
 * Where a reader would confirm a finder pattern other than the three real ones, [row, column]: a
 * finder-proportioned run across, one down through its middle (of about the same size), and one
 * across again through the middle of that (of much the same size); runs read up to `slack` modules off.
 */
export function finderLookAlikes(modules: BitMatrix, slack = 0): [number, number][] {
  const size = modules.size;
  const dark = (row: number, col: number) => modules.get(row, col) === 1;
  const corners = [
    [3, 3],
    [3, size - 4],
    [size - 4, 3],
  ] as const;
  const found: [number, number][] = [];
  for (let row = 0; row < size; row += 1) {
    const inRow = (i: number) => dark(row, i);
    for (let col = 0; col < size; col += 1) {
      // Each dark run once, from its first module.
      if (!inRow(col) || (col > 0 && inRow(col - 1))) continue;
      const across = runsThrough(inRow, col, size);
      if (!across || !finderProportions(across, slack)) continue;
      for (const downCol of middles(across)) {
        const down = runsThrough((i) => dark(i, downCol), row, size);
        if (!down || !finderProportions(down, slack) || 5 * Math.abs(total(down) - total(across)) >= 2 * total(across)) continue;
        for (const centreRow of middles(down)) {
          const again = runsThrough((i) => dark(centreRow, i), downCol, size);
          if (!again || !finderProportions(again, slack) || 5 * Math.abs(total(again) - total(across)) >= total(across)) continue;
          for (const centreCol of middles(again)) {
            const real = corners.some(([r, c]) => Math.abs(r - centreRow) <= 1 && Math.abs(c - centreCol) <= 1);
            if (!real) found.push([centreRow, centreCol]);
          }
        }
      }
    }
  }
  return found;
}
