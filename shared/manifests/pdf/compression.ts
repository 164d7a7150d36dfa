/**
 * The hub's PDFs compress their streams with Node's zlib, not the JavaScript port (pako) pdf-lib
 * uses: deflating the embedded font subsets and the page contents was the largest part of a small
 * manifest's render. Only the document's own context is changed; its streams stay ordinary
 * FlateDecode streams.
 */
import { deflateSync } from 'node:zlib';
import type { PDFDocument } from 'pdf-lib';

/** Text is taken byte per character, as pdf-lib takes it. */
export const deflate = (contents: string | Uint8Array): Buffer =>
  deflateSync(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents);

export function withNativeDeflate(pdf: PDFDocument): PDFDocument {
  const { context } = pdf;
  context.flateStream = (contents, dict = {}) => context.stream(deflate(contents), { ...dict, Filter: 'FlateDecode' });
  return pdf;
}
