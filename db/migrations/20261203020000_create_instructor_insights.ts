import type { Knex } from 'knex';

// Instructor insights: caches rebuilt by the insights jobs from orders, refunds, enrollments, lesson_progress and
// reviews (src/services/insights.ts). Each row is one key (course and UTC day, or course, or course and lesson),
// written by an upsert or a delete-and-insert under the course's advisory lock, so concurrent recomputes cannot
// count anything twice. instructor_id is copied from the course so an instructor's reads are one index range.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE insight_sales_daily (
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
      day date NOT NULL,
      instructor_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      sales_count integer NOT NULL DEFAULT 0 CHECK (sales_count >= 0),
      gross_cents bigint NOT NULL DEFAULT 0 CHECK (gross_cents >= 0),
      discounted_sales_count integer NOT NULL DEFAULT 0 CHECK (discounted_sales_count >= 0),
      discount_cents bigint NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
      refunds_count integer NOT NULL DEFAULT 0 CHECK (refunds_count >= 0),
      refunded_cents bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
      computed_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT insight_sales_daily_pkey PRIMARY KEY (course_id, day)
    )`);
  await knex.raw('CREATE INDEX insight_sales_daily_instructor_day_index ON insight_sales_daily (instructor_id, day)');

  await knex.raw(`
    CREATE TABLE insight_learning_daily (
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
      day date NOT NULL,
      instructor_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      enrollments integer NOT NULL DEFAULT 0 CHECK (enrollments >= 0),
      completions integer NOT NULL DEFAULT 0 CHECK (completions >= 0),
      last_active_learners integer NOT NULL DEFAULT 0 CHECK (last_active_learners >= 0),
      computed_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT insight_learning_daily_pkey PRIMARY KEY (course_id, day)
    )`);
  await knex.raw('CREATE INDEX insight_learning_daily_instructor_day_index ON insight_learning_daily (instructor_id, day)');

  await knex.raw(`
    CREATE TABLE insight_course_learners (
      course_id uuid PRIMARY KEY REFERENCES courses(id) ON DELETE CASCADE,
      instructor_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      learners integer NOT NULL DEFAULT 0 CHECK (learners >= 0),
      completed_learners integer NOT NULL DEFAULT 0 CHECK (completed_learners >= 0),
      progress_percent_sum bigint NOT NULL DEFAULT 0 CHECK (progress_percent_sum >= 0),
      computed_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE INDEX insight_course_learners_instructor_index ON insight_course_learners (instructor_id)');

  await knex.raw(`
    CREATE TABLE insight_lesson_engagement (
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
      lesson_id uuid NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
      learners_started integer NOT NULL DEFAULT 0 CHECK (learners_started >= 0),
      learners_completed integer NOT NULL DEFAULT 0 CHECK (learners_completed >= 0),
      learners_stopped integer NOT NULL DEFAULT 0 CHECK (learners_stopped >= 0),
      computed_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT insight_lesson_engagement_pkey PRIMARY KEY (course_id, lesson_id)
    )`);
  await knex.raw('CREATE INDEX insight_lesson_engagement_lesson_id_index ON insight_lesson_engagement (lesson_id)');

  await knex.raw(`
    CREATE TABLE insight_reviews_daily (
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
      day date NOT NULL,
      instructor_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      reviews_count integer NOT NULL DEFAULT 0 CHECK (reviews_count >= 0),
      rating_sum integer NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
      rating_1 integer NOT NULL DEFAULT 0 CHECK (rating_1 >= 0),
      rating_2 integer NOT NULL DEFAULT 0 CHECK (rating_2 >= 0),
      rating_3 integer NOT NULL DEFAULT 0 CHECK (rating_3 >= 0),
      rating_4 integer NOT NULL DEFAULT 0 CHECK (rating_4 >= 0),
      rating_5 integer NOT NULL DEFAULT 0 CHECK (rating_5 >= 0),
      computed_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT insight_reviews_daily_pkey PRIMARY KEY (course_id, day)
    )`);
  await knex.raw('CREATE INDEX insight_reviews_daily_instructor_day_index ON insight_reviews_daily (instructor_id, day)');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'insight_reviews_daily',
    'insight_lesson_engagement',
    'insight_course_learners',
    'insight_learning_daily',
    'insight_sales_daily',
  ]) {
    await knex.raw(`DROP TABLE IF EXISTS ${table}`);
  }
}
