import type { Knex } from 'knex';

// recompute_courses_stats(courses): recompute_course_stats (migration create_course_stats_triggers) for several
// courses in one call, so the recompute-course-stats jobs a worker runs at once share one round trip and one
// ranking pass (src/services/courseStats.ts). Every marked category is ranked once, as any single job does; then
// each course's student_count is read (kept exact by the enrollment triggers), and `courses_in_run` says how many
// courses the call served. recompute_course_stats stays for workers of the previous release during a deploy.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION recompute_courses_stats(courses uuid[])
    RETURNS TABLE (course uuid, known boolean, student_count int, bestseller_changes int, courses_in_run int)
    LANGUAGE plpgsql AS $$
    DECLARE
      category uuid;
      changes int := 0;
    BEGIN
      -- In category order, so two runs take the category locks in the same order.
      FOR category IN SELECT DISTINCT s.category_id FROM bestseller_stale s ORDER BY 1 LOOP
        changes := changes + bestseller_rank_category(category);
      END LOOP;
      RETURN QUERY
        SELECT r.id, c.id IS NOT NULL, c.student_count, changes, cardinality(courses)
        FROM unnest(courses) AS r(id) LEFT JOIN courses c ON c.id = r.id;
    END $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS recompute_courses_stats(uuid[])');
}
