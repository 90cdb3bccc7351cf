import type { Knex } from 'knex';

// The typo fallback matches `word_similarity(search, title) >= 0.4` (or the instructor's name). Evaluated course
// by course, that is thousands of word_similarity calls per search at 100,000 courses (the GIN index narrows to
// every course sharing a few trigrams, and each must be rechecked, then ranked with two more calls), 0.1 s and
// more. Titles and names repeat across courses, so the test runs instead on the distinct titles and names (these
// two tables, with their own trigram indexes), and the courses are found by equality through btree indexes. The
// result is exactly the same: the predicate depends on the title (or name) string only.
//
// The tables only grow (a title no course carries any more simply joins to nothing), so a trigger never has to
// count or delete, and concurrent writers never wait on each other beyond an identical new phrase.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE TABLE catalog_titles (title text PRIMARY KEY)');
  await knex.raw('CREATE TABLE catalog_instructor_names (name text PRIMARY KEY)');
  await knex.raw('CREATE INDEX catalog_titles_trgm_index ON catalog_titles USING gin (title gin_trgm_ops)');
  await knex.raw('CREATE INDEX catalog_instructor_names_trgm_index ON catalog_instructor_names USING gin (name gin_trgm_ops)');
  // The courses of the matched names, by equality (the trigram index on courses.instructor_name cannot do `= ANY`).
  await knex.raw('CREATE INDEX courses_pub_instructor_name_index ON courses (instructor_name) WHERE is_published');

  const record = (from: string): string => `
      INSERT INTO catalog_titles (title) SELECT DISTINCT title FROM ${from} ON CONFLICT DO NOTHING;
      INSERT INTO catalog_instructor_names (name) SELECT DISTINCT instructor_name FROM ${from} ON CONFLICT DO NOTHING;`;
  await knex.raw(`
    CREATE FUNCTION catalog_phrases_record_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN ${record('new_rows')}
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE FUNCTION catalog_phrases_record_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO catalog_titles (title) VALUES (NEW.title) ON CONFLICT DO NOTHING;
      INSERT INTO catalog_instructor_names (name) VALUES (NEW.instructor_name) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$`);
  // Statement level for inserts (a bulk load records each phrase once); row level for updates, where a column list
  // and WHEN leave every other update (ratings, counts) untouched.
  await knex.raw(`
    CREATE TRIGGER courses_catalog_phrases_insert AFTER INSERT ON courses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_phrases_record_inserted()`);
  await knex.raw(`
    CREATE TRIGGER courses_catalog_phrases_update AFTER UPDATE OF title, instructor_name ON courses
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.instructor_name IS DISTINCT FROM NEW.instructor_name)
    EXECUTE FUNCTION catalog_phrases_record_updated()`);
  await knex.raw(record('courses'));
  // pg_trgm declares its similarity functions as cheap as `=` (cost 1), so on a small phrase table the planner
  // scans every row and calls word_similarity on each (~12 µs a call: 20 ms for 1,600 titles) instead of letting
  // the trigram index recheck a few dozen. 200 is their real cost relative to a comparison.
  for (const fn of TRGM_FUNCTIONS) await knex.raw(`ALTER FUNCTION ${fn}(text, text) COST 200`);
}

const TRGM_FUNCTIONS = ['word_similarity', 'word_similarity_op', 'word_similarity_commutator_op'];

export async function down(knex: Knex): Promise<void> {
  for (const fn of TRGM_FUNCTIONS) await knex.raw(`ALTER FUNCTION ${fn}(text, text) COST 1`);
  await knex.raw('DROP TRIGGER IF EXISTS courses_catalog_phrases_update ON courses');
  await knex.raw('DROP TRIGGER IF EXISTS courses_catalog_phrases_insert ON courses');
  await knex.raw('DROP FUNCTION IF EXISTS catalog_phrases_record_updated()');
  await knex.raw('DROP FUNCTION IF EXISTS catalog_phrases_record_inserted()');
  await knex.raw('DROP INDEX IF EXISTS courses_pub_instructor_name_index');
  await knex.raw('DROP TABLE IF EXISTS catalog_instructor_names');
  await knex.raw('DROP TABLE IF EXISTS catalog_titles');
}
