import type { Knex } from 'knex';

// The number of published courses per (category, level, language, price): the catalog's facets and total for
// the common browse (filters on those four dimensions only) are summed from these few thousand rows instead of
// aggregating every published course on each request. Statement-level triggers with transition tables keep it
// exact in the same transaction as the change, for single-row edits and bulk loads alike (PostgreSQL allows one
// event per trigger with transition tables, and no column list, hence three triggers and a diff on UPDATE).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE catalog_facet_counts (
      category_id uuid,
      level text NOT NULL,
      language text NOT NULL,
      price_cents integer,
      courses integer NOT NULL,
      CONSTRAINT catalog_facet_counts_key UNIQUE NULLS NOT DISTINCT (category_id, level, language, price_cents)
    )`);

  // Every branch adds signed deltas per key; a removal is a negative upsert onto the existing row (hence no CHECK
  // on courses: it would reject the proposed negative row before the conflict turns it into an update).
  const upsert = 'ON CONFLICT ON CONSTRAINT catalog_facet_counts_key DO UPDATE SET courses = f.courses + EXCLUDED.courses';
  await knex.raw(`
    CREATE FUNCTION catalog_facet_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO catalog_facet_counts AS f (category_id, level, language, price_cents, courses)
        SELECT category_id, level, language, price_cents, count(*) FROM new_rows WHERE is_published
        GROUP BY 1, 2, 3, 4
        ${upsert};
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO catalog_facet_counts AS f (category_id, level, language, price_cents, courses)
        SELECT category_id, level, language, price_cents, -count(*) FROM old_rows WHERE is_published
        GROUP BY 1, 2, 3, 4
        ${upsert};
      ELSE
        -- Only rows whose publication or facet columns changed move between keys; most updates (ratings,
        -- student counts, texts) change none of them and write nothing here.
        INSERT INTO catalog_facet_counts AS f (category_id, level, language, price_cents, courses)
        SELECT x.category_id, x.level, x.language, x.price_cents, sum(x.delta)
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES (o.category_id, o.level, o.language, o.price_cents, -1, o.is_published),
                                   (n.category_id, n.level, n.language, n.price_cents, 1, n.is_published))
          AS x(category_id, level, language, price_cents, delta, is_published)
        WHERE x.is_published
          AND (o.is_published, o.category_id, o.level, o.language, o.price_cents)
              IS DISTINCT FROM (n.is_published, n.category_id, n.level, n.language, n.price_cents)
        GROUP BY 1, 2, 3, 4 HAVING sum(x.delta) <> 0
        ${upsert};
      END IF;
      RETURN NULL;
    END $$`);
  const triggers: Array<[event: string, referencing: string]> = [
    ['INSERT', 'NEW TABLE AS new_rows'],
    ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
    ['DELETE', 'OLD TABLE AS old_rows'],
  ];
  for (const [event, referencing] of triggers) {
    await knex.raw(`
      CREATE TRIGGER courses_facet_counts_${event.toLowerCase()} AFTER ${event} ON courses
      REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION catalog_facet_counts_apply()`);
  }
  await knex.raw(`
    CREATE FUNCTION catalog_facet_counts_reset() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM catalog_facet_counts;
      RETURN NULL;
    END $$`);
  await knex.raw(
    'CREATE TRIGGER courses_facet_counts_truncate AFTER TRUNCATE ON courses FOR EACH STATEMENT EXECUTE FUNCTION catalog_facet_counts_reset()',
  );

  await knex.raw(`
    INSERT INTO catalog_facet_counts (category_id, level, language, price_cents, courses)
    SELECT category_id, level, language, price_cents, count(*) FROM courses WHERE is_published
    GROUP BY category_id, level, language, price_cents`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS courses_facet_counts_truncate ON courses');
  for (const event of ['insert', 'update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS courses_facet_counts_${event} ON courses`);
  await knex.raw('DROP FUNCTION IF EXISTS catalog_facet_counts_reset()');
  await knex.raw('DROP FUNCTION IF EXISTS catalog_facet_counts_apply()');
  await knex.raw('DROP TABLE IF EXISTS catalog_facet_counts');
}
