/**
 * Drawing on one manifest page with raw PDF operators: one text object per page, fonts set only
 * when they change, rules and boxes as plain paths. pdf-lib's `drawText` wraps every string in its
 * own graphics state and text object, which for a 1000-package manifest triples the content.
 */
import {
  beginText,
  endText,
  fill,
  lineTo,
  moveTo,
  rectangle,
  setFillingGrayscaleColor,
  setFontAndSize,
  setLineWidth,
  setTextMatrix,
  showText,
  stroke,
} from 'pdf-lib';
import { PDFHexString } from 'pdf-lib';
import type { PDFFont, PDFName, PDFOperator, PDFPage } from 'pdf-lib';
import { drawable, fitted, widthOf } from './typeface.ts';
import type { Weight } from './typeface.ts';

export interface TextStyle {
  readonly weight?: Weight;
  readonly size: number;
  /** Cut to this width with an ellipsis. */
  readonly width?: number;
  readonly align?: 'left' | 'right' | 'center';
}

/**
 * Glyph codes per character, learned once per document: pdf-lib's `encodeText` shapes every
 * string with fontkit (a thousand packages' worth is most of a render). Manifest text needs no
 * shaping (no ligatures, no kerning: widths are measured the same way), and a per-character code
 * also keeps copied and extracted text exactly as typed.
 */
export class GlyphCodes {
  readonly fonts: Readonly<Record<Weight, PDFFont>>;
  readonly #codes: Readonly<Record<Weight, Map<string, string>>> = { regular: new Map(), bold: new Map() };

  constructor(fonts: Readonly<Record<Weight, PDFFont>>) {
    this.fonts = fonts;
  }

  encode(text: string, weight: Weight): PDFHexString {
    const codes = this.#codes[weight];
    let hex = '';
    for (const char of text) {
      let code = codes.get(char);
      if (code === undefined) {
        code = this.fonts[weight].encodeText(char).asString();
        codes.set(char, code);
      }
      hex += code;
    }
    return PDFHexString.of(hex);
  }
}

export class PageCanvas {
  readonly page: PDFPage;
  readonly #glyphs: GlyphCodes;
  readonly #fontKeys = new Map<Weight, PDFName>();
  readonly #text: PDFOperator[] = [];
  readonly #paths: PDFOperator[] = [];
  #current: { weight: Weight; size: number } | undefined;

  constructor(page: PDFPage, glyphs: GlyphCodes) {
    this.page = page;
    this.#glyphs = glyphs;
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
      this.#text.push(setFontAndSize(this.#fontKey(weight), style.size));
      this.#current = { weight, size: style.size };
    }
    this.#text.push(setTextMatrix(1, 0, 0, 1, round(left), round(y)), showText(this.#glyphs.encode(shown, weight)));
    return width;
  }

  line(x1: number, y1: number, x2: number, y2: number, lineWidth = 0.5): void {
    this.#paths.push(setLineWidth(lineWidth), moveTo(round(x1), round(y1)), lineTo(round(x2), round(y2)), stroke());
  }

  box(x: number, y: number, width: number, height: number, lineWidth = 0.5): void {
    this.#paths.push(setLineWidth(lineWidth), rectangle(round(x), round(y), round(width), round(height)), stroke());
  }

  /** Filled black rectangles in one path: QR modules and barcode bars. */
  fillRects(rects: readonly { x: number; y: number; width: number; height: number }[]): void {
    this.#paths.push(setFillingGrayscaleColor(0), ...rects.map((r) => rectangle(round(r.x), round(r.y), round(r.width), round(r.height))), fill());
  }

  /** Writes what was drawn into the page's content stream. */
  finish(): void {
    this.page.pushOperators(...this.#paths, beginText(), ...this.#text, endText());
  }

  #fontKey(weight: Weight): PDFName {
    let key = this.#fontKeys.get(weight);
    if (!key) {
      const font = this.#glyphs.fonts[weight];
      key = this.page.node.newFontDictionary(font.name, font.ref);
      this.#fontKeys.set(weight, key);
    }
    return key;
  }
}

/** Two decimals are plenty at 72 dpi and keep the content stream short. */
const round = (value: number) => Math.round(value * 100) / 100;
