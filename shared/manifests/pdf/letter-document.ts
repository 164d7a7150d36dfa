/**
 * The hub's letter-size documents beside the manifest (the receipt, the receiving sheet): one page
 * geometry, the embedded typeface, the metadata every hub PDF carries, and the frame drawn on every
 * page once the pages are known (heading, reference, footer, "Page n of m").
 */
import { PDFDocument } from 'pdf-lib';
import { GlyphCodes, PageCanvas } from './canvas.ts';
import { withNativeDeflate } from './compression.ts';
import { PRODUCER } from './manifest-pdf.ts';
import { fontBytes, sharedFontkit } from './typeface.ts';

export const PAGE = { width: 612, height: 792 } as const;
export const MARGIN = 36;
export const WIDTH = PAGE.width - 2 * MARGIN;
export const TOP = 728;
export const BOTTOM = 60;
export const ROW = 11;

export interface DocumentMeta {
  readonly title: string;
  readonly subject: string;
  readonly author?: string;
  /** The document's own time (creation and modification): the same content gives the same bytes. */
  readonly at: Date;
}

export interface PageCursor {
  readonly canvas: PageCanvas;
  y: number;
}

export interface LetterDocument {
  readonly pdf: PDFDocument;
  readonly pages: readonly PageCanvas[];
  newPage(): PageCursor;
}

export async function letterDocument(meta: DocumentMeta): Promise<LetterDocument> {
  const pdf = withNativeDeflate(await PDFDocument.create({ updateMetadata: false }));
  pdf.registerFontkit(sharedFontkit);
  const glyphs = new GlyphCodes({
    regular: await pdf.embedFont(fontBytes.regular, { subset: true }),
    bold: await pdf.embedFont(fontBytes.bold, { subset: true }),
  });
  pdf.setTitle(meta.title);
  pdf.setSubject(meta.subject);
  if (meta.author !== undefined) pdf.setAuthor(meta.author);
  pdf.setCreator('NY transfer hub');
  pdf.setProducer(PRODUCER);
  pdf.setCreationDate(meta.at);
  pdf.setModificationDate(meta.at);
  pdf.setLanguage('en-US');
  const pages: PageCanvas[] = [];
  return {
    pdf,
    pages,
    newPage() {
      const canvas = new PageCanvas(pdf.addPage([PAGE.width, PAGE.height]), glyphs);
      pages.push(canvas);
      return { canvas, y: TOP };
    },
  };
}

export interface Frame {
  readonly heading: string;
  /** How much of the top line the heading takes; the reference is right-aligned in the rest. */
  readonly headingWidth: number;
  readonly reference: string;
  readonly footer: string;
  /** A smaller line under the footer. */
  readonly footnote?: string;
}

/** Draws the frame on every page and saves the document. */
export function framedPdf(document: LetterDocument, frame: Frame): Promise<Uint8Array> {
  const { pages } = document;
  pages.forEach((canvas, index) => {
    const top = PAGE.height - MARGIN - 8;
    canvas.text(frame.heading, MARGIN, top, { weight: 'bold', size: 11, width: frame.headingWidth });
    canvas.text(frame.reference, MARGIN + frame.headingWidth, top, { weight: 'bold', size: 9, width: WIDTH - frame.headingWidth, align: 'right' });
    canvas.line(MARGIN, top - 6, MARGIN + WIDTH, top - 6, 1);
    const bottom = MARGIN + 2;
    canvas.line(MARGIN, bottom + 18, MARGIN + WIDTH, bottom + 18, 0.5);
    canvas.text(frame.footer, MARGIN, bottom + 8, { size: 7, width: WIDTH - 70 });
    if (frame.footnote !== undefined) canvas.text(frame.footnote, MARGIN, bottom, { size: 6.5, width: WIDTH - 70 });
    canvas.text(`Page ${index + 1} of ${pages.length}`, MARGIN + WIDTH - 70, bottom + 8, { weight: 'bold', size: 8, width: 70, align: 'right' });
    canvas.finish();
  });
  return document.pdf.save({ useObjectStreams: true });
}
