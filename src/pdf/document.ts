import PDFDocument from 'pdfkit';
import { BASE_FONT } from './fonts';
import { registerFont } from './textRuns';

/**
 * A pdfkit document with DejaVu Sans registered as 'regular' and 'bold' (fonts.ts) for fixed texts (write
 * user-provided ones with textRuns.ts's `writeText`), and its bytes once `doc.end()` is called. Pass
 * `info.CreationDate` so that rendering the same content twice gives the same file.
 */
export function startPdf(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; bytes: Promise<Buffer> } {
  const doc = new PDFDocument(options);
  registerFont(doc, BASE_FONT.regular);
  registerFont(doc, BASE_FONT.bold);
  const chunks: Buffer[] = [];
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, bytes };
}
