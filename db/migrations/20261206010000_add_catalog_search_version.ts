import type { Knex } from 'knex';

// catalog_version.search_version moves whenever a published course's search_vector changes (its title, short
// description, description or instructor name: the courses_search_vector trigger), which is what decides whether
// it matches a search and that catalog_version does not follow. Together, catalog_version (publication, category,
// level, language, price, category names) and search_version name one set of matches, facets and total for every
// search filtered otherwise on facet dimensions only, so the API may cache those per search
// (src/services/catalogFacetCache.ts) and check them against the versions the page's own statement reads.
// A course inserted or deleted while published changes catalog_facet_counts, so catalog_version covers it.
// Same mechanism as catalog_version (migration create_catalog_version): an UPDATE of the one row from a DEFERRED
// constraint trigger, so the new number becomes visible atomically with the change, bumps follow commit order,
// the row lock is taken at commit only, and a transaction bumps once however many courses it changed (a renamed
// instructor with many courses, users_sync_instructor_name, is one bump).
// The trigger lists the columns the search vector is built from, not search_vector itself: an UPDATE OF trigger
// fires for columns named in the statement's SET, and search_vector is only ever set by the BEFORE trigger. WHEN
// sees the row as that trigger left it, so an edit that leaves the vector as it was bumps nothing.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE catalog_version ADD COLUMN search_version bigint NOT NULL DEFAULT 1, ADD COLUMN search_bumped_by xid8');
  await knex.raw(`
    CREATE FUNCTION catalog_search_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE catalog_version SET search_version = search_version + 1, search_bumped_by = pg_current_xact_id()
      WHERE search_bumped_by IS DISTINCT FROM pg_current_xact_id();
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE CONSTRAINT TRIGGER courses_catalog_search_version
    AFTER UPDATE OF title, short_description, description, instructor_name, instructor_id ON courses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.is_published OR NEW.is_published) AND OLD.search_vector IS DISTINCT FROM NEW.search_vector)
    EXECUTE FUNCTION catalog_search_version_bump()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS courses_catalog_search_version ON courses');
  await knex.raw('DROP FUNCTION IF EXISTS catalog_search_version_bump()');
  await knex.raw('ALTER TABLE catalog_version DROP COLUMN IF EXISTS search_bumped_by, DROP COLUMN IF EXISTS search_version');
}
