import path from 'node:path';
import * as fontkit from 'fontkit';

/**
 * Fonts for rendered PDFs, as a fallback chain per weight (textRuns.ts sets each character in the first font
 * of the chain that has it). pdfkit's built-in fonts only cover Western European text, so every font is a
 * file shipped by an npm package under the SIL Open Font License:
 * - DejaVu Sans first: Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic, Lao and more;
 * - Noto Sans for the scripts DejaVu lacks: Indic (Devanagari, Bengali, Tamil, Telugu, Gujarati, Gurmukhi,
 *   Kannada, Malayalam, Sinhala), Thai, Khmer, Ethiopic;
 * - Noto Sans CJK last, as they are the largest files (loaded only when a text needs them): the Simplified
 *   Chinese one for Han characters (all of the basic CJK block, so Chinese, Japanese kanji and traditional
 *   characters) and kana, then the Korean one for Hangul.
 * Myanmar is left out on purpose: fontkit does not reorder its prebase vowels and medials, so a name would
 * print misspelt rather than as visibly missing glyphs.
 */
export type Weight = 'regular' | 'bold';

export interface FontFile {
  /** The name documents register the font under. */
  name: string;
  path: string;
}

const packageDir = (pkg: string): string => path.dirname(require.resolve(`${pkg}/package.json`));

const dejavu = (file: string): string => path.join(packageDir('dejavu-fonts-ttf'), 'ttf', file);

/** An @expo-google-fonts Noto Sans package, which ships one TTF per weight. */
function googleNoto(script: string): Record<Weight, FontFile> {
  const dir = packageDir(`@expo-google-fonts/noto-sans-${script.toLowerCase()}`);
  const file = (weight: string): FontFile => ({
    name: `NotoSans${script}-${weight.replace(/^\d+/, '')}`,
    path: path.join(dir, weight, `NotoSans${script}_${weight}.ttf`),
  });
  return { regular: file('400Regular'), bold: file('700Bold') };
}

/** An @embedpdf CJK package (Noto Sans CJK OTFs); its package.json is not exported, its main file is. */
function cjkNoto(pkg: string, family: string): Record<Weight, FontFile> {
  const dir = path.join(path.dirname(require.resolve(pkg)), '..', 'fonts');
  const file = (weight: string): FontFile => ({ name: `${family}-${weight}`, path: path.join(dir, `${family}-${weight}.otf`) });
  return { regular: file('Regular'), bold: file('Bold') };
}

/** DejaVu Sans: first in each chain, and registered as 'regular' and 'bold' in every document for fixed texts. */
export const BASE_FONT: Readonly<Record<Weight, FontFile>> = {
  regular: { name: 'regular', path: dejavu('DejaVuSans.ttf') },
  bold: { name: 'bold', path: dejavu('DejaVuSans-Bold.ttf') },
};

const FAMILIES: ReadonlyArray<Record<Weight, FontFile>> = [
  BASE_FONT,
  ...[
    'Devanagari',
    'Bengali',
    'Tamil',
    'Telugu',
    'Gujarati',
    'Gurmukhi',
    'Kannada',
    'Malayalam',
    'Sinhala',
    'Thai',
    'Khmer',
    'Ethiopic',
  ].map(googleNoto),
  cjkNoto('@embedpdf/fonts-sc', 'NotoSansHans'),
  cjkNoto('@embedpdf/fonts-kr', 'NotoSansKR'),
];

export const FONT_CHAIN: Readonly<Record<Weight, readonly FontFile[]>> = {
  regular: FAMILIES.map((family) => family.regular),
  bold: FAMILIES.map((family) => family.bold),
};

const loaded = new Map<string, fontkit.Font>();

/** The parsed font, read once per process (the CJK files are several megabytes each). */
export function loadFont(file: FontFile): fontkit.Font {
  let font = loaded.get(file.path);
  if (!font) {
    const opened = fontkit.openSync(file.path);
    if (!('hasGlyphForCodePoint' in opened)) throw new Error(`${file.path} is a font collection, not a font`);
    font = opened;
    tolerateNullAnchors(font);
    loaded.set(file.path, font);
  }
  return font;
}

let anchorsGuarded = false;

/**
 * fontkit 2.0.4 throws on GPOS mark anchors left NULL, which the OpenType spec allows and Noto Sans Khmer and
 * Gurmukhi ship (foliojs/fontkit#367, fix proposed in #374): any Khmer or Gurmukhi name with a vowel sign
 * would fail to render. Until a release has the fix, skip such an anchor as HarfBuzz does. The processor
 * class is internal, so it is reached through a font's layout engine; if fontkit's shape changes, nothing is
 * patched (test/pdf/text-runs.test.ts lays out Khmer and Gurmukhi names to notice).
 */
function tolerateNullAnchors(font: fontkit.Font): void {
  if (anchorsGuarded) return;
  font.layout('a');
  const engine = (font as unknown as { _layoutEngine?: { engine?: { GPOSProcessor?: object } } })._layoutEngine?.engine;
  if (!engine?.GPOSProcessor) return;
  anchorsGuarded = true;
  type ApplyAnchor = (this: unknown, markRecord: { markAnchor?: unknown } | null, baseAnchor: unknown, baseIndex: number) => void;
  const proto = Object.getPrototypeOf(engine.GPOSProcessor) as { applyAnchor?: ApplyAnchor };
  const original = proto.applyAnchor;
  if (typeof original !== 'function') return;
  proto.applyAnchor = function (markRecord, baseAnchor, baseIndex) {
    if (!baseAnchor || !markRecord?.markAnchor) return;
    original.call(this, markRecord, baseAnchor, baseIndex);
  };
}
