/**
 * Reading rendered PDFs back the way their users' tools do: text per page through pdf.js, the
 * page rasterised (pdf.js on @napi-rs/canvas) and scanned for QR and Code 128 symbols with ZXing,
 * and the file's structure checked by `qpdf --check`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCanvas } from '@napi-rs/canvas';
import { BarcodeFormat, BinaryBitmap, Code128Reader, DecodeHintType, GlobalHistogramBinarizer, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Opens the PDF, hands it to `read`, and always releases pdf.js's resources. */
async function withPdf<T>(bytes: Uint8Array, read: (pdf: PDFDocumentProxy) => Promise<T>): Promise<T> {
  // pdf.js takes ownership of the buffer it is given: hand it a copy.
  const task = getDocument({ data: bytes.slice(), useSystemFonts: false, verbosity: 0 });
  try {
    return await read(await task.promise);
  } finally {
    await task.destroy();
  }
}

/** The text of every page, items joined by spaces, in reading order as pdf.js extracts it. */
export function pageTexts(bytes: Uint8Array): Promise<string[]> {
  return withPdf(bytes, async (pdf) => {
    const pages: string[] = [];
    for (let n = 1; n <= pdf.numPages; n += 1) {
      const content = await (await pdf.getPage(n)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' ').replace(/\s+/g, ' '));
    }
    return pages;
  });
}

/** The size text is set in: the length of the first column of its text matrix. */
const fontSize = ([a = 0, b = 0]: readonly number[]) => Math.hypot(a, b);

/** Every piece of text of every page with the size it is set in (points), as pdf.js reads it. */
export function pageTextItems(bytes: Uint8Array): Promise<{ readonly text: string; readonly size: number }[][]> {
  return withPdf(bytes, async (pdf) => {
    const pages: { text: string; size: number }[][] = [];
    for (let n = 1; n <= pdf.numPages; n += 1) {
      const content = await (await pdf.getPage(n)).getTextContent();
      pages.push(content.items.flatMap((item) => ('str' in item && item.str.trim() !== '' ? [{ text: item.str, size: fontSize(item.transform as number[]) }] : [])));
    }
    return pages;
  });
}

/** The page as grey levels at `scale` × 72 dpi. */
function rasterise(bytes: Uint8Array, pageNumber: number, scale: number) {
  return withPdf(bytes, async (pdf) => {
    const page = await pdf.getPage(pageNumber);
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas, canvasContext: context, viewport }).promise;
    const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
    const luminance = new Uint8ClampedArray(width * height);
    for (let i = 0; i < luminance.length; i += 1) luminance[i] = ((data[i * 4] ?? 0) + (data[i * 4 + 1] ?? 0) + (data[i * 4 + 2] ?? 0)) / 3;
    return { luminance, width, height };
  });
}

/** What a scanner reads from the page: its QR code and its Code 128 barcode, if found. */
export async function scanPage(bytes: Uint8Array, pageNumber = 1): Promise<{ qr?: string; code128?: string }> {
  const { luminance, width, height } = await rasterise(bytes, pageNumber, 3);
  const bitmap = () => new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height)));
  const read = (decode: () => string): string | undefined => {
    try {
      return decode();
    } catch {
      return undefined;
    }
  };
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.TRY_HARDER, true],
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.QR_CODE, BarcodeFormat.CODE_128]],
  ]);
  const qr = read(() => new QRCodeReader().decode(bitmap(), hints).getText());
  // A 1D reader scans rows: give it the top band of the page, where the barcode is.
  const band = Math.round(height * 0.16);
  const top = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance.slice(0, width * band), width, band)));
  const code128 = read(() => new Code128Reader().decode(top, hints).getText());
  return { ...(qr === undefined ? {} : { qr }), ...(code128 === undefined ? {} : { code128 }) };
}

/**
 * Every QR code in the top band of a page (where the manifest prints its codes), as a scanner held
 * over each part of it reads them: ZXing reads one code per image, so the band is scanned in
 * overlapping windows, each narrower than two codes side by side.
 */
export async function qrCodesOnPage(bytes: Uint8Array, pageNumber = 1): Promise<string[]> {
  // A phone reads frame after frame, held closer or farther: ZXing still misses the odd code at one
  // resolution (see shared/manifests/pdf/qr-symbol.ts), never at all of them.
  for (const scale of [3, 4, 2.5, 2, 5, 3.5]) {
    const found = await qrCodesAt(bytes, pageNumber, scale);
    if (found.length > 0) return found;
  }
  return [];
}

async function qrCodesAt(bytes: Uint8Array, pageNumber: number, scale: number): Promise<string[]> {
  const { luminance, width, height } = await rasterise(bytes, pageNumber, scale);
  const band = Math.round(height * 0.2);
  const windowWidth = Math.round(width * 0.24);
  const found = new Set<string>();
  const decode = (pixels: Uint8ClampedArray, cropWidth: number) => {
    const text = readQrCode(pixels, cropWidth, band);
    if (text !== undefined) found.add(text);
  };
  // The whole band first (a lone code reads best with its surroundings), then each window.
  decode(luminance.slice(0, width * band), width);
  const step = Math.round(windowWidth / 4);
  const lefts = new Set<number>();
  for (let left = 0; left + windowWidth <= width; left += step) lefts.add(left);
  // The last window ends at the page's edge, so no strip on the right goes unscanned.
  lefts.add(width - windowWidth);
  for (const left of lefts) {
    const crop = new Uint8ClampedArray(windowWidth * band);
    for (let row = 0; row < band; row += 1) crop.set(luminance.subarray(row * width + left, row * width + left + windowWidth), row * windowWidth);
    decode(crop, windowWidth);
  }
  return [...found];
}

/**
 * The QR code in a grey image (one byte a pixel), as ZXing reads it with either binarizer (scanners
 * differ: the local one misses some codes the global one reads, and back); undefined if unread.
 */
export function readQrCode(pixels: Uint8ClampedArray, width: number, height: number): string | undefined {
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.TRY_HARDER, true],
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.QR_CODE]],
  ]);
  for (const Binarizer of [HybridBinarizer, GlobalHistogramBinarizer]) {
    try {
      return new QRCodeReader().decode(new BinaryBitmap(new Binarizer(new RGBLuminanceSource(pixels, width, height))), hints).getText();
    } catch {
      // Not readable this way.
    }
  }
  return undefined;
}

const run = promisify(execFile);

/** `qpdf --check` on the bytes: its exit code and everything it printed. */
export async function qpdfCheck(bytes: Uint8Array): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'qpdf-'));
  const file = join(dir, 'manifest.pdf');
  try {
    await writeFile(file, bytes);
    const { stdout, stderr } = await run('qpdf', ['--check', file]);
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
