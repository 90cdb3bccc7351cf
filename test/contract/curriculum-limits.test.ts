import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Json, readBundle } from '../support/document';
import { CURRICULUM_LIMITS } from '../../src/services/curriculumLimits';

/** The limits the server enforces are the ones the contract states (its maxItems and descriptions). */
it('the curriculum limits of the server are the maxItems of the contract', () => {
  const schemas = readBundle().components.schemas as Json;
  const items = (schema: string, field: string): number => schemas[schema].properties[field].maxItems as number;
  assert.equal(items('CatalogCourseDetail', 'curriculum'), CURRICULUM_LIMITS.sectionsPerCourse);
  assert.equal(items('CatalogCurriculumSection', 'lessons'), CURRICULUM_LIMITS.lessonsPerSection);
  assert.equal(items('AuthoringSection', 'lessons'), CURRICULUM_LIMITS.lessonsPerSection);
  for (const schema of ['AuthoringLessonCreateRequest', 'AuthoringLessonUpdateRequest', 'AuthoringLesson', 'CatalogCurriculumLesson']) {
    assert.equal(items(schema, 'resources'), CURRICULUM_LIMITS.resourcesPerLesson, schema);
  }
  assert.match(schemas.CatalogCourseDetail.description as string, new RegExp(`${CURRICULUM_LIMITS.lessonsPerCourse} lessons per course`));
});
