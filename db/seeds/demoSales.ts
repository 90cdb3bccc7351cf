import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { rebuildAllInsights } from '../../src/repositories/insightAggregates';
import { INSTRUCTORS } from './catalog-data';
import { mulberry32 } from './demo';

/**
 * Sales history for the demo instructors, so their insights show curves on a fresh `npm start`: part of the
 * learner pool's enrollments in their courses become paid orders of the last 90 days (some with a coupon
 * discount), with lesson progress, completions and their reviews moved after the purchase; a few more
 * learners buy and get refunded. Then every insight aggregate is rebuilt from these rows.
 *
 * Dated relative to the day the seed runs (not SEED_NOW like the catalog): the insights' default window is the
 * last 30 days, and a history frozen in January 2026 would leave it empty. Everything else is deterministic
 * (a seeded PRNG, ids derived from the enrollment), and course aggregates (student_count, ratings) are unchanged:
 * converted enrollments keep their learner and status, refunded ones are new rows without access or reviews.
 */

const DAY = 86_400_000;
const HISTORY_DAYS = 90;
const PURCHASE_SHARE = 0.6;
const DISCOUNT_SHARE = 0.22;
const REFUND_SHARE = 0.06;
/** Stripe's smallest charge in USD: a coupon never takes a paid order below it. */
const MIN_CHARGE_CENTS = 50;

type Row = Record<string, unknown>;
type Rng = () => number;

function rngFor(seed: string): Rng {
  return mulberry32(crypto.createHash('md5').update(seed).digest().readUInt32LE(0));
}

function uuidFor(...parts: string[]): string {
  const h = crypto
    .createHash('md5')
    .update(`demo-sales:${parts.join(':')}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();

interface SaleCourse {
  id: string;
  price_cents: number;
  original_price_cents: number | null;
  lessons: string[];
  enrollments: { id: string; user_id: string }[];
}

async function demoCourses(trx: Knex, demoLearnerEmail: string): Promise<SaleCourse[]> {
  const courses = (await trx('courses as c')
    .join('users as u', 'u.id', 'c.instructor_id')
    .whereIn(
      'u.email',
      INSTRUCTORS.map((i) => i.email),
    )
    .where('c.is_published', true)
    .where('c.price_cents', '>', 0)
    .orderBy('c.id')
    .select('c.id', 'c.price_cents', 'c.original_price_cents')) as Omit<SaleCourse, 'lessons' | 'enrollments'>[];
  const ids = courses.map((c) => c.id);
  const lessons = (await trx('lessons as l')
    .join('sections as s', 's.id', 'l.section_id')
    .whereIn('l.course_id', ids)
    .orderBy([{ column: 'l.course_id' }, { column: 's.position' }, { column: 'l.position' }])
    .select('l.id', 'l.course_id')) as { id: string; course_id: string }[];
  const enrollments = (await trx('enrollments as e')
    .join('users as u', 'u.id', 'e.user_id')
    .whereIn('e.course_id', ids)
    .where({ 'e.source': 'seed', 'e.status': 'active' })
    .whereNot('u.email', demoLearnerEmail)
    .orderBy('e.id')
    .select('e.id', 'e.user_id', 'e.course_id')) as { id: string; user_id: string; course_id: string }[];
  return courses.map((c) => ({
    ...c,
    lessons: lessons.filter((l) => l.course_id === c.id).map((l) => l.id),
    enrollments: enrollments.filter((e) => e.course_id === c.id),
  }));
}

/** A moment of the last 90 days, more often recent (a growing course) and less often on weekends. */
function saleMoment(rng: Rng, now: number): number {
  const today = Math.floor(now / DAY) * DAY;
  for (;;) {
    const daysAgo = Math.floor(HISTORY_DAYS * rng() ** 1.5);
    const day = today - daysAgo * DAY;
    const weekday = new Date(day).getUTCDay();
    if ((weekday === 0 || weekday === 6) && rng() < 0.4) continue;
    const at = day + Math.floor(rng() * DAY);
    if (at < now) return at;
  }
}

/** How far a learner got: each lesson passed with a chance, lower at the course's one hard lesson (its drop-off). */
function lessonsDone(rng: Rng, total: number, hardLesson: number): number {
  let done = 0;
  while (done < total && rng() < (done === hardLesson ? 0.6 : 0.97)) done++;
  return done;
}

function discountFor(rng: Rng, price: number): number {
  if (rng() >= DISCOUNT_SHARE) return 0;
  const percent = [10, 20, 25, 40][Math.floor(rng() * 4)]!;
  return Math.min(Math.round((price * percent) / 100), Math.max(0, price - MIN_CHARGE_CENTS));
}

interface Sale {
  orders: Row[];
  items: Row[];
  payments: Row[];
  refunds: Row[];
  newEnrollments: Row[];
  enrollmentUpdates: Row[];
  progress: Row[];
  reviewMoves: Row[];
}

function order(sale: Sale, id: string, userId: string, course: SaleCourse, at: number, discount: number, refundedAt: number | null): void {
  const total = course.price_cents - discount;
  sale.orders.push({
    id,
    user_id: userId,
    status: refundedAt === null ? 'completed' : 'refunded',
    subtotal_cents: course.price_cents,
    discount_cents: discount,
    total_cents: total,
    currency: 'usd',
    completed_at: iso(at),
    refunded_at: refundedAt === null ? null : iso(refundedAt),
    created_at: iso(at - 120_000),
    updated_at: iso(refundedAt ?? at),
  });
  sale.items.push({
    order_id: id,
    course_id: course.id,
    price_cents: course.price_cents,
    original_price_cents: course.original_price_cents,
    discount_cents: discount, // one line per demo order: the line carries the order's whole discount
    position: 1,
    created_at: iso(at - 120_000),
  });
  sale.payments.push({
    order_id: id,
    user_id: userId,
    stripe_payment_intent_id: `pi_seed_sale_${id.replace(/-/g, '')}`,
    amount_cents: total,
    status: 'succeeded',
    fulfilled_at: iso(at),
    created_at: iso(at - 60_000),
    updated_at: iso(at),
  });
  if (refundedAt !== null) {
    sale.refunds.push({
      order_id: id,
      stripe_refund_id: `re_seed_sale_${id.replace(/-/g, '')}`,
      amount_cents: total,
      status: 'succeeded',
      reason: 'Not what I expected.',
      created_at: iso(refundedAt),
      updated_at: iso(refundedAt),
    });
  }
}

/** One converted enrollment: its order, then its progress, completion and review, all after the purchase. */
function purchase(sale: Sale, rng: Rng, course: SaleCourse, enrollment: { id: string; user_id: string }, hard: number, now: number): void {
  const at = saleMoment(rng, now);
  const orderId = uuidFor('order', enrollment.id);
  order(sale, orderId, enrollment.user_id, course, at, discountFor(rng, course.price_cents), null);
  const total = course.lessons.length;
  const done = lessonsDone(rng, total, hard);
  const span = now - at;
  // Lessons are spread over the time since the purchase, the latest activity no later than now.
  const lessonAt = (k: number): number => at + Math.floor(span * ((k + 1) / (total + 2)) * (0.5 + rng() * 0.5));
  let last: number | null = null;
  for (let k = 0; k < Math.min(total, done + 1); k++) {
    const when = lessonAt(k);
    const complete = k < done;
    if (!complete && rng() < 0.3) break; // opened the next lesson, or not
    sale.progress.push({
      enrollment_id: enrollment.id,
      lesson_id: course.lessons[k],
      watch_time_seconds: complete ? 600 : 240,
      position_seconds: complete ? 600 : 240,
      completed_at: complete ? iso(when) : null,
      created_at: iso(when),
      updated_at: iso(when),
    });
    last = Math.max(last ?? 0, when);
  }
  const completed = total > 0 && done === total;
  sale.enrollmentUpdates.push({
    id: enrollment.id,
    order_id: orderId,
    enrolled_at: iso(at),
    status: completed ? 'completed' : 'active',
    progress_percent: total > 0 ? Math.floor((done * 100) / total) : 0,
    lessons_completed: done,
    completed_at: completed && last !== null ? iso(last) : null,
    last_accessed_at: last === null ? null : iso(last),
    current_lesson_id: total > 0 ? course.lessons[Math.min(done, total - 1)] : null,
  });
  sale.reviewMoves.push({ course_id: course.id, user_id: enrollment.user_id, at: iso(Math.min(now - 1000, (last ?? at) + DAY / 2)) });
}

/** `demoLearnerEmail`'s account is left alone: its own history is the demo learner's plan in demo.ts. */
export async function seedDemoSales(trx: Knex, demoLearnerEmail: string, now = Date.now()): Promise<{ orders: number; refunds: number }> {
  const courses = await demoCourses(trx, demoLearnerEmail);
  const pool = (
    (await trx('users').where({ is_instructor: false }).whereNot('email', demoLearnerEmail).orderBy('id').limit(400).select('id')) as {
      id: string;
    }[]
  ).map((u) => u.id);
  const sale: Sale = {
    orders: [],
    items: [],
    payments: [],
    refunds: [],
    newEnrollments: [],
    enrollmentUpdates: [],
    progress: [],
    reviewMoves: [],
  };
  for (const course of courses) {
    const rng = rngFor(`sales:${course.id}`);
    const hard = 1 + Math.floor(rng() * Math.max(1, Math.min(6, course.lessons.length - 1)));
    for (const enrollment of course.enrollments) {
      if (rng() < PURCHASE_SHARE) purchase(sale, rng, course, enrollment, hard, now);
    }
    // Refunded buyers: pool learners not enrolled in the course, refunded a few days after buying.
    const enrolled = new Set(course.enrollments.map((e) => e.user_id));
    const refunds = Math.round(course.enrollments.length * REFUND_SHARE);
    const candidates = pool.filter((id) => !enrolled.has(id));
    for (let r = 0; r < refunds && r < candidates.length; r++) {
      const userId = candidates[Math.floor(rng() * candidates.length)]!;
      if (enrolled.has(userId)) continue;
      enrolled.add(userId);
      const at = saleMoment(rng, now);
      const refundedAt = Math.min(now - 1000, at + Math.floor((0.2 + rng() * 5) * DAY));
      const orderId = uuidFor('refunded-order', course.id, userId);
      order(sale, orderId, userId, course, at, discountFor(rng, course.price_cents), refundedAt);
      sale.newEnrollments.push({
        id: uuidFor('refunded-enrollment', course.id, userId),
        user_id: userId,
        course_id: course.id,
        order_id: orderId,
        source: 'purchase',
        status: 'refunded',
        total_lessons: course.lessons.length,
        enrolled_at: iso(at),
        refunded_at: iso(refundedAt),
        created_at: iso(at),
        updated_at: iso(refundedAt),
      });
    }
  }

  const chunks = async (table: string, rows: Row[]): Promise<void> => {
    for (let i = 0; i < rows.length; i += 2000) await trx(table).insert(rows.slice(i, i + 2000));
  };
  await chunks('orders', sale.orders);
  await chunks('order_items', sale.items);
  await chunks('payments', sale.payments);
  await chunks('refunds', sale.refunds);
  await chunks('enrollments', sale.newEnrollments);
  for (let i = 0; i < sale.enrollmentUpdates.length; i += 2000) {
    await trx.raw(
      `UPDATE enrollments e
       SET source = 'purchase', order_id = v.order_id, enrolled_at = v.enrolled_at, created_at = v.enrolled_at, status = v.status,
           progress_percent = v.progress_percent, lessons_completed = v.lessons_completed, completed_at = v.completed_at,
           last_accessed_at = v.last_accessed_at, current_lesson_id = v.current_lesson_id
       FROM json_to_recordset(?::json) AS v(id uuid, order_id uuid, enrolled_at timestamptz, status text, progress_percent smallint,
         lessons_completed integer, completed_at timestamptz, last_accessed_at timestamptz, current_lesson_id uuid)
       WHERE e.id = v.id`,
      [JSON.stringify(sale.enrollmentUpdates.slice(i, i + 2000))],
    );
  }
  await chunks('lesson_progress', sale.progress);
  // Their reviews are written after the purchase too, so the reviews curve follows the sales.
  await trx.raw(
    `UPDATE reviews r SET created_at = v.at, updated_at = v.at
     FROM json_to_recordset(?::json) AS v(course_id uuid, user_id uuid, at timestamptz)
     WHERE r.course_id = v.course_id AND r.user_id = v.user_id`,
    [JSON.stringify(sale.reviewMoves)],
  );
  await rebuildAllInsights(trx as Knex.Transaction);
  return { orders: sale.orders.length, refunds: sale.refunds.length };
}
