import { startPdf } from './document';
import type { Weight } from './fonts';
import { type TextStyle, widthOfText, writeText } from './textRuns';

export interface CertificateContent {
  learnerName: string;
  courseTitle: string;
  instructorName: string;
  issuedAt: Date;
  verificationCode: string;
  verifyUrl: string;
}

const INK = '#1f2937';
const ACCENT = '#4f46e5';
const MUTED = '#6b7280';

/**
 * Renders a one-page landscape certificate. Every text goes through textRuns.ts, so a name prints as written
 * in any script the font chain covers (fonts.ts; fontkit joins Arabic letters and lays out a right-to-left
 * name right to left; a name mixing directions is not reordered). The creation date is the issue date, so
 * rendering the same certificate twice gives the same document.
 */
export function renderCertificatePdf(content: CertificateContent): Promise<Buffer> {
  const { doc, bytes } = startPdf({
    size: 'A4',
    layout: 'landscape',
    margin: 56,
    info: { Title: `Certificate ${content.verificationCode}`, Author: 'LearnFlow', CreationDate: content.issuedAt },
  });

  const { width, height } = doc.page;
  const inner = width - 2 * 56;
  doc
    .lineWidth(3)
    .strokeColor(ACCENT)
    .rect(28, 28, width - 56, height - 56)
    .stroke();
  doc
    .lineWidth(1)
    .rect(36, 36, width - 72, height - 72)
    .stroke();

  const centered = (text: string, weight: Weight, size: number, color: string, gap = 0): void => {
    writeText(doc, text, {
      x: 56,
      y: doc.y + gap,
      width: inner,
      align: 'center',
      weight,
      size: fitSize(doc, text, { weight, size }, inner),
      color,
    });
  };

  doc.y = 90;
  centered('LearnFlow', 'bold', 20, ACCENT);
  centered('Certificate of Completion', 'bold', 34, INK, 18);
  centered('This certifies that', 'regular', 14, MUTED, 28);
  centered(content.learnerName, 'bold', 30, INK, 10);
  centered('has successfully completed the course', 'regular', 14, MUTED, 14);
  centered(content.courseTitle, 'bold', 22, INK, 10);
  centered(`taught by ${content.instructorName}`, 'regular', 14, MUTED, 10);
  centered(`Issued on ${formatDate(content.issuedAt)}`, 'regular', 12, INK, 36);
  centered(`Verification code: ${content.verificationCode}`, 'bold', 12, INK, 8);
  centered(`Verify at ${content.verifyUrl}`, 'regular', 9, MUTED, 6);

  doc.end();
  return bytes;
}

/** The largest size up to `style.size` at which `text` fits on one line of `width`. */
function fitSize(doc: PDFKit.PDFDocument, text: string, style: TextStyle, width: number): number {
  const natural = widthOfText(doc, text, style);
  return natural <= width ? style.size : Math.max(10, Math.floor((style.size * width) / natural));
}

function formatDate(at: Date): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' }).format(at);
}
