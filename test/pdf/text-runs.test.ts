import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import PDFDocument from 'pdfkit';
import { BASE_FONT, FONT_CHAIN, type FontFile, loadFont } from '../../src/pdf/fonts';
import { textRuns, widthOfText, writeText } from '../../src/pdf/textRuns';

const runs = (text: string, weight: 'regular' | 'bold' = 'regular') => textRuns(text, weight).map((r) => [r.text, r.font.name]);
const fontNamed = (name: string): FontFile => {
  const file = [...FONT_CHAIN.regular, ...FONT_CHAIN.bold].find((f) => f.name === name);
  assert.ok(file, name);
  return file;
};

describe('text runs', () => {
  it('set each script of a mixed name in the first font of the chain that has it', () => {
    assert.deepEqual(runs('Zoë 王小明 山田太郎 김민준 राहुल สมชาย'), [
      ['Zoë ', 'regular'],
      ['王小明 山田太郎 ', 'NotoSansHans-Regular'],
      ['김민준 ', 'NotoSansKR-Regular'],
      ['राहुल ', 'NotoSansDevanagari-Regular'],
      ['สมชาย', 'NotoSansThai-Regular'],
    ]);
    assert.deepEqual(runs('Zoë 王小明 김민준', 'bold'), [
      ['Zoë ', 'bold'],
      ['王小明 ', 'NotoSansHans-Bold'],
      ['김민준', 'NotoSansKR-Bold'],
    ]);
  });

  it('cover the scripts of the chain, each in one run', () => {
    const samples: Array<[string, string]> = [
      ['Ἀλέξανδρος Петров', 'regular'],
      ['محمد علي', 'regular'],
      ['דוד לוי', 'regular'],
      ['Գրիգոր Նարեկացի', 'regular'],
      ['やまだ たろう カタカナ', 'NotoSansHans-Regular'],
      ['陳大文 張偉', 'NotoSansHans-Regular'],
      ['রবীন্দ্রনাথ ঠাকুর', 'NotoSansBengali-Regular'],
      ['சுப்பிரமணியன்', 'NotoSansTamil-Regular'],
      ['వెంకటేశ్వర్లు', 'NotoSansTelugu-Regular'],
      ['નરેન્દ્ર મોદી', 'NotoSansGujarati-Regular'],
      ['ਹਰਪ੍ਰੀਤ ਸਿੰਘ', 'NotoSansGurmukhi-Regular'],
      ['ಕೃಷ್ಣಪ್ಪ', 'NotoSansKannada-Regular'],
      ['ശ്രീകുമാർ', 'NotoSansMalayalam-Regular'],
      ['ශ්‍රී ලංකා', 'NotoSansSinhala-Regular'],
      ['សុខ ស្រី', 'NotoSansKhmer-Regular'],
      ['አበበ ቢቂላ', 'NotoSansEthiopic-Regular'],
    ];
    for (const [text, font] of samples) {
      assert.deepEqual(runs(text), [[text, font]], text);
      const file = fontNamed(font);
      for (const char of text) assert.ok(loadFont(file).hasGlyphForCodePoint(char.codePointAt(0) as number), `${font} has ${char}`);
    }
  });

  it('keep combining marks, joiners and spaces with their letters; a character no font has stays in the run', () => {
    assert.deepEqual(runs('Zoe\u0308 Ab'), [['Zoe\u0308 Ab', 'regular']]);
    assert.deepEqual(runs('ශ්\u200Dරී'), [['ශ්\u200Dරී', 'NotoSansSinhala-Regular']], 'the ZWJ stays inside the Sinhala cluster');
    assert.deepEqual(runs('王小明 (Beijing)'), [
      ['王小明 (', 'NotoSansHans-Regular'],
      ['Beijing)', 'regular'],
    ]);
    // Myanmar is not in the chain (fontkit cannot order it): its letters print as missing glyphs, nothing throws.
    assert.deepEqual(runs('Aက'), [['Aက', 'regular']]);
    assert.deepEqual(runs('က'), [['က', BASE_FONT.regular.name]]);
    assert.deepEqual(runs(''), []);
  });

  it('shape Indic clusters: conjuncts become one glyph, a pre-base vowel sign moves before its consonant', () => {
    const devanagari = loadFont(fontNamed('NotoSansDevanagari-Regular'));
    assert.equal(devanagari.layout('क्ष').glyphs.length, 1, 'क + virama + ष is one conjunct glyph');
    assert.deepEqual(
      devanagari.layout('कि').glyphs.map((g) => g.codePoints),
      [[0x093f], [0x0915]],
      'the i-matra is drawn first',
    );
    const khmer = loadFont(fontNamed('NotoSansKhmer-Regular'));
    // fontkit 2.0.4 throws on Noto Sans Khmer's and Gurmukhi's NULL anchors unless fonts.ts guards them.
    assert.ok(khmer.layout('សុខ សំណាង ស្រី កែ').glyphs.length > 0);
    assert.ok(loadFont(fontNamed('NotoSansGurmukhi-Regular')).layout('ਹਰਪ੍ਰੀਤ ਸਿੰਘ').glyphs.length > 0);
  });

  it('write mixed text on one baseline, wrap it within the width and embed every font used', async () => {
    const doc = new PDFDocument({ size: 'A4', margin: 40 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => doc.on('end', resolve));
    const text = 'Hindi for beginners: हिन्दी सीखें — 日本語入門 한국어 기초 ស្រី សុខ ਹਰਪ੍ਰੀਤ '.repeat(3);
    const style = { weight: 'regular' as const, size: 12 };
    const oneLine = widthOfText(doc, text, style);
    writeText(doc, text, { ...style, x: 40, y: 100, width: 300, color: '#000' });
    assert.ok(oneLine > 3 * 300);
    assert.ok(doc.y - 100 >= Math.ceil(oneLine / 300) * 12, 'wrapped onto as many lines as the width needs');
    assert.equal(doc.x, 40);
    doc.end();
    await ended;
    const pdf = Buffer.concat(chunks).toString('latin1');
    for (const font of [
      'DejaVuSans',
      'NotoSansDevanagari-Regular',
      'NotoSansHans-Regular',
      'NotoSansKR-Regular',
      'NotoSansKhmer-Regular',
      'NotoSansGurmukhi-Regular',
    ]) {
      assert.match(pdf, new RegExp(`/BaseFont /[A-Z]{6}\\+${font}`), font);
    }
  });
});
