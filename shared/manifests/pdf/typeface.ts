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

/** Advance widths in em, per weight and character: the same few characters recur on every page. */
const advances: Readonly<Record<Weight, Map<string, number>>> = { regular: new Map(), bold: new Map() };

export const PLACEHOLDER = '?';

/** Control and format characters, and lone surrogates: never drawable, whatever the font. */
const undrawable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;

/** The text as the font can draw it: each character it lacks (emoji, CJK, controls) becomes `?`. */
export function drawable(text: string, weight: Weight): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    out += undrawable.test(char) || !metrics[weight].hasGlyphForCodePoint(codePoint) ? PLACEHOLDER : char;
  }
  return out;
}

function advance(char: string, weight: Weight): number {
  const cache = advances[weight];
  let width = cache.get(char);
  if (width === undefined) {
    const font = metrics[weight];
    width = font.glyphForCodePoint(char.codePointAt(0) ?? 0).advanceWidth / font.unitsPerEm;
    cache.set(char, width);
  }
  return width;
}

/** Width in points of drawable text. */
export function widthOf(text: string, weight: Weight, size: number): number {
  let em = 0;
  for (const char of text) em += advance(char, weight);
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
    const next = advance(char, weight) * size;
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
