import type { Knex } from 'knex';

// One review per learner and course, one helpful vote per user and review: constraints, not ifs.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE reviews (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      rating smallint NOT NULL CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5),
      title text,
      comment text,
      helpful_count integer NOT NULL DEFAULT 0 CONSTRAINT reviews_helpful_count_check CHECK (helpful_count >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT reviews_course_id_user_id_unique UNIQUE (course_id, user_id)
    )`);
  await knex.raw('CREATE INDEX reviews_course_created_index ON reviews (course_id, created_at DESC)');
  await knex.raw('CREATE INDEX reviews_course_helpful_index ON reviews (course_id, helpful_count DESC)');
  await knex.raw('CREATE INDEX reviews_user_id_index ON reviews (user_id)');
  await knex.raw('CREATE TRIGGER reviews_set_updated_at BEFORE UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION set_updated_at()');

  await knex.raw(`
    CREATE TABLE review_votes (
      review_id uuid NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT review_votes_pkey PRIMARY KEY (review_id, user_id)
    )`);
  await knex.raw('CREATE INDEX review_votes_user_id_index ON review_votes (user_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS review_votes');
  await knex.raw('DROP TABLE IF EXISTS reviews');
}
