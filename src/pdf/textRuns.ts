import { BASE_FONT, FONT_CHAIN, type FontFile, loadFont, type Weight } from './fonts';

/**
 * Text in any script, with font fallback: a text is cut into runs, each set in the first font of the weight's
 * chain (fonts.ts) that has its characters, and the runs are drawn side by side on one baseline. Both PDFs
 * write every user-provided string (names, course titles, addresses) through `writeText`.
 */
export interface TextRun {
  text: string;
  font: FontFile;
}

/**
 * Spaces, digits, punctuation, combining marks and joiners (ZWJ, ZWNJ) belong to no script of their own: they
 * stay in the current run when its font has them, so a space or a joiner never cuts a word or an Indic
 * cluster into two fonts (which would break its shaping).
 */
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

const has = (file: FontFile, codePoint: number): boolean => loadFont(file).hasGlyphForCodePoint(codePoint);

/** The runs of `text`; a character no font has stays in the current run (printed as the font's missing glyph). */
export function textRuns(text: string, weight: Weight = 'regular'): TextRun[] {
  const chain = FONT_CHAIN[weight];
  const runs: TextRun[] = [];
  let current: TextRun | undefined;
  for (const char of text) {
    const codePoint = char.codePointAt(0) as number;
    const font =
      current && NEUTRAL.test(char) && has(current.font, codePoint)
        ? current.font
        : (chain.find((file) => has(file, codePoint)) ?? current?.font ?? BASE_FONT[weight]);
    if (current?.font === font) current.text += char;
    else {
      current = { text: char, font };
      runs.push(current);
    }
  }
  return runs;
}

export interface TextStyle {
  weight: Weight;
  size: number;
}

export interface TextBox extends TextStyle {
  x: number;
  y: number;
  width: number;
  align?: 'left' | 'center' | 'right';
  color: string;
}

/** Registers the font under its name; pdfkit 0.20 takes a parsed fontkit font, so documents share the parsed files. */
export function registerFont(doc: PDFKit.PDFDocument, file: FontFile): PDFKit.PDFDocument {
  return doc.registerFont(file.name, loadFont(file) as unknown as PDFKit.Mixins.PDFFontSource);
}

const useFont = (doc: PDFKit.PDFDocument, file: FontFile, size: number): PDFKit.PDFDocument =>
  registerFont(doc, file).font(file.name, size);

/** The width of `text` on one line. */
export function widthOfText(doc: PDFKit.PDFDocument, text: string, style: TextStyle): number {
  return textRuns(text, style.weight).reduce((sum, run) => sum + useFont(doc, run.font, style.size).widthOfString(run.text), 0);
}

const words = new Intl.Segmenter('und', { granularity: 'word' });
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/**
 * Where a line may end: after white space, and between two words written without a space (Chinese, Japanese,
 * Thai: ICU's dictionaries find those words). Punctuation stays with its word.
 */
function breakPoints(text: string): number[] {
  const points = new Set<number>();
  let previousWordLike = false;
  for (const { index, segment, isWordLike } of words.segment(text)) {
    if (index > 0 && ((/\s/.test(text[index - 1] as string) && !/\s/.test(segment)) || (previousWordLike && isWordLike))) points.add(index);
    previousWordLike = Boolean(isWordLike);
  }
  return [...points, text.length].sort((a, b) => a - b);
}

/** The parts of the runs between two offsets of their text. */
function slice(runs: TextRun[], from: number, to: number): TextRun[] {
  const parts: TextRun[] = [];
  let start = 0;
  for (const run of runs) {
    const end = start + run.text.length;
    if (end > from && start < to)
      parts.push({ font: run.font, text: run.text.slice(Math.max(from - start, 0), Math.min(to, end) - start) });
    start = end;
  }
  return parts;
}

/**
 * Writes `text` at (x, y) within `width`, wrapping if needed, and leaves doc.y below it (as `doc.text` does).
 * Lines are laid out here rather than by pdfkit, whose wrapper measures one font at a time and cannot align a
 * line made of several fonts. Every run shares the baseline and line height of the tallest font of the text,
 * so glyphs of different scripts line up and lines never overlap.
 */
export function writeText(doc: PDFKit.PDFDocument, text: string, box: TextBox): void {
  const { x, width, size } = box;
  const runs = textRuns(text, box.weight);
  const fonts = runs.map((run) => loadFont(run.font));
  const ascent = Math.max(0, ...fonts.map((f) => f.ascent / f.unitsPerEm)) * size;
  const lineHeight = Math.max(0, ...fonts.map((f) => (f.ascent - f.descent + f.lineGap) / f.unitsPerEm)) * size;
  const widthOf = (from: number, to: number): number =>
    slice(runs, from, to).reduce((sum, run) => sum + useFont(doc, run.font, size).widthOfString(run.text), 0);
  const trimEnd = (from: number, to: number): number => from + text.slice(from, to).trimEnd().length;

  doc.fillColor(box.color);
  let y = box.y;
  const points = breakPoints(text);
  let from = 0;
  while (from < text.length) {
    // The furthest break that fits; a word wider than the line is cut between graphemes (at least one).
    let to: number | undefined;
    for (const point of points) {
      if (point <= from) continue;
      if (widthOf(from, trimEnd(from, point)) > width) break;
      to = point;
    }
    if (to === undefined) {
      const end = points.find((p) => p > from) as number;
      const cuts = [...graphemes.segment(text.slice(from, end))].map((g) => from + g.index + g.segment.length);
      to = cuts.filter((c) => widthOf(from, c) <= width).pop() ?? (cuts[0] as number);
    }
    if (y + lineHeight > doc.page.maxY() && y > doc.page.margins.top) {
      doc.addPage();
      y = doc.page.margins.top;
    }
    const end = trimEnd(from, to);
    const free = width - widthOf(from, end);
    let left = x + (box.align === 'center' ? free / 2 : box.align === 'right' ? free : 0);
    for (const run of slice(runs, from, end)) {
      useFont(doc, run.font, size).text(run.text, left, y, { lineBreak: false, baseline: -ascent });
      left += doc.widthOfString(run.text);
    }
    y += lineHeight;
    from = to;
    while (from < text.length && /\s/.test(text[from] as string)) from++;
  }
  doc.x = x;
  doc.y = y;
}
