import type { Knex } from 'knex';

// catalog_version.order_version moves whenever a published course's sort key changes (student_count, rating_avg,
// review_count, title, last_updated): what catalog_version itself does not follow, since the facets do not depend
// on them. Together the two versions name one order of every facet-only list, so the API may remember where a
// page starts in it (src/services/catalogPageAnchors.ts) and seek there instead of skipping the rows before it.
// price_cents, publication, category, level and language already move catalog_version (catalog_facet_counts).
// Same mechanism as catalog_version (migration create_catalog_version): an UPDATE of the one row from a DEFERRED
// constraint trigger, so the new number becomes visible atomically with the change, bumps follow commit order,
// the row lock is taken at commit only, and a transaction bumps once however many courses it changed.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE catalog_version ADD COLUMN order_version bigint NOT NULL DEFAULT 1, ADD COLUMN order_bumped_by xid8');
  await knex.raw(`
    CREATE FUNCTION catalog_order_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE catalog_version SET order_version = order_version + 1, order_bumped_by = pg_current_xact_id()
      WHERE order_bumped_by IS DISTINCT FROM pg_current_xact_id();
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE CONSTRAINT TRIGGER courses_catalog_order_version
    AFTER UPDATE OF student_count, rating_avg, review_count, title, last_updated ON courses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.is_published OR NEW.is_published) AND (
      OLD.student_count IS DISTINCT FROM NEW.student_count OR OLD.rating_avg IS DISTINCT FROM NEW.rating_avg
      OR OLD.review_count IS DISTINCT FROM NEW.review_count OR OLD.title IS DISTINCT FROM NEW.title
      OR OLD.last_updated IS DISTINCT FROM NEW.last_updated))
    EXECUTE FUNCTION catalog_order_version_bump()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS courses_catalog_order_version ON courses');
  await knex.raw('DROP FUNCTION IF EXISTS catalog_order_version_bump()');
  await knex.raw('ALTER TABLE catalog_version DROP COLUMN IF EXISTS order_bumped_by, DROP COLUMN IF EXISTS order_version');
}
