/**
 * The hub's PDFs compress their streams with Node's zlib, not the JavaScript port (pako) pdf-lib
 * uses: deflating the embedded font subsets and the page contents was the largest part of a small
 * manifest's render. Only the document's own context is changed; its streams stay ordinary
 * FlateDecode streams.
 */
import { constants, deflateSync } from 'node:zlib';
import type { PDFDocument } from 'pdf-lib';

/**
 * Page contents (operator text, very repetitive and most of the bytes) are deflated at level 1:
 * level 6 took three times as long for files about a tenth smaller (a 20-package manifest 25 KB
 * instead of 27 KB). The rest (font subsets, metadata) at zlib's default.
 */
export const PAGE_CONTENT_LEVEL = 1;

/** Text is taken byte per character, as pdf-lib takes it. */
export const deflate = (contents: string | Uint8Array, level: number = constants.Z_DEFAULT_COMPRESSION): Buffer =>
  deflateSync(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents, { level });

export function withNativeDeflate(pdf: PDFDocument): PDFDocument {
  const { context } = pdf;
  context.flateStream = (contents, dict = {}) => context.stream(deflate(contents), { ...dict, Filter: 'FlateDecode' });
  return pdf;
}
