import path from 'node:path';

/**
 * Fonts for rendered PDFs. pdfkit's built-in fonts only cover Western European text; DejaVu Sans (shipped as
 * an npm package, free licence) covers Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic letters,
 * so a learner's name prints as they wrote it in those scripts.
 */
const DIR = path.dirname(require.resolve('dejavu-fonts-ttf/package.json'));

export const FONTS = {
  regular: path.join(DIR, 'ttf', 'DejaVuSans.ttf'),
  bold: path.join(DIR, 'ttf', 'DejaVuSans-Bold.ttf'),
} as const;
