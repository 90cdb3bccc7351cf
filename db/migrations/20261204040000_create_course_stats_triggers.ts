import type { Knex } from 'knex';

// Makes recompute-course-stats cheap and keeps it exact.
//
// 1. courses.student_count is kept by triggers on enrollments in the enrolling (refunding, deleting) transaction
//    itself: the active and completed enrollments of the course, as the job used to count them.
//
// 2. bestseller_stale lists, per course and category, the changes of bestseller ranking inputs (a course's
//    student_count, is_published or category_id; a course inserted or deleted) that no ranking has seen yet. A
//    BEFORE UPDATE row trigger on courses adds to it in the changing transaction, so the marker commits atomically
//    with the change; a category change marks the category left as well as the one entered. The row is per
//    course, so an enrollment adds no lock beyond the course row its count update already holds.
//
// 3. recompute_course_stats(course) (one round trip for the job) re-ranks every category with a marker and
//    removes the markers it has seen, compare-and-set on their change counter. Why this stays exact:
//    - a marker is read after the category's advisory lock is taken, and the ranking runs in a later statement
//      (a fresh READ COMMITTED snapshot), so it sees every change counted in the markers it read;
//    - a marker is deleted only if its counter is still the one read: a change committed meanwhile bumps it and
//      leaves it for the next run;
//    - every change that moves a ranking enqueues a recompute-course-stats job in the same transaction (and the
//      outbox hands it over after the commit), and any job re-ranks every marked category whatever its course:
//      so after the jobs of the changes have run, no marker is left and every category is ranked on its inputs.
//    A job whose course changed nothing finds no marker and only reads its course: the common case of a burst
//    (several jobs collapsed after the first has ranked) and of a replay.
export async function up(knex: Knex): Promise<void> {
  // Counted exactly once, here; the trigger below keeps it from now on.
  await knex.raw(`
    UPDATE courses c SET student_count = e.n
    FROM (SELECT c2.id, (SELECT count(*) FROM enrollments e WHERE e.course_id = c2.id AND e.status IN ('active', 'completed'))::int AS n
          FROM courses c2) e
    WHERE e.id = c.id AND c.student_count <> e.n`);
  // Inserts (a purchase of several courses is one statement) apply per statement, courses in id order, so two
  // orders over the same courses lock them in the same order. Updates only matter when the status moves (a
  // refund, a re-purchase): a row trigger whose WHEN leaves the frequent progress updates without any call.
  for (const [event, rows, sign] of [
    ['insert', 'NEW TABLE AS changed_rows', ''],
    ['delete', 'OLD TABLE AS changed_rows', '-'],
  ] as const) {
    await knex.raw(`
      CREATE FUNCTION enrollments_student_count_${event}() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        d record;
      BEGIN
        FOR d IN
          SELECT course_id, ${sign}count(*)::int AS delta FROM changed_rows
          WHERE status IN ('active', 'completed') GROUP BY course_id ORDER BY course_id
        LOOP
          UPDATE courses SET student_count = student_count + d.delta WHERE id = d.course_id;
        END LOOP;
        RETURN NULL;
      END $$`);
    await knex.raw(`
      CREATE TRIGGER enrollments_student_count_${event} AFTER ${event.toUpperCase()} ON enrollments
      REFERENCING ${rows} FOR EACH STATEMENT EXECUTE FUNCTION enrollments_student_count_${event}()`);
  }
  await knex.raw(`
    CREATE FUNCTION enrollments_student_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status IN ('active', 'completed') THEN
        UPDATE courses SET student_count = student_count - 1 WHERE id = OLD.course_id;
      END IF;
      IF NEW.status IN ('active', 'completed') THEN
        UPDATE courses SET student_count = student_count + 1 WHERE id = NEW.course_id;
      END IF;
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE TRIGGER enrollments_student_count_update AFTER UPDATE OF status, course_id ON enrollments FOR EACH ROW
    WHEN ((OLD.status IN ('active', 'completed')) IS DISTINCT FROM (NEW.status IN ('active', 'completed'))
          OR OLD.course_id IS DISTINCT FROM NEW.course_id)
    EXECUTE FUNCTION enrollments_student_count_update()`);

  await knex.raw(`
    CREATE TABLE bestseller_stale (
      course_id uuid NOT NULL,
      category_id uuid,
      changes bigint NOT NULL DEFAULT 1,
      CONSTRAINT bestseller_stale_key UNIQUE NULLS NOT DISTINCT (course_id, category_id)
    )`);
  await knex.raw('CREATE INDEX bestseller_stale_category_index ON bestseller_stale (category_id)');
  await knex.raw(`
    CREATE FUNCTION bestseller_mark_stale(course uuid, category uuid) RETURNS void LANGUAGE sql AS $$
      INSERT INTO bestseller_stale AS s (course_id, category_id) VALUES (course, category)
      ON CONFLICT ON CONSTRAINT bestseller_stale_key DO UPDATE SET changes = s.changes + 1
    $$`);
  await knex.raw(`
    CREATE FUNCTION courses_ranking_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN PERFORM bestseller_mark_stale(OLD.id, OLD.category_id); END IF;
      IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.category_id IS DISTINCT FROM OLD.category_id) THEN
        PERFORM bestseller_mark_stale(NEW.id, NEW.category_id);
      END IF;
      RETURN NULL;
    END $$`);
  // is_bestseller is the ranking's output, written by the job only: not an input.
  await knex.raw(`
    CREATE TRIGGER courses_ranking_changed AFTER UPDATE OF student_count, is_published, category_id ON courses
    FOR EACH ROW
    WHEN ((OLD.student_count, OLD.is_published, OLD.category_id) IS DISTINCT FROM (NEW.student_count, NEW.is_published, NEW.category_id))
    EXECUTE FUNCTION courses_ranking_changed()`);
  // A new course can carry a count or a flag already (bulk loads, fixtures); a deleted one leaves its category.
  await knex.raw(`
    CREATE TRIGGER courses_ranking_inserted AFTER INSERT ON courses FOR EACH ROW
    WHEN (NEW.is_published OR NEW.is_bestseller) EXECUTE FUNCTION courses_ranking_changed()`);
  await knex.raw(`
    CREATE TRIGGER courses_ranking_deleted AFTER DELETE ON courses FOR EACH ROW
    WHEN (OLD.is_published OR OLD.is_bestseller) EXECUTE FUNCTION courses_ranking_changed()`);

  // The ranking itself is the statement src/repositories/courseStats.ts documents (threshold from k entries of
  // courses_pub_category_students_index, only flipped rows written); here it runs next to the markers.
  await knex.raw(`
    CREATE FUNCTION bestseller_rank_category(category uuid) RETURNS int LANGUAGE plpgsql AS $$
    DECLARE
      courses_seen uuid[];
      changes_seen bigint[];
      flipped int;
    BEGIN
      -- One ranking of a category at a time; the markers are read after the lock, so a run that waited finds
      -- what the previous holder left (usually nothing) instead of ranking again.
      PERFORM pg_advisory_xact_lock(hashtext('course-stats:' || coalesce(category::text, '')));
      SELECT array_agg(s.course_id), array_agg(s.changes) INTO courses_seen, changes_seen
      FROM bestseller_stale s WHERE s.category_id IS NOT DISTINCT FROM category;
      IF courses_seen IS NULL THEN RETURN 0; END IF;
      IF category IS NULL THEN
        -- A course without a category is ranked nowhere, so it is no bestseller.
        UPDATE courses SET is_bestseller = false WHERE id = ANY (courses_seen) AND category_id IS NULL AND is_bestseller;
      ELSE
        WITH k AS (
          SELECT ceil(0.1 * coalesce(sum(f.courses), 0))::int AS k FROM catalog_facet_counts f WHERE f.category_id = category
        ), threshold AS (
          SELECT CASE WHEN k.k = 0 THEN NULL ELSE greatest(1, (
                   SELECT c.student_count FROM courses c
                   WHERE c.category_id = category AND c.is_published
                   ORDER BY c.student_count DESC
                   OFFSET k.k - 1 LIMIT 1)) END AS t
          FROM k
        )
        UPDATE courses c SET is_bestseller = NOT c.is_bestseller
        WHERE c.id = ANY (ARRAY(
          SELECT c1.id FROM courses c1, threshold
          WHERE c1.category_id = category AND c1.is_published AND c1.student_count >= threshold.t AND NOT c1.is_bestseller
          UNION ALL
          SELECT c2.id FROM courses c2, threshold
          WHERE c2.category_id = category AND c2.is_bestseller
            AND NOT coalesce(c2.is_published AND c2.student_count >= threshold.t, false)
        ));
      END IF;
      GET DIAGNOSTICS flipped = ROW_COUNT;
      DELETE FROM bestseller_stale s
      USING unnest(courses_seen, changes_seen) AS seen(course_id, changes)
      WHERE s.course_id = seen.course_id AND s.category_id IS NOT DISTINCT FROM category AND s.changes = seen.changes;
      RETURN flipped;
    END $$`);
  await knex.raw(`
    CREATE FUNCTION recompute_course_stats(course uuid, OUT known boolean, OUT student_count int, OUT bestseller_changes int)
    LANGUAGE plpgsql AS $$
    DECLARE
      category uuid;
    BEGIN
      SELECT c.student_count INTO student_count FROM courses c WHERE c.id = course;
      known := FOUND;
      bestseller_changes := 0;
      -- In category order, so two runs take the category locks in the same order.
      FOR category IN SELECT DISTINCT s.category_id FROM bestseller_stale s ORDER BY 1 LOOP
        bestseller_changes := bestseller_changes + bestseller_rank_category(category);
      END LOOP;
    END $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS recompute_course_stats(uuid)');
  await knex.raw('DROP FUNCTION IF EXISTS bestseller_rank_category(uuid)');
  for (const t of ['courses_ranking_changed', 'courses_ranking_inserted', 'courses_ranking_deleted'])
    await knex.raw(`DROP TRIGGER IF EXISTS ${t} ON courses`);
  await knex.raw('DROP FUNCTION IF EXISTS courses_ranking_changed()');
  await knex.raw('DROP FUNCTION IF EXISTS bestseller_mark_stale(uuid, uuid)');
  await knex.raw('DROP TABLE IF EXISTS bestseller_stale');
  for (const e of ['insert', 'update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS enrollments_student_count_${e} ON enrollments`);
  for (const e of ['insert', 'update', 'delete']) await knex.raw(`DROP FUNCTION IF EXISTS enrollments_student_count_${e}()`);
}
