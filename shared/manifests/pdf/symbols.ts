/**
 * The machine-readable marks of page 1, drawn as vector rectangles (sharp at any print resolution,
 * no raster image): a QR code of the verification URL and the manifest number as Code 128.
 */
import { CODE128 } from 'jsbarcode/bin/barcodes/CODE128/index.js';
import { qrModules } from './qr-symbol.ts';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The QR symbol's quiet zone, in modules (ISO/IEC 18004 asks for 4). */
const QUIET_ZONE = 4;

/** The dark modules of a QR code of `text` filling `size` points square (quiet zone included), lower-left at (x, y). */
export function qrCode(text: string, x: number, y: number, size: number): Rect[] {
  const modules = qrModules(text);
  const count = modules.size;
  const unit = size / (count + 2 * QUIET_ZONE);
  const rects: Rect[] = [];
  for (let row = 0; row < count; row += 1) {
    // Runs of dark modules in a row become one rectangle each.
    for (let col = 0; col < count; col += 1) {
      if (!modules.get(row, col)) continue;
      const start = col;
      while (col + 1 < count && modules.get(row, col + 1)) col += 1;
      rects.push({
        x: x + (QUIET_ZONE + start) * unit,
        y: y + size - (QUIET_ZONE + row + 1) * unit,
        width: (col - start + 1) * unit,
        height: unit,
      });
    }
  }
  return rects;
}

/** Code 128 bars of `text`, each module `moduleWidth` wide, `height` tall, lower-left at (x, y); and the total width. */
export function code128(text: string, x: number, y: number, moduleWidth: number, height: number): { bars: Rect[]; width: number } {
  const { data } = new CODE128(text, {}).encode();
  const bars: Rect[] = [];
  for (let i = 0; i < data.length; i += 1) {
    if (data[i] !== '1') continue;
    const start = i;
    while (data[i + 1] === '1') i += 1;
    bars.push({ x: x + start * moduleWidth, y, width: (i - start + 1) * moduleWidth, height });
  }
  return { bars, width: data.length * moduleWidth };
}
