// Letters NFKD does not decompose into ASCII.
const TRANSLITERATIONS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/** Room for a `-NNN` suffix under the 220 characters a course path accepts. */
const MAX_BASE_LENGTH = 200;

/**
 * A course slug from its title: lowercase ASCII letters, digits and single hyphens (accents transliterated,
 * `&` read as "and", anything else dropped), `course` when nothing is left.
 */
export function slugify(title: string): string {
  const ascii = title
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (ch) => TRANSLITERATIONS[ch] ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' and ');
  const slug = ascii
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_BASE_LENGTH)
    .replace(/-+$/, '');
  return slug || 'course';
}
