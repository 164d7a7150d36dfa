/**
 * The manifest's typeface: DejaVu Sans Condensed, regular and bold, read once per process. Text is
 * measured here from the glyphs' advance widths (what a PDF text show actually advances by), and
 * anything the font cannot draw becomes `?`: user text must never break a render.
 */
import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { manifestFonts } from '../fonts.ts';

export type Weight = keyof typeof manifestFonts;

interface GlyphMetrics {
  readonly unitsPerEm: number;
  hasGlyphForCodePoint(codePoint: number): boolean;
  glyphForCodePoint(codePoint: number): { readonly advanceWidth: number };
}

const resolve = createRequire(import.meta.url).resolve;

export const fontBytes: Readonly<Record<Weight, Uint8Array>> = {
  regular: readFileSync(resolve(manifestFonts.regular)),
  bold: readFileSync(resolve(manifestFonts.bold)),
};

type ParsedFont = ReturnType<typeof fontkit.create>;

const parsed: Readonly<Record<Weight, ParsedFont>> = {
  regular: fontkit.create(Buffer.from(fontBytes.regular)),
  bold: fontkit.create(Buffer.from(fontBytes.bold)),
};
const metrics = parsed as unknown as Readonly<Record<Weight, GlyphMetrics>>;

/**
 * fontkit for pdf-lib that hands out the fonts parsed above instead of parsing them again for
 * every document: fontkit reads a font's tables lazily and keeps them, so a parsed font is only
 * read, never changed, by embedding and subsetting. Saves about 30 ms per manifest.
 */
export const sharedFontkit: typeof fontkit = {
  ...fontkit,
  create: (data, postscriptName) =>
    data === fontBytes.regular ? parsed.regular : data === fontBytes.bold ? parsed.bold : fontkit.create(data, postscriptName),
};

export const PLACEHOLDER = '?';

/** Control and format characters, and lone surrogates: never drawable, whatever the font. */
const undrawable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;

/**
 * Per weight and code point, whether the font draws it and how far it advances (in em), worked out
 * once per process: fontkit's cmap lookup for every character was a third of a 1000-package render.
 * Code points below `TABLE` (Latin, Greek, Cyrillic, general punctuation) are kept in arrays.
 */
const TABLE = 0x2000;
const UNKNOWN = 0;
const DRAWN = 1;
const NOT_DRAWN = 2;

interface Glyphs {
  readonly drawn: Uint8Array;
  readonly advance: Float64Array;
  readonly drawnBeyond: Map<number, boolean>;
  readonly advanceBeyond: Map<number, number>;
}

const newGlyphs = (): Glyphs => ({ drawn: new Uint8Array(TABLE), advance: new Float64Array(TABLE).fill(Number.NaN), drawnBeyond: new Map(), advanceBeyond: new Map() });
const glyphTables: Readonly<Record<Weight, Glyphs>> = { regular: newGlyphs(), bold: newGlyphs() };

function canDraw(codePoint: number, weight: Weight): boolean {
  const tables = glyphTables[weight];
  const known = codePoint < TABLE ? tables.drawn[codePoint] : tables.drawnBeyond.get(codePoint) === undefined ? UNKNOWN : tables.drawnBeyond.get(codePoint) ? DRAWN : NOT_DRAWN;
  if (known !== UNKNOWN) return known === DRAWN;
  const can = !undrawable.test(String.fromCodePoint(codePoint)) && metrics[weight].hasGlyphForCodePoint(codePoint);
  if (codePoint < TABLE) tables.drawn[codePoint] = can ? DRAWN : NOT_DRAWN;
  else tables.drawnBeyond.set(codePoint, can);
  return can;
}

function advanceOf(codePoint: number, weight: Weight): number {
  const tables = glyphTables[weight];
  let width = codePoint < TABLE ? tables.advance[codePoint] : tables.advanceBeyond.get(codePoint);
  if (width === undefined || Number.isNaN(width)) {
    const font = metrics[weight];
    width = font.glyphForCodePoint(codePoint).advanceWidth / font.unitsPerEm;
    if (codePoint < TABLE) tables.advance[codePoint] = width;
    else tables.advanceBeyond.set(codePoint, width);
  }
  return width;
}

/** The code point at `i` of `text` as `for…of` reads it (a lone surrogate on its own), and how many units it takes. */
function codePointAt(text: string, i: number): number {
  return text.codePointAt(i) ?? 0;
}
const units = (codePoint: number) => (codePoint > 0xffff ? 2 : 1);

/** The text as the font can draw it: each character it lacks (emoji, CJK, controls) becomes `?`. */
export function drawable(text: string, weight: Weight): string {
  let i = 0;
  // Nearly all text is drawable as it is: it is only copied when a character is not.
  while (i < text.length) {
    const codePoint = codePointAt(text, i);
    if (!canDraw(codePoint, weight)) break;
    i += units(codePoint);
  }
  if (i === text.length) return text;
  let out = text.slice(0, i);
  while (i < text.length) {
    const codePoint = codePointAt(text, i);
    const length = units(codePoint);
    out += canDraw(codePoint, weight) ? text.slice(i, i + length) : PLACEHOLDER;
    i += length;
  }
  return out;
}

/** Width in points of drawable text. */
export function widthOf(text: string, weight: Weight, size: number): number {
  let em = 0;
  for (let i = 0; i < text.length; ) {
    const codePoint = codePointAt(text, i);
    em += advanceOf(codePoint, weight);
    i += units(codePoint);
  }
  return em * size;
}

const ELLIPSIS = '…';

/** The longest prefix that fits `width`, ending in an ellipsis when cut. */
export function fitted(text: string, weight: Weight, size: number, width: number): string {
  if (widthOf(text, weight, size) <= width) return text;
  const room = width - widthOf(ELLIPSIS, weight, size);
  let used = 0;
  let out = '';
  for (const char of text) {
    const next = advanceOf(char.codePointAt(0) ?? 0, weight) * size;
    if (used + next > room) break;
    used += next;
    out += char;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

/** Word-wrapped lines within `width`; only a single word wider than `width` is cut, with an ellipsis. */
export function wrapped(text: string, weight: Weight, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && widthOf(candidate, weight, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => fitted(l, weight, size, width));
}
