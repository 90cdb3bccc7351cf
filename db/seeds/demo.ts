import crypto from 'node:crypto';
import argon2 from 'argon2';
import type { Knex } from 'knex';
import {
  CATEGORIES,
  type CourseDef,
  DEMO_COURSES,
  DESCRIPTION_CLOSERS,
  DESCRIPTION_MIDDLES,
  DESCRIPTION_OPENERS,
  FIRST_NAMES,
  INSTRUCTORS,
  LAST_NAMES,
  LESSON_TITLES,
  type Level,
  LOCALES,
  OUTCOMES,
  REQUIREMENTS,
  REVIEW_COMMENTS,
  REVIEW_TITLES,
  SCALE_TITLE_PATTERNS,
  SCALE_TOPICS,
  SECTION_MIDDLES,
  SHORT_PATTERNS,
} from './catalog-data';
import { slugify } from '../../src/services/slugs';
import { seedDemoCoupons } from './demoCoupons';
import { seedDemoSales } from './demoSales';

/**
 * Deterministic demo data: the same ids, names, prices and timestamps on every run (a seeded PRNG per course,
 * md5-derived uuids, times relative to SEED_NOW). Course i is generated the same way whatever the total, so
 * the first 60 courses of a scale seed are the demo catalog. Course aggregates are computed from the very rows
 * inserted, so a recompute from source tables gives the same numbers.
 */

export const DEMO_PASSWORD = 'LearnFlow2026!';
export const DEMO_LEARNER_EMAIL = 'learner@learnflow.dev';
export const DEMO_INSTRUCTOR_EMAIL = 'instructor@learnflow.dev';
export const SEED_NOW = Date.parse('2026-01-27T00:00:00Z');

export interface SeedOptions {
  courses?: number;
  log?: (line: string) => void;
}
export interface SeedSummary {
  categories: number;
  courses: number;
  sections: number;
  lessons: number;
  reviews: number;
  users: number;
  enrollments: number;
}

type Row = Record<string, unknown>;
type Rng = () => number;

const DAY = 86_400_000;
const BATCH_COURSES = 1000;
const INSERT_CHUNK = 5000;
const BULK_THRESHOLD = 2000; // courses; above it the load runs with foreign keys, secondary indexes and facet triggers suspended

// ---------------------------------------------------------------------------------------------- primitives

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const rngFor = (key: string): Rng => mulberry32(fnv1a(key));

function md5(parts: Array<string | number>): string {
  return crypto.createHash('md5').update(parts.join(':')).digest('hex');
}

/** A stable uuid (v4-shaped) for a seed entity. */
export function seedId(...parts: Array<string | number>): string {
  const h = md5(parts);
  const variant = '89ab'[parseInt(h[16]!, 16) & 3]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A stable, UUIDv7-shaped id whose leading "timestamp" grows with (major, minor): bulk rows then land at the
 * right edge of their btree indexes instead of at random pages, which keeps a 100k-course load from thrashing
 * shared buffers. minor < 8192.
 */
const ID_EPOCH = Date.parse('2024-01-01T00:00:00Z');
function orderedId(major: number, minor: number, ...parts: Array<string | number>): string {
  const h = md5(parts);
  const ts = (ID_EPOCH + major * 8192 + minor).toString(16).padStart(12, '0');
  const variant = '89ab'[parseInt(h[16]!, 16) & 3]!;
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const fill = (template: string, t: string, extra: Record<string, string> = {}): string =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => (k === 't' ? t : (extra[k] ?? '')));
const iso = (ms: number): string => new Date(ms).toISOString();
const ascii = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/** k distinct members of [0, size) in a pseudo-random order: a start and a stride coprime with size. */
function distinct(rng: Rng, size: number, k: number): number[] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = 1 + Math.floor(rng() * (size - 1));
  while (gcd(stride, size) !== 1) stride++;
  const start = Math.floor(rng() * size);
  const out: number[] = [];
  for (let j = 0; j < Math.min(k, size); j++) out.push((start + j * stride) % size);
  return out;
}

/** Mostly 4-5 stars: a normal draw around the course's quality, rounded and clamped, plus a few unhappy outliers. */
function drawRating(rng: Rng, quality: number): number {
  if (rng() < 0.04) return int(rng, 1, 2);
  const normal = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Math.max(1, Math.min(5, Math.round(quality + normal * 0.7)));
}

/** INSERT through jsonb_populate_recordset: one parameter per chunk, column types taken from the table. */
async function insertRows(db: Knex, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!)
    .map((c) => `"${c}"`)
    .join(', ');
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = JSON.stringify(rows.slice(i, i + INSERT_CHUNK));
    await db.raw(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::${table}, ?::jsonb)`, [chunk]);
  }
}

/**
 * For large seeds (the "populating a database" advice): the bulk-loaded tables lose their foreign keys, their
 * secondary indexes and unique constraints (all but primary keys, whose ordered ids append at the right edge)
 * and the catalog_facet_counts statement triggers for the load. The returned function puts them back: each index
 * is built once from sorted rows instead of updated row by row (the three GIN indexes of courses most of all),
 * each foreign key is validated with one join instead of a check per row, and the facet counts are rebuilt with
 * one GROUP BY. Same transaction, so a failure restores everything. Row triggers (the search vector) stay on.
 */
const BULK_TABLES = ['courses', 'sections', 'lessons', 'enrollments', 'reviews', 'review_votes'];
async function suspendConstraints(trx: Knex): Promise<() => Promise<void>> {
  const tables = BULK_TABLES.map((t) => `'${t}'`).join(', ');
  const { rows: constraints } = await trx.raw<{ rows: Array<{ tbl: string; name: string; def: string }> }>(
    `SELECT c.conrelid::regclass::text AS tbl, c.conname AS name, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c
      WHERE c.contype IN ('f', 'u') AND c.conrelid::regclass::text IN (${tables})
      ORDER BY c.contype DESC`, // unique constraints ('u') first: a foreign key may need one back to reference it
  );
  const { rows: indexes } = await trx.raw<{ rows: Array<{ name: string; def: string }> }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
      WHERE i.indrelid::regclass::text IN (${tables})
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
  );
  for (const fk of [...constraints].reverse()) await trx.raw(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT "${fk.name}"`);
  for (const ix of indexes) await trx.raw(`DROP INDEX ${ix.name}`);
  await trx.raw('ALTER TABLE courses DISABLE TRIGGER courses_facet_counts_insert');
  return async () => {
    await trx.raw("SET LOCAL maintenance_work_mem = '128MB'");
    for (const ix of indexes) await trx.raw(ix.def);
    for (const c of constraints) await trx.raw(`ALTER TABLE ${c.tbl} ADD CONSTRAINT "${c.name}" ${c.def}`);
    await trx.raw('ALTER TABLE courses ENABLE TRIGGER courses_facet_counts_insert');
    await trx.raw('DELETE FROM catalog_facet_counts');
    await trx.raw(`
      INSERT INTO catalog_facet_counts (category_id, level, language, price_cents, courses)
      SELECT category_id, level, language, price_cents, count(*) FROM courses WHERE is_published
      GROUP BY category_id, level, language, price_cents`);
  };
}

/**
 * The generated courses carry their student_count (every seeded enrollment, the learner's included) and their
 * bestseller flags already: the enrollments' count trigger would add each enrollment a second time, and the
 * ranking trigger would mark every course for re-ranking by the first stats job (a 100,000-row job). Both are
 * off for the load, in this transaction only.
 */
async function suspendStatsTriggers(trx: Knex): Promise<() => Promise<void>> {
  await trx.raw('ALTER TABLE enrollments DISABLE TRIGGER enrollments_student_count_insert');
  await trx.raw('ALTER TABLE courses DISABLE TRIGGER courses_ranking_inserted');
  return async () => {
    await trx.raw('ALTER TABLE enrollments ENABLE TRIGGER enrollments_student_count_insert');
    await trx.raw('ALTER TABLE courses ENABLE TRIGGER courses_ranking_inserted');
  };
}

// ---------------------------------------------------------------------------------------------- users

interface Person {
  id: string;
  first: string;
  last: string;
}

function learnerPoolSize(courses: number): number {
  return Math.min(5000, Math.max(200, Math.ceil(courses / 20)));
}
function scaleInstructorCount(courses: number): number {
  return courses > DEMO_COURSES.length ? Math.ceil((courses - DEMO_COURSES.length) / 25) : 0;
}

function poolLearner(n: number, hash: string): { person: Person; row: Row } {
  const rng = rngFor(`learner:${n}`);
  const first = FIRST_NAMES[(n * 7 + Math.floor(n / FIRST_NAMES.length)) % FIRST_NAMES.length]!;
  const last = LAST_NAMES[(n * 13 + Math.floor(n / LAST_NAMES.length)) % LAST_NAMES.length]!;
  const email = `${ascii(first).toLowerCase()}.${ascii(last).toLowerCase()}${n + 1}@example.com`;
  const [country, timezone] = pick(rng, LOCALES);
  const created = SEED_NOW - int(rng, 60, 1200) * DAY;
  const id = orderedId(n, 0, 'learner', n);
  return {
    person: { id, first, last },
    row: {
      id,
      email,
      password_hash: hash,
      first_name: first,
      last_name: last,
      is_instructor: false,
      timezone,
      country,
      bio: null,
      phone: null,
      target_hours_per_month: rng() < 0.3 ? pick(rng, [10, 20, 30, 40]) : null,
      profile_picture: rng() < 0.7 ? `https://i.pravatar.cc/200?u=${encodeURIComponent(email)}` : null,
      created_at: iso(created),
      updated_at: iso(created),
    },
  };
}

function scaleInstructor(n: number, hash: string): { person: Person; row: Row } {
  const rng = rngFor(`scale-instructor:${n}`);
  const first = pick(rng, FIRST_NAMES);
  const last = pick(rng, LAST_NAMES);
  const email = `${ascii(first).toLowerCase()}.${ascii(last).toLowerCase()}.instructor${n + 1}@example.com`;
  const [country, timezone] = pick(rng, LOCALES);
  const created = SEED_NOW - int(rng, 400, 2500) * DAY;
  const id = orderedId(n, 1, 'scale-instructor', n);
  return {
    person: { id, first, last },
    row: {
      id,
      email,
      password_hash: hash,
      first_name: first,
      last_name: last,
      is_instructor: true,
      timezone,
      country,
      bio: `Instructor and practitioner with ${int(rng, 3, 20)} years of industry experience.`,
      phone: null,
      target_hours_per_month: null,
      profile_picture: `https://i.pravatar.cc/200?u=${encodeURIComponent(email)}`,
      created_at: iso(created),
      updated_at: iso(created),
    },
  };
}

// ---------------------------------------------------------------------------------------------- courses

interface LessonInfo {
  id: string;
  sectionPos: number;
  position: number;
  minutes: number;
}
interface GeneratedCourse {
  course: Row;
  sections: Row[];
  lessons: Row[];
  enrollments: Row[];
  reviews: Row[];
  votes: Row[];
  lessonList: LessonInfo[];
  published: boolean;
}
interface Extra {
  enrollments: Row[];
  reviews: Row[];
} // the demo learner's rows for this course, counted in aggregates

interface CourseSpec {
  def: CourseDef;
  index: number;
  instructor: Person;
  categoryId: string;
  demo: boolean;
}

function scaleCourseDef(i: number, rng: Rng): CourseDef {
  const category = pick(rng, CATEGORIES).name;
  const topic = pick(rng, SCALE_TOPICS[category]!);
  const pattern = pick(rng, SCALE_TITLE_PATTERNS);
  const level = pick(rng, ['Beginner', 'Beginner', 'Intermediate', 'Intermediate', 'Advanced', 'All Levels'] as Level[]);
  const lr = rng();
  const language = lr < 0.8 ? 'English' : lr < 0.87 ? 'Spanish' : lr < 0.92 ? 'Portuguese' : lr < 0.96 ? 'German' : 'French';
  return { title: fill(pattern, topic), category, topic, level, instructor: i, language, draft: rng() < 0.03 };
}

function generateCourse(spec: CourseSpec, pool: Person[], extra: Extra): GeneratedCourse {
  const { def, index, instructor, demo } = spec;
  const rng = rngFor(`course:${index}`);
  const t = def.topic;
  const id = orderedId(index, 0, 'course', index);
  const slug = demo ? slugify(def.title) : `${slugify(def.title)}-${index + 1}`;
  const published = !def.draft;

  // Price: free, a list price, or a discount on a higher original price.
  let price = def.price ?? pick(rng, [1999, 2499, 2999, 3499, 3999, 4999, 5999, 6999, 7999, 8999, 9999, 10999, 11999, 12999]);
  if (def.price === undefined && !demo && rng() < 0.06) price = 0;
  let original: number | null = def.original !== undefined ? def.original : null;
  if (def.original === undefined && price >= 2999 && rng() < 0.55)
    original = Math.min(19999, price + pick(rng, [2000, 3000, 4000, 5000, 7000]));
  if (price === 0) original = null;

  const ageDays = index === 0 ? 400 : int(rng, 5, 900);
  const createdAt = SEED_NOW - (ageDays + 14) * DAY;
  const publishedAt = published ? SEED_NOW - ageDays * DAY + int(rng, 8, 18) * 3_600_000 : null;
  const lastUpdated = publishedAt !== null ? publishedAt + Math.floor(rng() * (SEED_NOW - DAY - publishedAt)) : SEED_NOW - 2 * DAY;

  // Curriculum: realistic for the demo catalog, a light 3 x 4 for scale courses.
  const sectionCount = demo ? int(rng, 3, 8) : 3;
  const middles = distinct(rng, SECTION_MIDDLES.length, sectionCount - 2)
    .sort((a, b) => a - b)
    .map((k) => SECTION_MIDDLES[k]!);
  const sectionTitles = [`Introduction to ${t}`, ...middles.map((m) => fill(m, t)), 'Final Project and Next Steps'].slice(0, sectionCount);
  const sections: Row[] = [];
  const lessons: Row[] = [];
  const lessonList: LessonInfo[] = [];
  const previewCount = int(rng, 1, 2);
  let totalMinutes = 0;
  sectionTitles.forEach((title, s) => {
    const sectionId = orderedId(index, s + 1, 'section', index, s + 1);
    sections.push({
      id: sectionId,
      course_id: id,
      title,
      position: s + 1,
      description:
        s === 0
          ? `Get started with ${t}: what you will build and how the course works.`
          : `${title}: explanations, examples and exercises.`,
      created_at: iso(createdAt),
      updated_at: iso(createdAt),
    });
    const lessonCount = demo ? int(rng, 3, 10) : 4;
    for (let l = 0; l < lessonCount; l++) {
      const n = lessonList.length;
      const lessonTitle =
        n === 0 ? 'Welcome to the Course' : n === 1 ? 'How to Get the Most Out of This Course' : fill(pick(rng, LESSON_TITLES), t);
      const minutes = n < 2 ? int(rng, 3, 8) : int(rng, 4, 25);
      totalMinutes += minutes;
      const lessonId = orderedId(index, (s + 1) * 64 + l + 1, 'lesson', index, s + 1, l + 1);
      const base = `https://cdn.learnflow.dev/courses/${slug}`;
      lessons.push({
        id: lessonId,
        section_id: sectionId,
        course_id: id,
        title: lessonTitle,
        position: l + 1,
        duration_minutes: minutes,
        description: `${lessonTitle} - ${title}.`,
        is_preview: n < previewCount,
        video_url: `${base}/videos/${s + 1}-${l + 1}.mp4`,
        resources: rng() < 0.25 ? [`${base}/resources/${s + 1}-${l + 1}-handout.pdf`] : [],
        created_at: iso(createdAt),
        updated_at: iso(createdAt),
      });
      lessonList.push({ id: lessonId, sectionPos: s + 1, position: l + 1, minutes });
    }
  });

  // Enrollments from the learner pool (distinct learners), and reviews by some of them.
  const enrollments: Row[] = [];
  const reviews: Row[] = [];
  const votes: Row[] = [];
  const quality = index === 0 ? 5.1 : 4.2 + rng() * 0.9;
  if (publishedAt !== null) {
    const popularity = rng();
    const count = demo
      ? index === 0
        ? Math.min(pool.length - 10, 190)
        : Math.round(6 + 170 * popularity * popularity)
      : Math.floor(20 * popularity ** 1.5);
    const members = distinct(rng, pool.length, count);
    const reviewShare = demo ? 0.25 + rng() * 0.2 : 0.5 + rng() * 0.3;
    const reviewers = Math.round(members.length * reviewShare);
    members.forEach((m, j) => {
      const learner = pool[m]!;
      const enrolledAt = publishedAt + Math.floor(rng() ** 0.7 * (SEED_NOW - 2 * DAY - publishedAt));
      enrollments.push({
        id: orderedId(index, m, 'enrollment', index, m),
        user_id: learner.id,
        course_id: id,
        order_id: null,
        source: 'seed',
        status: 'active',
        progress_percent: 0,
        lessons_completed: 0,
        total_lessons: lessonList.length,
        enrolled_at: iso(enrolledAt),
        created_at: iso(enrolledAt),
        updated_at: iso(enrolledAt),
      });
      if (j >= reviewers) return;
      const rating = drawRating(rng, quality);
      const createdAtReview = enrolledAt + Math.floor((0.2 + rng() * 0.8) * (SEED_NOW - DAY - enrolledAt));
      const reviewId = orderedId(index, m, 'review', index, m);
      const helpful = Math.min(pool.length - 1, Math.floor(rng() ** 3 * (demo ? 40 : 3)));
      reviews.push({
        id: reviewId,
        course_id: id,
        user_id: learner.id,
        rating,
        title: pick(rng, REVIEW_TITLES[rating]!),
        comment: fill(pick(rng, REVIEW_COMMENTS[rating]!), t, { i: instructor.first }),
        helpful_count: helpful,
        created_at: iso(createdAtReview),
        updated_at: iso(createdAtReview),
      });
      for (const v of distinct(rng, pool.length, helpful + 1)
        .filter((v) => v !== m)
        .slice(0, helpful)) {
        votes.push({
          review_id: reviewId,
          user_id: pool[v]!.id,
          created_at: iso(Math.min(SEED_NOW - 1000, createdAtReview + int(rng, 1, 72) * 3_600_000)),
        });
      }
    });
  }

  // Aggregates from exactly the rows above (plus the demo learner's): what a recompute job would find.
  const allEnrollments = [...enrollments, ...extra.enrollments];
  const allReviews = [...reviews, ...extra.reviews];
  const dist = [0, 0, 0, 0, 0, 0];
  for (const r of allReviews) dist[r.rating as number]!++;
  const ratingSum = allReviews.reduce((a, r) => a + (r.rating as number), 0);
  const ratingAvg = allReviews.length ? Math.round((ratingSum / allReviews.length) * 100) / 100 : 0;
  const students = allEnrollments.filter((e) => e.status !== 'refunded').length;
  const bestsellerThreshold = demo ? 90 : 17;

  const shortDescription = def.short ?? fill(pick(rng, SHORT_PATTERNS), t);
  const description = [
    pick(rng, DESCRIPTION_OPENERS),
    pick(rng, DESCRIPTION_MIDDLES),
    pick(rng, DESCRIPTION_MIDDLES),
    pick(rng, DESCRIPTION_CLOSERS),
  ]
    .filter((s, k, all) => all.indexOf(s) === k)
    .map((s) => fill(s, t, { title: def.title }))
    .join(' ');
  const outcomes = OUTCOMES.filter(() => rng() < 0.65)
    .slice(0, 6)
    .map((o) => fill(o, t, { n: String(int(rng, 3, 16)) }));
  for (const o of [OUTCOMES[0]!, OUTCOMES[2]!, OUTCOMES[5]!])
    if (outcomes.length < 3 && !outcomes.includes(fill(o, t))) outcomes.push(fill(o, t));
  const requirements = REQUIREMENTS[def.level]!.map((r) => fill(r, t));
  if (def.category === 'Development' && def.level !== 'Advanced') requirements.push('A code editor such as VS Code (free)');

  const course: Row = {
    id,
    instructor_id: instructor.id,
    instructor_name: `${instructor.first} ${instructor.last}`,
    category_id: spec.categoryId,
    title: def.title,
    slug,
    short_description: shortDescription,
    description,
    thumbnail: `https://picsum.photos/seed/${slug}/1200/675`,
    preview_video_url: `https://cdn.learnflow.dev/courses/${slug}/videos/preview.mp4`,
    level: def.level,
    language: def.language ?? 'English',
    price_cents: price,
    original_price_cents: original,
    currency: 'usd',
    outcomes,
    requirements,
    certificate_included: rng() < 0.95,
    is_published: published,
    published_at: publishedAt !== null ? iso(publishedAt) : null,
    last_updated: iso(lastUpdated),
    duration_minutes: totalMinutes,
    lesson_count: lessonList.length,
    rating_avg: ratingAvg,
    rating_count: allReviews.length,
    review_count: allReviews.length,
    rating_1: dist[1],
    rating_2: dist[2],
    rating_3: dist[3],
    rating_4: dist[4],
    rating_5: dist[5],
    student_count: students,
    is_bestseller: published && students >= bestsellerThreshold && ratingAvg >= 4.3,
    created_at: iso(createdAt),
    updated_at: iso(lastUpdated),
  };
  return { course, sections, lessons, enrollments, reviews, votes, lessonList, published };
}

// ---------------------------------------------------------------------------------------------- demo learner

// Local (America/Los_Angeles, UTC-8 in winter) study days per enrollment; the last five make a current streak.
const LEARNER_TZ_OFFSET_MS = -8 * 3_600_000;
const LEARNER_PLAN = [
  {
    course: 0,
    source: 'purchase',
    share: 0.45,
    enrolled: '2026-01-10T16:10:00Z',
    days: [
      '2026-01-11',
      '2026-01-12',
      '2026-01-14',
      '2026-01-17',
      '2026-01-18',
      '2026-01-19',
      '2026-01-22',
      '2026-01-23',
      '2026-01-24',
      '2026-01-25',
      '2026-01-26',
    ],
  },
  {
    course: 16,
    source: 'purchase',
    share: 0.2,
    enrolled: '2026-01-10T16:10:00Z',
    days: ['2026-01-13', '2026-01-20', '2026-01-21', '2026-01-25'],
  },
  {
    course: 24,
    source: 'free',
    share: 0.7,
    enrolled: '2025-12-20T18:00:00Z',
    days: ['2025-12-21', '2025-12-22', '2025-12-23', '2025-12-27', '2025-12-28', '2026-01-03', '2026-01-04', '2026-01-05'],
  },
] as const;
const LEARNER_CART = [4, 28]; // React & Next.js, UI/UX Design Fundamentals
const LEARNER_WISHLIST = [23]; // Docker and Kubernetes
const LEARNER_REVIEW_COURSE = 24;

const learnerId = (): string => seedId('user', DEMO_LEARNER_EMAIL);
const orderId = (): string => seedId('order', 1);

/** The learner's enrollments and review, known before the courses are generated so aggregates include them. */
function learnerExtras(courseCount: number): Map<number, Extra> {
  const extras = new Map<number, Extra>();
  for (const p of LEARNER_PLAN) {
    if (p.course >= courseCount) continue;
    extras.set(p.course, {
      enrollments: [{ status: 'active' }],
      reviews: p.course === LEARNER_REVIEW_COURSE ? [{ rating: 5 }] : [],
    });
  }
  return extras;
}

async function seedLearnerActivity(trx: Knex, demoCourses: Map<number, GeneratedCourse>): Promise<void> {
  const userId = learnerId();
  const plan = LEARNER_PLAN.filter((p) => demoCourses.has(p.course));
  const purchased = plan.filter((p) => p.source === 'purchase');
  if (purchased.length) {
    const items = purchased.map((p) => demoCourses.get(p.course)!.course);
    const subtotal = items.reduce((a, c) => a + (c.price_cents as number), 0);
    const created = Date.parse('2026-01-10T16:05:00Z');
    await insertRows(trx, 'orders', [
      {
        id: orderId(),
        user_id: userId,
        order_number: 'ORD-2026-00001',
        status: 'completed',
        subtotal_cents: subtotal,
        discount_cents: 0,
        total_cents: subtotal,
        currency: 'usd',
        billing_address: {
          first_name: 'Jordan',
          last_name: 'Rivera',
          email: DEMO_LEARNER_EMAIL,
          address_line1: '123 Main Street',
          address_line2: 'Apt 4B',
          city: 'San Francisco',
          state: 'CA',
          postal_code: '94105',
          country: 'US',
          phone: '+1 (555) 123-4567',
        },
        cart_fingerprint: items
          .map((c) => c.id as string)
          .sort()
          .join(','),
        completed_at: iso(created + 5 * 60_000),
        created_at: iso(created),
        updated_at: iso(created + 5 * 60_000),
      },
    ]);
    await trx.raw("SELECT setval('order_number_seq', 1)");
    await insertRows(
      trx,
      'order_items',
      items.map((c) => ({
        id: seedId('order-item', 1, c.id as string),
        order_id: orderId(),
        course_id: c.id,
        price_cents: c.price_cents,
        original_price_cents: c.original_price_cents,
        created_at: iso(created),
      })),
    );
    await insertRows(trx, 'payments', [
      {
        id: seedId('payment', 1),
        order_id: orderId(),
        user_id: userId,
        stripe_payment_intent_id: 'pi_seed_demo_0001',
        amount_cents: subtotal,
        currency: 'usd',
        status: 'succeeded',
        client_secret: 'pi_seed_demo_0001_secret_demo',
        fulfilled_at: iso(created + 5 * 60_000),
        created_at: iso(created + 60_000),
        updated_at: iso(created + 5 * 60_000),
      },
    ]);
  }

  const enrollments: Row[] = [];
  const progress: Row[] = [];
  const activity = new Map<string, number>();
  let lastActivity = 0;
  for (const p of plan) {
    const g = demoCourses.get(p.course)!;
    const total = g.lessonList.length;
    const done = Math.max(1, Math.floor(total * p.share));
    const enrollmentId = seedId('enrollment', p.course, 'demo-learner');
    const slots = p.days.map((d) => Date.parse(`${d}T10:00:00Z`) - LEARNER_TZ_OFFSET_MS); // 10:00 local
    const touched = g.lessonList.slice(0, Math.min(total, done + 1));
    touched.forEach((lesson, k) => {
      const day = p.days[Math.floor((k * p.days.length) / touched.length)]!;
      const at = slots[Math.floor((k * p.days.length) / touched.length)]! + k * 60_000;
      const complete = k < done;
      const seconds = complete ? lesson.minutes * 60 : Math.floor(lesson.minutes * 60 * 0.4);
      progress.push({
        enrollment_id: enrollmentId,
        lesson_id: lesson.id,
        watch_time_seconds: seconds,
        position_seconds: seconds,
        completed_at: complete ? iso(at) : null,
        created_at: iso(at),
        updated_at: iso(at),
      });
      activity.set(day, (activity.get(day) ?? 0) + seconds);
      lastActivity = Math.max(lastActivity, at);
    });
    const current = g.lessonList[Math.min(done, total - 1)]!;
    const lastAccess = slots[slots.length - 1]! + touched.length * 60_000;
    enrollments.push({
      id: enrollmentId,
      user_id: userId,
      course_id: g.course.id,
      order_id: p.source === 'purchase' ? orderId() : null,
      source: p.source,
      status: 'active',
      progress_percent: Math.floor((done * 100) / total),
      lessons_completed: done,
      total_lessons: total,
      enrolled_at: p.enrolled,
      last_accessed_at: iso(lastAccess),
      current_lesson_id: current.id,
      created_at: p.enrolled,
      updated_at: iso(lastAccess),
    });
  }
  await insertRows(trx, 'enrollments', enrollments);
  await insertRows(trx, 'lesson_progress', progress);
  const days = [...activity.keys()].sort();
  await insertRows(
    trx,
    'learning_activity',
    days.map((d) => ({
      user_id: userId,
      local_date: d,
      seconds: activity.get(d),
      created_at: iso(Date.parse(`${d}T18:00:00Z`)),
      updated_at: iso(Date.parse(`${d}T18:00:00Z`)),
    })),
  );

  const reviewCourse = demoCourses.get(LEARNER_REVIEW_COURSE);
  if (reviewCourse && plan.some((p) => p.course === LEARNER_REVIEW_COURSE)) {
    await insertRows(trx, 'reviews', [
      {
        id: seedId('review', LEARNER_REVIEW_COURSE, 'demo-learner'),
        course_id: reviewCourse.course.id,
        user_id: userId,
        rating: 5,
        title: 'Great hands-on introduction',
        comment: 'Short, practical lessons. I finally feel at home in the terminal.',
        helpful_count: 0,
        created_at: '2026-01-05T19:00:00Z',
        updated_at: '2026-01-05T19:00:00Z',
      },
    ]);
  }

  const cartItems = LEARNER_CART.filter((c) => demoCourses.has(c));
  await insertRows(trx, 'carts', [
    { id: seedId('cart', userId), user_id: userId, created_at: '2026-01-25T20:00:00Z', updated_at: '2026-01-26T19:00:00Z' },
  ]);
  await insertRows(
    trx,
    'cart_items',
    cartItems.map((c, k) => ({
      id: seedId('cart-item', userId, c),
      cart_id: seedId('cart', userId),
      course_id: demoCourses.get(c)!.course.id,
      added_at: iso(Date.parse('2026-01-25T20:00:00Z') + k * 3_600_000),
    })),
  );
  await insertRows(
    trx,
    'wishlist_items',
    LEARNER_WISHLIST.filter((c) => demoCourses.has(c)).map((c) => ({
      id: seedId('wishlist-item', userId, c),
      user_id: userId,
      course_id: demoCourses.get(c)!.course.id,
      added_at: '2026-01-20T21:00:00Z',
    })),
  );

  // learner_stats as the recompute job would have written it at SEED_NOW (a cache: the job rebuilds it).
  const totalSeconds = days.reduce((a, d) => a + activity.get(d)!, 0);
  const monthSeconds = days.filter((d) => d.startsWith('2026-01')).reduce((a, d) => a + activity.get(d)!, 0);
  const dayNumbers = days.map((d) => Date.parse(`${d}T00:00:00Z`) / DAY);
  let longest = 0,
    run = 0;
  dayNumbers.forEach((n, k) => {
    run = k > 0 && n === dayNumbers[k - 1]! + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
  });
  const today = Math.floor((SEED_NOW + LEARNER_TZ_OFFSET_MS) / DAY);
  let current = 0;
  for (
    let k = dayNumbers.length - 1, expect = dayNumbers.at(-1) === today ? today : today - 1;
    k >= 0 && dayNumbers[k] === expect;
    k--, expect--
  )
    current++;
  await insertRows(trx, 'learner_stats', [
    {
      user_id: userId,
      courses_enrolled: enrollments.length,
      courses_completed: 0,
      total_seconds_learned: totalSeconds,
      this_month_seconds: monthSeconds,
      current_streak_days: current,
      longest_streak_days: longest,
      certificates_earned: 0,
      average_rating_given: reviewCourse ? 5 : null,
      last_activity: lastActivity ? iso(lastActivity) : null,
      computed_at: iso(SEED_NOW),
    },
  ]);
}

// ---------------------------------------------------------------------------------------------- entry points

export async function isEmpty(db: Knex): Promise<boolean> {
  const row = await db('courses').first(db.raw('1 AS one'));
  return row === undefined;
}

export async function seedDemo(db: Knex, opts: SeedOptions = {}): Promise<SeedSummary> {
  const total = Math.max(1, Math.floor(opts.courses ?? DEMO_COURSES.length));
  const log = opts.log ?? (() => undefined);
  // One hash for every demo user; a fixed salt keeps the seeded database byte-for-byte reproducible.
  const hash = await argon2.hash(DEMO_PASSWORD, {
    type: argon2.argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
    salt: Buffer.from('learnflow-demo-seed'),
  });

  const startedAt = Date.now();
  const seeded = await db.transaction(async (trx) => {
    const summary: SeedSummary = { categories: 0, courses: 0, sections: 0, lessons: 0, reviews: 0, users: 0, enrollments: 0 };

    const categoryIds = new Map(CATEGORIES.map((c) => [c.name, seedId('category', c.slug)]));
    await insertRows(
      trx,
      'categories',
      CATEGORIES.map((c) => ({
        id: categoryIds.get(c.name),
        name: c.name,
        slug: c.slug,
        description: c.description,
        created_at: iso(SEED_NOW - 1500 * DAY),
      })),
    );
    summary.categories = CATEGORIES.length;

    // Users: the 10 demo instructors, the demo learner, the learner pool, and instructors for scale courses.
    const instructors: Person[] = INSTRUCTORS.map((d) => ({ id: seedId('user', d.email), first: d.first, last: d.last }));
    const userRows: Row[] = INSTRUCTORS.map((d, k) => ({
      id: instructors[k]!.id,
      email: d.email,
      password_hash: hash,
      first_name: d.first,
      last_name: d.last,
      is_instructor: true,
      timezone: d.timezone,
      country: d.country,
      bio: d.bio,
      phone: null,
      target_hours_per_month: null,
      profile_picture: `https://i.pravatar.cc/200?u=${encodeURIComponent(d.email)}`,
      created_at: iso(SEED_NOW - (1400 - k * 30) * DAY),
      updated_at: iso(SEED_NOW - (1400 - k * 30) * DAY),
    }));
    userRows.push({
      id: learnerId(),
      email: DEMO_LEARNER_EMAIL,
      password_hash: hash,
      first_name: 'Jordan',
      last_name: 'Rivera',
      is_instructor: false,
      timezone: 'America/Los_Angeles',
      country: 'United States',
      bio: 'Career changer learning web development in the evenings.',
      phone: '+1 (555) 123-4567',
      target_hours_per_month: 20,
      profile_picture: `https://i.pravatar.cc/200?u=${encodeURIComponent(DEMO_LEARNER_EMAIL)}`,
      created_at: '2025-06-01T17:00:00Z',
      updated_at: '2025-06-01T17:00:00Z',
    });
    await insertRows(trx, 'users', userRows);
    const pool: Person[] = [];
    const poolSize = learnerPoolSize(total);
    const scaleInstructors: Person[] = [];
    const extraInstructors = scaleInstructorCount(total);
    let batch: Row[] = [];
    const flushUsers = async (): Promise<void> => {
      await insertRows(trx, 'users', batch);
      batch = [];
    };
    for (let n = 0; n < poolSize; n++) {
      const l = poolLearner(n, hash);
      pool.push(l.person);
      batch.push(l.row);
      if (batch.length >= BATCH_COURSES) await flushUsers();
    }
    for (let n = 0; n < extraInstructors; n++) {
      const s = scaleInstructor(n, hash);
      scaleInstructors.push(s.person);
      batch.push(s.row);
      if (batch.length >= BATCH_COURSES) await flushUsers();
    }
    await flushUsers();
    summary.users = userRows.length + poolSize + extraInstructors;
    log(`users: ${summary.users} (${poolSize} learners, ${INSTRUCTORS.length + extraInstructors} instructors)`);

    // Courses in batches, each with its curriculum, enrollments, reviews and votes.
    const extras = learnerExtras(total);
    const demoCourses = new Map<number, GeneratedCourse>();
    const demoPool = pool.slice(0, 200);
    const restoreConstraints = total > BULK_THRESHOLD ? await suspendConstraints(trx) : async () => undefined;
    const restoreStatsTriggers = await suspendStatsTriggers(trx);

    // Pipelined: batch k+1 is generated (yielding to the event loop now and then) while batch k is inserted.
    type Batch = Record<'courses' | 'sections' | 'lessons' | 'enrollments' | 'reviews' | 'votes', Row[]>;
    const generate = async (start: number, end: number): Promise<Batch> => {
      const out: Batch = { courses: [], sections: [], lessons: [], enrollments: [], reviews: [], votes: [] };
      for (let i = start; i < end; i++) {
        if ((i - start) % 25 === 24) await new Promise((r) => setImmediate(r));
        const demo = i < DEMO_COURSES.length;
        const def = demo ? DEMO_COURSES[i]! : scaleCourseDef(i, rngFor(`course-def:${i}`));
        const instructor = demo ? instructors[def.instructor]! : scaleInstructors[fnv1a(`owner:${i}`) % scaleInstructors.length]!;
        const g = generateCourse(
          { def, index: i, instructor, categoryId: categoryIds.get(def.category)!, demo },
          demo ? demoPool : pool,
          extras.get(i) ?? { enrollments: [], reviews: [] },
        );
        if (demo) demoCourses.set(i, g);
        out.courses.push(g.course);
        out.sections.push(...g.sections);
        out.lessons.push(...g.lessons);
        out.enrollments.push(...g.enrollments);
        out.reviews.push(...g.reviews);
        out.votes.push(...g.votes);
      }
      return out;
    };
    const insert = async (out: Batch, end: number): Promise<void> => {
      await insertRows(trx, 'courses', out.courses);
      await insertRows(trx, 'sections', out.sections);
      await insertRows(trx, 'lessons', out.lessons);
      await insertRows(trx, 'enrollments', out.enrollments);
      await insertRows(trx, 'reviews', out.reviews);
      await insertRows(trx, 'review_votes', out.votes);
      summary.courses += out.courses.length;
      summary.sections += out.sections.length;
      summary.lessons += out.lessons.length;
      summary.enrollments += out.enrollments.length;
      summary.reviews += out.reviews.length;
      log(
        `courses ${end}/${total} (${((Date.now() - startedAt) / 1000).toFixed(1)}s): +${out.lessons.length} lessons, +${out.enrollments.length} enrollments, +${out.reviews.length} reviews`,
      );
    };
    let pending: Promise<void> = Promise.resolve();
    for (let start = 0; start < total; start += BATCH_COURSES) {
      const end = Math.min(total, start + BATCH_COURSES);
      const out = await generate(start, end);
      await pending;
      pending = insert(out, end);
      pending.catch(() => undefined); // awaited below; keeps a failure from surfacing as an unhandled rejection
    }
    await pending;
    // Back before the smaller seeds below, which may rely on a unique constraint (ON CONFLICT) or an index.
    if (total > BULK_THRESHOLD) log('building indexes, adding constraints back (validating every row), counting facets');
    await restoreConstraints();

    await seedLearnerActivity(trx, demoCourses);
    await seedDemoCoupons(
      trx,
      [...demoCourses.values()].filter((g) => g.published).map((g) => g.course),
    );
    await seedDemoSales(trx, DEMO_LEARNER_EMAIL); // the instructors' sales history, then their insights
    await restoreStatsTriggers();
    summary.enrollments += extras.size;
    summary.reviews += [...extras.values()].reduce((a, e) => a + e.reviews.length, 0);
    return summary;
  });
  // VACUUM (outside the transaction) sets the visibility map of every freshly written page besides the planner's
  // statistics: a deep catalog page skips its first matches through an index-only scan, which reads the heap row of
  // every skipped course on a page not marked all-visible (a freshly seeded table has none).
  log('vacuuming and analyzing');
  await db.raw('VACUUM (ANALYZE)');
  return seeded;
}
