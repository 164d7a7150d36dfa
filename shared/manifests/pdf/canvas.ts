/**
 * Drawing on one manifest page with raw PDF operators: one text object per page, fonts set only
 * when they change, rules and boxes as plain paths. pdf-lib's `drawText` wraps every string in its
 * own graphics state and text object, which for a 1000-package manifest triples the content; and
 * building an operator object per string was most of what was left of a render's own time.
 */
import { deflate, PAGE_CONTENT_LEVEL } from './compression.ts';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { drawable, fitted, widthOf } from './typeface.ts';
import type { Weight } from './typeface.ts';

export interface TextStyle {
  readonly weight?: Weight;
  readonly size: number;
  /** Cut to this width with an ellipsis. */
  readonly width?: number;
  readonly align?: 'left' | 'right' | 'center';
}

/** A fontkit glyph, as pdf-lib's subset embedder keeps it. */
interface Glyph {
  readonly id: number;
}

/** restructure's EncodeStream (a readable stream of the bytes written to it), as fontkit's subsets write to it. */
interface EncodeStream {
  flush(): void;
  read(): Uint8Array | null;
}

interface FontSubset {
  includeGlyph(glyph: Glyph): number;
  encode(stream: EncodeStream): void;
  encodeStream(): EncodeStream & { resume?(): void; constructor: new () => EncodeStream };
}

/** The parts of pdf-lib's `CustomFontSubsetEmbedder` (pdf-lib 1.17) that `encodeText` and `serializeFont` use. */
interface SubsetEmbedder {
  readonly font: { layout(text: string, features?: unknown): { readonly glyphs: readonly Glyph[] }; createSubset(): FontSubset };
  readonly fontFeatures?: unknown;
  readonly subset: FontSubset;
  serializeFont(): Promise<Uint8Array>;
  readonly glyphs: Glyph[];
  readonly glyphIdMap: Map<number, number>;
  readonly glyphCache: { invalidate(): void };
}

const subsetEmbedderOf = (font: PDFFont): SubsetEmbedder | undefined => {
  const embedder = (font as unknown as { embedder?: Partial<SubsetEmbedder> }).embedder;
  return embedder?.subset && embedder.glyphs && embedder.glyphIdMap && embedder.glyphCache && embedder.font ? (embedder as SubsetEmbedder) : undefined;
};

let encodeStreamClass: (new () => EncodeStream) | undefined;

/**
 * fontkit writes a subset through a stream whose every step waits for a `setTimeout(0)` (its
 * browser shim of `process.nextTick`): four timer turns, at least 4 ms, in every render. The
 * subset is encoded here at once, into the same kind of stream, so the bytes are the same.
 * The stream class is taken from one empty subset, encoded once per process.
 */
function serializeAtOnce(embedder: SubsetEmbedder): void {
  if (!encodeStreamClass) {
    const probe = embedder.font.createSubset().encodeStream();
    probe.resume?.();
    encodeStreamClass = probe.constructor;
  }
  const Stream = encodeStreamClass;
  embedder.serializeFont = () => {
    const stream = new Stream();
    embedder.subset.encode(stream);
    stream.flush();
    return Promise.resolve(new Uint8Array(stream.read() ?? new Uint8Array(0)));
  };
}

/**
 * The glyphs of each character, per parsed font and across documents: the fonts are parsed once per
 * process (see `sharedFontkit`), and shaping one character with fontkit gives the same glyphs every
 * time. Laying characters out anew in every document was a fifth of a 20-package render.
 */
const laidOut = new WeakMap<object, Map<string, readonly Glyph[]>>();

function glyphsOf(embedder: SubsetEmbedder, char: string): readonly Glyph[] {
  let cache = laidOut.get(embedder.font);
  if (!cache) {
    cache = new Map();
    laidOut.set(embedder.font, cache);
  }
  let glyphs = cache.get(char);
  if (!glyphs) {
    glyphs = embedder.font.layout(char, embedder.fontFeatures).glyphs;
    cache.set(char, glyphs);
  }
  return glyphs;
}

/**
 * Glyph codes per character, learned once per document: pdf-lib's `encodeText` shapes every
 * string with fontkit (a thousand packages' worth is most of a render). Manifest text needs no
 * shaping (no ligatures, no kerning: widths are measured the same way), and a per-character code
 * also keeps copied and extracted text exactly as typed. A character new to the document is added
 * to its font subset as pdf-lib's `encodeText` would add it (same subset ids, so the same bytes),
 * from glyphs laid out once per process.
 */
export class GlyphCodes {
  readonly fonts: Readonly<Record<Weight, PDFFont>>;
  readonly #codes: Readonly<Record<Weight, Map<string, string>>> = { regular: new Map(), bold: new Map() };

  constructor(fonts: Readonly<Record<Weight, PDFFont>>) {
    this.fonts = fonts;
    for (const font of Object.values(fonts)) {
      const embedder = subsetEmbedderOf(font);
      if (embedder && typeof embedder.font.createSubset === 'function' && typeof embedder.subset.encode === 'function') serializeAtOnce(embedder);
    }
  }

  /** The hex glyph codes of drawable text (what goes between `<` and `>` in a `Tj`). */
  encode(text: string, weight: Weight): string {
    const codes = this.#codes[weight];
    let hex = '';
    for (const char of text) {
      let code = codes.get(char);
      if (code === undefined) {
        code = this.#learn(char, weight);
        codes.set(char, code);
      }
      hex += code;
    }
    return hex;
  }

  #learn(char: string, weight: Weight): string {
    const font = this.fonts[weight];
    const embedder = subsetEmbedderOf(font);
    // Another pdf-lib than the one this was written for: its own encodeText, slower but right.
    if (!embedder) return font.encodeText(char).asString();
    (font as unknown as { modified: boolean }).modified = true;
    let code = '';
    for (const glyph of glyphsOf(embedder, char)) {
      const id = embedder.subset.includeGlyph(glyph);
      embedder.glyphs[id - 1] = glyph;
      embedder.glyphIdMap.set(glyph.id, id);
      code += id.toString(16).padStart(4, '0').toUpperCase();
    }
    embedder.glyphCache.invalidate();
    return code;
  }
}

/** One string as drawn: what a benchmark replays through pdf-lib's own `drawText` to compare. */
export interface TextRun {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly weight: Weight;
  readonly size: number;
}

export class PageCanvas {
  readonly page: PDFPage;
  readonly #glyphs: GlyphCodes;
  readonly #onText: ((run: TextRun) => void) | undefined;
  readonly #fontKeys = new Map<Weight, string>();
  #text = '';
  #paths = '';
  #current: { weight: Weight; size: number } | undefined;

  constructor(page: PDFPage, glyphs: GlyphCodes, onText?: (run: TextRun) => void) {
    this.page = page;
    this.#glyphs = glyphs;
    this.#onText = onText;
  }

  /** Draws `value` with its baseline at `y`; returns the width drawn. */
  text(value: string, x: number, y: number, style: TextStyle): number {
    const weight = style.weight ?? 'regular';
    const safe = drawable(value, weight);
    const shown = style.width === undefined ? safe : fitted(safe, weight, style.size, style.width);
    if (shown === '') return 0;
    const width = widthOf(shown, weight, style.size);
    const left = style.align === 'right' ? x + (style.width ?? 0) - width : style.align === 'center' ? x + ((style.width ?? 0) - width) / 2 : x;
    if (this.#current?.weight !== weight || this.#current.size !== style.size) {
      this.#text += `${this.#fontKey(weight)} ${num(style.size)} Tf\n`;
      this.#current = { weight, size: style.size };
    }
    this.#text += `1 0 0 1 ${num(left)} ${num(y)} Tm\n<${this.#glyphs.encode(shown, weight)}> Tj\n`;
    this.#onText?.({ text: shown, x: left, y, weight, size: style.size });
    return width;
  }

  line(x1: number, y1: number, x2: number, y2: number, lineWidth = 0.5): void {
    this.#paths += `${num(lineWidth)} w\n${num(x1)} ${num(y1)} m\n${num(x2)} ${num(y2)} l\nS\n`;
  }

  box(x: number, y: number, width: number, height: number, lineWidth = 0.5): void {
    this.#paths += `${num(lineWidth)} w\n${num(x)} ${num(y)} ${num(width)} ${num(height)} re\nS\n`;
  }

  /** Filled black rectangles in one path: QR modules and barcode bars. */
  fillRects(rects: readonly { x: number; y: number; width: number; height: number }[]): void {
    let path = '0 g\n';
    for (const r of rects) path += `${num(r.x)} ${num(r.y)} ${num(r.width)} ${num(r.height)} re\n`;
    this.#paths += `${path}f\n`;
  }

  /**
   * Writes what was drawn as the page's content stream: the operators as text (what pdf-lib's
   * operator objects would write, without building thousands of them), compressed with Node's zlib.
   */
  finish(): void {
    const { context } = this.page.doc;
    const content = `${this.#paths}BT\n${this.#text}ET`;
    const stream = context.stream(deflate(content, PAGE_CONTENT_LEVEL), { Filter: 'FlateDecode' });
    this.page.node.addContentStream(context.register(stream));
  }

  #fontKey(weight: Weight): string {
    let key = this.#fontKeys.get(weight);
    if (!key) {
      const font = this.#glyphs.fonts[weight];
      key = this.page.node.newFontDictionary(font.name, font.ref).toString();
      this.#fontKeys.set(weight, key);
    }
    return key;
  }
}

/**
 * A coordinate or size in the content stream. Two decimals are plenty at 72 dpi and keep the
 * stream short; rounded so, a number never prints in exponent form.
 */
const num = (value: number) => String(Math.round(value * 100) / 100);
