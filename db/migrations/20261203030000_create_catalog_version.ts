import type { Knex } from 'knex';

// A one-row counter that moves whenever the inputs of the catalog's facet-only aggregates change: the
// trigger-maintained catalog_facet_counts (publication, category, level, language and price of courses) and the
// categories (names and slugs shown in the facets). The API caches the facets and totals of those aggregates
// per process and per version (src/services/catalogFacetCache.ts), reading the version in the same statement as
// the page, so a cached entry is used only when the request's own snapshot shows the catalog it was built from.
//
// Why this is never stale, even across API processes:
// - the bump is an UPDATE of the row in the changing transaction itself, so it becomes visible atomically with
//   the change at commit (a sequence would not: nextval is visible before the commit, and a reader could cache
//   the old catalog under the new number for good);
// - concurrent bumps serialize on the row lock, so versions follow commit order and a snapshot showing version
//   v shows exactly the catalog changes numbered up to v;
// - the facet counts' trigger is a DEFERRED constraint trigger: the row lock is taken at commit, when the
//   transaction takes no other lock, so a writer holding course rows never waits on it while holding it (no
//   deadlock), and a transaction bumps at most once (bumped_by), however many rows it changed.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE catalog_version (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      version bigint NOT NULL,
      bumped_by xid8
    )`);
  await knex.raw('INSERT INTO catalog_version (only_row, version) VALUES (true, 1)');
  await knex.raw(`
    CREATE FUNCTION catalog_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE catalog_version SET version = version + 1, bumped_by = pg_current_xact_id()
      WHERE bumped_by IS DISTINCT FROM pg_current_xact_id();
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE CONSTRAINT TRIGGER catalog_facet_counts_catalog_version AFTER INSERT OR UPDATE OR DELETE ON catalog_facet_counts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_version_bump()`);
  // TRUNCATE has no row (nor constraint) triggers: bump at once.
  await knex.raw(`
    CREATE TRIGGER catalog_facet_counts_catalog_version_truncate AFTER TRUNCATE ON catalog_facet_counts
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_version_bump()`);
  // Categories bump at once, per statement: pending deferred events on categories would forbid the ALTER TABLE of
  // courses (its foreign key to categories) that the bulk demo seed runs in the transaction that inserts them, and
  // no transaction writes courses and then categories (there is no category API), so the early lock cannot deadlock.
  await knex.raw(`
    CREATE TRIGGER categories_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_version_bump()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS categories_catalog_version ON categories');
  await knex.raw('DROP TRIGGER IF EXISTS catalog_facet_counts_catalog_version_truncate ON catalog_facet_counts');
  await knex.raw('DROP TRIGGER IF EXISTS catalog_facet_counts_catalog_version ON catalog_facet_counts');
  await knex.raw('DROP FUNCTION IF EXISTS catalog_version_bump()');
  await knex.raw('DROP TABLE IF EXISTS catalog_version');
}
