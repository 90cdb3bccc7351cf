import type { Knex } from 'knex';
import {
  type CourseListRow,
  type Level,
  type ListRowsAtVersion,
  listRowsAtVersion,
  listRowsAtVersionQuery,
  listRowsQuery,
  type RowAtVersion,
} from './courses';
import type { Db } from '../db/knex';
import { intParam, param, runReadShape } from '../db/sqlShapes';

/** The catalog filters after normalization: cents, tenths of a star, a resolved category. */
export interface CatalogFilters {
  /** undefined: no filter; null: a category that does not exist (matches nothing). */
  categoryId?: string | null;
  level?: Level;
  language?: string;
  minPriceCents?: number;
  maxPriceCents?: number;
  isFree?: boolean;
  /** The lowest shown rating in tenths of a star (4.5 → 45). */
  ratingMinTenths?: number;
  instructorId?: string;
  /** `ranked`: full text with weights; `fuzzy`: trigram word similarity, the fallback for typos. */
  search?: { text: string; mode: 'ranked' } | { text: string; mode: 'fuzzy'; phrases: FuzzyPhrases };
}

/** The distinct titles and instructor names a typo search matches (findFuzzyPhrases), as jsonb parameters. */
export interface FuzzyPhrases {
  /** `[{ "phrase": title, "score": word similarity }]` */
  titles: string;
  names: string;
}

export type Ordering =
  | 'relevance'
  | 'rating'
  | '-rating'
  | 'price'
  | '-price'
  | 'newest'
  | '-newest'
  | 'popularity'
  | '-popularity'
  | 'review_count'
  | '-review_count'
  | 'title'
  | '-title';

type Dir = 'asc' | 'desc';

// Each ordering's key, key direction and id tie-break. The tie-break is chosen so that every ordering reads one of
// the partial sort indexes ((student_count DESC, id), (price_cents, id), ...) forwards or backwards, and so that
// `x` is exactly the reverse of `-x`.
const ORDERINGS: Record<Exclude<Ordering, 'relevance'>, [key: string, keyDir: Dir, idDir: Dir]> = {
  '-popularity': ['student_count', 'desc', 'asc'],
  popularity: ['student_count', 'asc', 'desc'],
  '-rating': ['rating_avg', 'desc', 'asc'],
  rating: ['rating_avg', 'asc', 'desc'],
  '-review_count': ['review_count', 'desc', 'asc'],
  review_count: ['review_count', 'asc', 'desc'],
  price: ['price_cents', 'asc', 'asc'],
  '-price': ['price_cents', 'desc', 'desc'],
  title: ['title', 'asc', 'asc'],
  '-title': ['title', 'desc', 'desc'],
  newest: ['last_updated', 'desc', 'asc'],
  '-newest': ['last_updated', 'asc', 'desc'],
};

export interface SortSpec {
  /** The expression of the page's sort key, selected as `s0` by the page query. */
  key: Knex.Raw;
  /** A typo search's best match first (FUZZY_RANK, over fuzzyMatches): pageQuery reads it from the matches alone. */
  bestFuzzyMatch?: boolean;
  keyDir: Dir;
  idDir: Dir;
}

// The typo fallback's relevance, greatest(word_similarity(search, title), word_similarity(search, instructor_name)),
// read from the matched distinct titles and names (findFuzzyPhrases) instead of computed per course: a course
// matches through its title or its name, whose score is then at least the threshold, and a side that did not
// match scores under it, so the greatest is the best score among the course's matches (rows of fuzzyMatches).
const FUZZY_RANK = 'max(score)';

function rankExpression(db: Db, search: NonNullable<CatalogFilters['search']>): Knex.Raw {
  return search.mode === 'ranked'
    ? db.raw(`ts_rank(search_vector, websearch_to_tsquery('english', ?))`, [search.text])
    : db.raw(FUZZY_RANK);
}

// A matched phrase list (jsonb, one parameter whatever its length) as rows, and as an array for `= ANY`.
const PHRASE_ROWS = 'jsonb_to_recordset(?::jsonb) AS ?? (phrase text, score real)';
const PHRASE_ARRAY = `ARRAY(SELECT p->>'phrase' FROM jsonb_array_elements(?::jsonb) p)`;

/** The fuzzy pass's similarity bar: under pg_trgm's 0.6, so that a word with a swapped letter ("desing", 0.57) still matches. */
export const FUZZY_WORD_SIMILARITY = 0.4;

// Sets the threshold for the rest of this statement's transaction only (the trigram index consults the setting):
// an uncorrelated subquery in WHERE is a one-time filter, which the executor checks before it starts the scan
// under it, so the setting is in place when the index is read, without a transaction of its own around it.
const THRESHOLD_GATE = `(SELECT set_config('pg_trgm.word_similarity_threshold', ?, true)) IS NOT NULL`;

/**
 * The distinct titles and instructor names (migration create_catalog_phrases) within FUZZY_WORD_SIMILARITY of the
 * search, with their scores: one statement through the two trigram indexes, run once per search. The facets and
 * the page then take the phrases as parameters and find their courses by equality through btree indexes, instead
 * of each repeating the trigram lookups (four of them per statement before, a few ms each at 100,000 courses).
 */
export async function findFuzzyPhrases(db: Db, text: string): Promise<FuzzyPhrases> {
  const bar = String(FUZZY_WORD_SIMILARITY);
  const rows = await runReadShape<{ by_name: boolean; phrase: string; score: number }>(
    db,
    'catalog fuzzy phrases',
    () => {
      const search = param('search');
      return db.raw(
        `SELECT false AS by_name, t.title AS phrase, word_similarity(?, t.title) AS score FROM catalog_titles t
           WHERE ${THRESHOLD_GATE} AND ? <% t.title
         UNION ALL
         SELECT true, n.name, word_similarity(?, n.name) FROM catalog_instructor_names n
           WHERE ${THRESHOLD_GATE} AND ? <% n.name`,
        [search, bar, search, search, bar, search],
      );
    },
    { search: text },
  );
  const titles = rows.filter((r) => !r.by_name).map(({ phrase, score }) => ({ phrase, score }));
  const names = rows.filter((r) => r.by_name).map(({ phrase, score }) => ({ phrase, score }));
  return { titles: JSON.stringify(titles), names: JSON.stringify(names) };
}

/** `relevance` is the best match first with a search, and `-popularity` without one. */
function sortSpec(db: Db, ordering: Ordering, search: CatalogFilters['search']): SortSpec {
  if (ordering === 'relevance' && search) {
    return { key: rankExpression(db, search), keyDir: 'desc', idDir: 'asc', bestFuzzyMatch: search.mode === 'fuzzy' };
  }
  const [key, keyDir, idDir] = ORDERINGS[ordering === 'relevance' ? '-popularity' : ordering];
  return { key: db.raw('??', [key]), keyDir, idDir };
}

/** The filters of one facet dimension; undefined when the request does not filter on it. */
type Dimension = Knex.Raw | undefined;

interface Predicates {
  /** Applies everywhere, except a typo search's phrases: see fuzzyMatches. */
  base: Knex.Raw[];
  category: Dimension;
  level: Dimension;
  language: Dimension;
  price: Dimension;
}

function and(db: Db, parts: Dimension[]): Knex.Raw {
  const present = parts.filter((p): p is Knex.Raw => p !== undefined);
  if (present.length === 0) return db.raw('TRUE');
  return db.raw(present.map(() => '(?)').join(' AND '), present);
}

const filtersRating = (f: CatalogFilters): f is CatalogFilters & { ratingMinTenths: number } => (f.ratingMinTenths ?? 0) > 0;

/**
 * The filters as SQL predicates, split by facet dimension: `base` applies everywhere, the others are left out
 * of their own facet (disjunctive faceting).
 */

function predicates(db: Db, f: CatalogFilters): Predicates {
  const base: Knex.Raw[] = [db.raw('is_published')];
  if (f.instructorId) base.push(db.raw('instructor_id = ?', [f.instructorId]));
  if (filtersRating(f)) {
    // rating_avg (two decimals) narrows through its index; the exact shown rating, rounded half up from the star
    // counts (floor((20*sum + n) / 2n) tenths), decides, so the filter agrees with the `rating` the client sees.
    // The bound is one integer parameter (see catalogShape), so both expressions are computed from it.
    const v = f.ratingMinTenths;
    base.push(
      db.raw(
        'rating_avg >= (?::int - 0.5) / 10 AND ' +
          '20 * (rating_1 + 2 * rating_2 + 3 * rating_3 + 4 * rating_4 + 5 * rating_5) + rating_count >= 2 * ?::int * rating_count',
        [v, v],
      ),
    );
  }
  if (f.search?.mode === 'ranked') base.push(db.raw(`search_vector @@ websearch_to_tsquery('english', ?)`, [f.search.text]));

  const price: Knex.Raw[] = [];
  if (f.minPriceCents !== undefined) price.push(db.raw('price_cents >= ?', [f.minPriceCents]));
  if (f.maxPriceCents !== undefined) price.push(db.raw('price_cents <= ?', [f.maxPriceCents]));
  if (f.isFree === true) price.push(db.raw('price_cents = 0'));
  if (f.isFree === false) price.push(db.raw('price_cents > 0'));

  return {
    base,
    category: f.categoryId === undefined ? undefined : f.categoryId === null ? db.raw('FALSE') : db.raw('category_id = ?', [f.categoryId]),
    level: f.level ? db.raw('level = ?', [f.level]) : undefined,
    language: f.language ? db.raw('lower(language) = lower(?)', [f.language]) : undefined,
    price: price.length > 0 ? and(db, price) : undefined,
  };
}

/** Every filter but a typo search's phrases. */
function matchFilters(db: Db, f: CatalogFilters): Knex.Raw {
  const p = predicates(db, f);
  return and(db, [...p.base, p.category, p.level, p.language, p.price]);
}

/**
 * A typo search's courses: word_similarity(search, title or name) >= the threshold was tested once per distinct
 * title and name by findFuzzyPhrases; the courses come by equality, one phrase at a time, through the two covering
 * indexes (migration cover_fuzzy_match_indexes), each branch filtered by `where`. A course matching by title and by
 * name comes once from each branch: `union` (rather than UNION ALL) merges identical rows, so `columns` must include
 * the id when the rows are counted.
 */
function fuzzyMatches(db: Db, phrases: FuzzyPhrases, where: Knex.Raw, columns: string, union: 'UNION' | 'UNION ALL'): Knex.Raw {
  return db.raw(
    `SELECT ${columns} FROM ${PHRASE_ROWS} JOIN courses ON courses.title = fuzzy_match.phrase WHERE ?
     ${union}
     SELECT ${columns} FROM ${PHRASE_ROWS} JOIN courses ON courses.instructor_name = fuzzy_match.phrase WHERE ?`,
    [phrases.titles, 'fuzzy_match', where, phrases.names, 'fuzzy_match', where],
  );
}

/** Every filter at once: the WHERE clause of the page. */
function matchAll(db: Db, f: CatalogFilters): Knex.Raw {
  const where = matchFilters(db, f);
  if (f.search?.mode !== 'fuzzy') return where;
  const { titles, names } = f.search.phrases;
  return db.raw(`? AND (courses.title = ANY(${PHRASE_ARRAY}) OR courses.instructor_name = ANY(${PHRASE_ARRAY}))`, [where, titles, names]);
}

const flip = (dir: Dir): Dir => (dir === 'asc' ? 'desc' : 'asc');

/**
 * The ids and sort keys of one page, in order (the subquery selectListRows joins names onto). `fromEnd` reads
 * the same ordering backwards with `offset` counted from the last match: a page past the middle of N matches
 * then skips N - offset - limit index entries instead of offset (selectListRows puts the rows back in order).
 */
function pageQuery(db: Db, f: CatalogFilters, sort: SortSpec, limit: number, offset: number, fromEnd = false): Knex.Raw {
  const keyDir = fromEnd ? flip(sort.keyDir) : sort.keyDir;
  const idDir = fromEnd ? flip(sort.idDir) : sort.idDir;
  if (f.search?.mode === 'fuzzy' && sort.bestFuzzyMatch) {
    // The best match first (FUZZY_RANK), from the matches alone: no course row is read.
    const matches = fuzzyMatches(db, f.search.phrases, matchFilters(db, f), 'courses.id, fuzzy_match.score', 'UNION ALL');
    return db.raw(`SELECT id, ? AS s0 FROM (?) fuzzy GROUP BY id ORDER BY 2 ${keyDir}, id ${idDir} LIMIT ? OFFSET ?`, [
      sort.key,
      matches,
      limit,
      offset,
    ]);
  }
  return db.raw(`SELECT id, ? AS s0 FROM courses WHERE ? ORDER BY 2 ${keyDir}, id ${idDir} LIMIT ? OFFSET ?`, [
    sort.key,
    matchAll(db, f),
    limit,
    offset,
  ]);
}

/** Where a page starts in its ordering: the exact sort key (as text) and id of its first row. */
export interface PageAnchor {
  key: string;
  id: string;
}

/** Whether an ordering's pages can start at an anchor: its key is never NULL (price_cents may be). */
export function anchorable(ordering: Ordering): boolean {
  return ordering !== 'price' && ordering !== '-price';
}

/**
 * The page of `limit` matches starting at `anchor` (inclusive), with no OFFSET: the anchor's ties (same key, id
 * from the anchor's on) and then the keys after it, each one range of the ordering's sort index, so the statement
 * reads about 2 × limit index entries wherever the page lies. The same columns and order as pageQuery's, for
 * selectListRows; only for the orderings of `anchorable`, without a search.
 */
function anchoredPageQuery(db: Db, f: CatalogFilters, sort: SortSpec, limit: number, anchor: PageAnchor): Knex.Raw {
  const where = matchAll(db, f);
  const after = sort.keyDir === 'asc' ? '>' : '<';
  const idFrom = sort.idDir === 'asc' ? '>=' : '<=';
  return db.raw(
    `SELECT id, s0 FROM (
       (SELECT id, ? AS s0 FROM courses WHERE ? AND ? = ? AND id ${idFrom} ? ORDER BY id ${sort.idDir} LIMIT ?)
       UNION ALL
       (SELECT id, ? AS s0 FROM courses WHERE ? AND ? ${after} ? ORDER BY 2 ${sort.keyDir}, id ${sort.idDir} LIMIT ?)
     ) anchored ORDER BY 2 ${sort.keyDir}, id ${sort.idDir} LIMIT ?`,
    [sort.key, where, sort.key, anchor.key, anchor.id, limit, sort.key, where, sort.key, anchor.key, limit, limit],
  );
}

const PRICE_BAND_SQL = `CASE WHEN price_cents IS NULL THEN NULL WHEN price_cents = 0 THEN 'free'
  WHEN price_cents < 2000 THEN 'under_20' WHEN price_cents < 5000 THEN '20_to_50'
  WHEN price_cents < 10000 THEN '50_to_100' ELSE 'over_100' END`;

/**
 * Whether the request filters only on facet dimensions, so catalog_facet_counts can answer the facets and total
 * (and catalog_version tells when they change).
 */
export function facetDimensionsOnly(f: CatalogFilters): boolean {
  return !f.search && !f.instructorId && !filtersRating(f);
}

/**
 * Whether the request is a ranked search filtered otherwise on facet dimensions only: its matches, facets and
 * total change only with catalog_version and search_version (migration add_catalog_search_version). A rating or
 * instructor filter depends on what neither follows (ratings; an instructor change that keeps the name).
 */
export function rankedSearchOnFacetDimensions(f: CatalogFilters): boolean {
  return f.search?.mode === 'ranked' && !f.instructorId && !filtersRating(f);
}

/**
 * One aggregate giving the total and the four facets at once. Each facet counts the rows passing every filter
 * but its own dimension (FILTER clauses over GROUPING SETS). The rows are the trigger-maintained
 * catalog_facet_counts (published courses per category, level, language and price, weighted by their count)
 * when only those dimensions are filtered, which is the common browse; otherwise the published courses passing
 * the other filters (search, rating, instructor), read through the covering facets index.
 * GROUPING(category_id, level, language, band) tells the sets apart: 7 category, 11 level, 13 language, 14 band, 15 total.
 * Every row carries the catalog and search versions its statement saw: the key under which its facets may be cached.
 */
function facetsQuery(db: Db, f: CatalogFilters): Knex.Raw {
  const p = predicates(db, f);
  const source = facetDimensionsOnly(f)
    ? db.raw('SELECT category_id, level, language, price_cents, courses AS weight FROM catalog_facet_counts WHERE courses > 0')
    : f.search?.mode === 'fuzzy'
      ? db.raw('SELECT category_id, level, language, price_cents, 1 AS weight FROM (?) fuzzy', [
          fuzzyMatches(
            db,
            f.search.phrases,
            and(db, p.base),
            'courses.id, courses.category_id, courses.level, courses.language, courses.price_cents',
            'UNION',
          ),
        ])
      : db.raw('SELECT category_id, level, language, price_cents, 1 AS weight FROM courses WHERE ?', [and(db, p.base)]);
  return db.raw(
    `SELECT f.*, cat.name AS category_name, cat.slug AS category_slug,
       (SELECT version FROM catalog_version) AS catalog_version,
       (SELECT search_version FROM catalog_version) AS catalog_search_version FROM (
       SELECT category_id, level, language, band, GROUPING(category_id, level, language, band) AS g,
         coalesce(sum(weight) FILTER (WHERE pl AND pg AND pp), 0)::int AS by_category,
         coalesce(sum(weight) FILTER (WHERE pc AND pg AND pp), 0)::int AS by_level,
         coalesce(sum(weight) FILTER (WHERE pc AND pl AND pp), 0)::int AS by_language,
         coalesce(sum(weight) FILTER (WHERE pc AND pl AND pg), 0)::int AS by_band,
         coalesce(sum(weight) FILTER (WHERE pc AND pl AND pg AND pp), 0)::int AS total
       FROM (
         SELECT category_id, level, language, weight, ${PRICE_BAND_SQL} AS band,
                (?) AS pc, (?) AS pl, (?) AS pg, (?) AS pp
         FROM (?) rows
       ) m
       GROUP BY GROUPING SETS ((category_id), (level), (language), (band), ())
     ) f LEFT JOIN categories cat ON cat.id = f.category_id`,
    [and(db, [p.category]), and(db, [p.level]), and(db, [p.language]), and(db, [p.price]), source],
  );
}

export interface FacetRow {
  g: number;
  category_id: string | null;
  category_name: string | null;
  category_slug: string | null;
  level: Level | null;
  language: string | null;
  band: string | null;
  by_category: number;
  by_level: number;
  by_language: number;
  by_band: number;
  total: number;
  catalog_version: number;
  catalog_search_version: number;
}

/**
 * A catalog request's statements as shapes (src/db/sqlShapes.ts): the filters with a marker in place of each value,
 * so that each statement is built once per combination of filters and ordering and then runs with the request's
 * values (prepared only when `searchOnly`). knex's building of these texts (nested raws re-scanned for their placeholders) and its runner
 * were the largest part of the search's CPU not found in the bare server. `key` tells the shapes apart: which
 * filters are present, and the few values that change the text (is_free, a category that does not exist, the
 * search mode); no client text ever enters a key.
 */
export interface CatalogShape {
  key: string;
  marked: CatalogFilters;
  params: Record<string, unknown>;
  /**
   * Whether the statements may be prepared (facets always, the page in `relevance` order): only for a search with
   * no other filter. A generic plan cannot know how many courses a filter keeps: at 100,000 courses, forced
   * generic plans took 61 ms for the default page (0.14 ms custom), 87 ms for a price range by rating (0.22 ms),
   * and PostgreSQL chose on its own a generic plan 4 x slower than the custom one for a category, level and price
   * filter by rating. A search reads the full-text or trigram matches whatever the plan: generic plans there ran as
   * fast as the custom ones and saved their planning (0.3-0.5 ms per statement).
   */
  searchOnly: boolean;
}

export function catalogShape(f: CatalogFilters): CatalogShape {
  const params: Record<string, unknown> = {};
  // The same presence tests as predicates() makes, so that the marked filters build the same predicates.
  const mark = <T>(name: string, value: T | undefined, marker: (name: string) => unknown = param): T | undefined => {
    if (value === undefined || value === '') return undefined;
    params[name] = value;
    return marker(name) as T;
  };
  const search = f.search;
  const marked: CatalogFilters = {
    categoryId: f.categoryId === null ? null : mark('categoryId', f.categoryId),
    level: mark('level', f.level),
    language: mark('language', f.language),
    minPriceCents: mark('minPriceCents', f.minPriceCents, intParam),
    maxPriceCents: mark('maxPriceCents', f.maxPriceCents, intParam),
    isFree: f.isFree,
    ratingMinTenths: filtersRating(f) ? mark('ratingMinTenths', f.ratingMinTenths, intParam) : undefined,
    instructorId: mark('instructorId', f.instructorId),
    search:
      search === undefined
        ? undefined
        : search.mode === 'ranked'
          ? { mode: 'ranked', text: mark('search', search.text) as string }
          : {
              mode: 'fuzzy',
              text: '',
              phrases: { titles: mark('titles', search.phrases.titles) as string, names: mark('names', search.phrases.names) as string },
            },
  };
  const searchOnly = search !== undefined && Object.values(marked).filter((v) => v !== undefined).length === 1;
  return { key: JSON.stringify(marked), marked, params, searchOnly };
}

const orderOf = (sort: SortSpec): Array<{ column: string; dir: Dir }> => [
  { column: 's0', dir: sort.keyDir },
  { column: 'id', dir: sort.idDir },
];

/**
 * The shape's parameters with a statement's own. Copied onto a new object rather than spread with more keys: on
 * Node 20 `{ ...a, b }` builds a new hidden class each time (see courseListItem in src/presenters/courses.ts).
 */
const withParams = (s: CatalogShape, more: Record<string, unknown>): Record<string, unknown> => Object.assign({}, s.params, more);

/** The total and the facets of these filters (facetsQuery). */
export function runFacets(db: Db, s: CatalogShape): Promise<FacetRow[]> {
  return runReadShape<FacetRow>(db, `catalog facets ${s.key}`, () => facetsQuery(db, s.marked), s.params, s.searchOnly);
}

/** The list rows of one page in `ordering` (pageQuery). */
export function readPage(db: Db, s: CatalogShape, ordering: Ordering, limit: number, offset: number): Promise<CourseListRow[]> {
  return runReadShape<CourseListRow>(
    db,
    `catalog page ${ordering} ${s.key}`,
    () => {
      const sort = sortSpec(db, ordering, s.marked.search);
      return listRowsQuery(db, pageQuery(db, s.marked, sort, intParam('limit'), intParam('offset')), orderOf(sort));
    },
    withParams(s, { limit, offset }),
    s.searchOnly && ordering === 'relevance',
  );
}

/** readPage with the catalog versions its statement saw (listRowsAtVersionQuery); `fromEnd` as pageQuery's. */
export async function readPageAtVersion(
  db: Db,
  s: CatalogShape,
  ordering: Ordering,
  limit: number,
  offset: number,
  fromEnd: boolean,
): Promise<ListRowsAtVersion> {
  const rows = await runReadShape<RowAtVersion>(
    db,
    `catalog page at version ${ordering} ${fromEnd} ${s.key}`,
    () => {
      const sort = sortSpec(db, ordering, s.marked.search);
      return listRowsAtVersionQuery(db, pageQuery(db, s.marked, sort, intParam('limit'), intParam('offset'), fromEnd), orderOf(sort));
    },
    withParams(s, { limit, offset }),
    // As readPage's: prepared only for a search alone in relevance order, see CatalogShape.searchOnly.
    s.searchOnly && ordering === 'relevance',
  );
  return listRowsAtVersion(rows);
}

/** The page of `limit` rows starting at `anchor` (anchoredPageQuery), with the catalog versions its statement saw. */
export async function readAnchoredPage(
  db: Db,
  s: CatalogShape,
  ordering: Ordering,
  limit: number,
  anchor: PageAnchor,
): Promise<ListRowsAtVersion> {
  const rows = await runReadShape<RowAtVersion>(
    db,
    `catalog anchored page ${ordering} ${s.key}`,
    () => {
      const sort = sortSpec(db, ordering, s.marked.search);
      const marks = { key: param('anchorKey'), id: param('anchorId') };
      return listRowsAtVersionQuery(db, anchoredPageQuery(db, s.marked, sort, intParam('limit'), marks), orderOf(sort));
    },
    withParams(s, { limit, anchorKey: anchor.key, anchorId: anchor.id }),
    // As readPageAtVersion's.
    false,
  );
  return listRowsAtVersion(rows);
}
