import type { Knex } from 'knex';

// Aggregates (duration, lessons, ratings, students, bestseller) are derived data the app keeps current;
// they live on the row so the catalog can filter and sort with plain indexes.
// search_vector cannot be a generated column (instructor_name comes from users), so a trigger maintains it,
// with the 'english' configuration: query it with websearch_to_tsquery('english', ...).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE courses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      instructor_id uuid NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
      instructor_name text NOT NULL,
      category_id uuid REFERENCES categories(id) ON DELETE SET NULL,
      title text NOT NULL,
      slug text NOT NULL CONSTRAINT courses_slug_unique UNIQUE,
      short_description text,
      description text,
      thumbnail text,
      preview_video_url text,
      level text NOT NULL DEFAULT 'All Levels'
        CONSTRAINT courses_level_check CHECK (level IN ('Beginner', 'Intermediate', 'Advanced', 'All Levels')),
      language text NOT NULL DEFAULT 'English',
      price_cents integer CONSTRAINT courses_price_cents_check CHECK (price_cents >= 0),
      original_price_cents integer CONSTRAINT courses_original_price_cents_check CHECK (original_price_cents >= 0),
      currency char(3) NOT NULL DEFAULT 'usd',
      outcomes jsonb NOT NULL DEFAULT '[]' CONSTRAINT courses_outcomes_check CHECK (jsonb_typeof(outcomes) = 'array'),
      requirements jsonb NOT NULL DEFAULT '[]' CONSTRAINT courses_requirements_check CHECK (jsonb_typeof(requirements) = 'array'),
      certificate_included boolean NOT NULL DEFAULT true,
      is_published boolean NOT NULL DEFAULT false,
      published_at timestamptz,
      last_updated timestamptz NOT NULL DEFAULT now(),
      duration_minutes integer NOT NULL DEFAULT 0 CHECK (duration_minutes >= 0),
      lesson_count integer NOT NULL DEFAULT 0 CHECK (lesson_count >= 0),
      rating_avg numeric(3,2) NOT NULL DEFAULT 0 CHECK (rating_avg BETWEEN 0 AND 5),
      rating_count integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
      review_count integer NOT NULL DEFAULT 0 CHECK (review_count >= 0),
      rating_1 integer NOT NULL DEFAULT 0 CHECK (rating_1 >= 0),
      rating_2 integer NOT NULL DEFAULT 0 CHECK (rating_2 >= 0),
      rating_3 integer NOT NULL DEFAULT 0 CHECK (rating_3 >= 0),
      rating_4 integer NOT NULL DEFAULT 0 CHECK (rating_4 >= 0),
      rating_5 integer NOT NULL DEFAULT 0 CHECK (rating_5 >= 0),
      student_count integer NOT NULL DEFAULT 0 CHECK (student_count >= 0),
      is_bestseller boolean NOT NULL DEFAULT false,
      search_vector tsvector NOT NULL DEFAULT ''::tsvector,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

  await knex.raw(`
    CREATE FUNCTION courses_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- instructor_name is denormalized from users: filled on insert when not given, refreshed when the
      -- instructor changes (users_sync_instructor_name covers renames).
      IF (TG_OP = 'INSERT' AND NEW.instructor_name IS NULL)
         OR (TG_OP = 'UPDATE' AND NEW.instructor_id IS DISTINCT FROM OLD.instructor_id
             AND NEW.instructor_name IS NOT DISTINCT FROM OLD.instructor_name) THEN
        SELECT trim(u.first_name || ' ' || u.last_name) INTO NEW.instructor_name FROM users u WHERE u.id = NEW.instructor_id;
      END IF;
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.short_description, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.instructor_name, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C');
      RETURN NEW;
    END $$`);
  await knex.raw(`
    CREATE TRIGGER courses_search_vector
    BEFORE INSERT OR UPDATE OF title, short_description, description, instructor_name, instructor_id ON courses
    FOR EACH ROW EXECUTE FUNCTION courses_before_write()`);
  await knex.raw('CREATE TRIGGER courses_set_updated_at BEFORE UPDATE ON courses FOR EACH ROW EXECUTE FUNCTION set_updated_at()');

  await knex.raw(`
    CREATE FUNCTION users_sync_instructor_name() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE courses SET instructor_name = trim(NEW.first_name || ' ' || NEW.last_name) WHERE instructor_id = NEW.id;
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE TRIGGER users_sync_instructor_name
    AFTER UPDATE OF first_name, last_name ON users
    FOR EACH ROW WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name OR OLD.last_name IS DISTINCT FROM NEW.last_name)
    EXECUTE FUNCTION users_sync_instructor_name()`);

  // Catalog indexes. Sort indexes end with id so "ORDER BY x DESC, id" (a stable page order) is an index scan.
  const published = 'WHERE is_published';
  const indexes: Array<[string, string]> = [
    ['courses_search_vector_index', 'USING gin (search_vector)'],
    ['courses_title_trgm_index', 'USING gin (title gin_trgm_ops)'],
    ['courses_instructor_name_trgm_index', 'USING gin (instructor_name gin_trgm_ops)'],
    ['courses_instructor_id_index', '(instructor_id, created_at DESC)'],
    ['courses_category_id_index', '(category_id)'],
    ['courses_pub_category_students_index', `(category_id, student_count DESC, id) ${published}`],
    ['courses_pub_students_index', `(student_count DESC, id) ${published}`],
    ['courses_pub_rating_index', `(rating_avg DESC, id) ${published}`],
    ['courses_pub_price_index', `(price_cents, id) ${published}`],
    ['courses_pub_published_at_index', `(published_at DESC, id) ${published}`],
    ['courses_pub_reviews_index', `(review_count DESC, id) ${published}`],
    ['courses_pub_level_index', `(level) ${published}`],
    ['courses_pub_language_index', `(language) ${published}`],
    ['courses_pub_instructor_index', `(instructor_id) ${published}`],
  ];
  for (const [name, def] of indexes) await knex.raw(`CREATE INDEX ${name} ON courses ${def}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS users_sync_instructor_name ON users');
  await knex.raw('DROP FUNCTION IF EXISTS users_sync_instructor_name()');
  await knex.raw('DROP TABLE IF EXISTS courses');
  await knex.raw('DROP FUNCTION IF EXISTS courses_before_write()');
}
