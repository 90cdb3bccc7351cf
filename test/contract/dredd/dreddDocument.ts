import fs from 'node:fs';
import path from 'node:path';
import { HTTP_METHODS, type Json, readBundle } from '../../support/document';

/**
 * The bundle as Dredd 14's OpenAPI 3 parser can read it. It aborts on a parameter that has `examples` (the
 * plural, valid OpenAPI: getCourse's course_id shows a UUID and a slug) and no `example`, so the first of
 * them becomes the `example`. Nothing else changes; the hooks validate against the real bundle's schemas.
 */
export function writeDreddDocument(dir: string): string {
  const doc = readBundle();
  const fix = (parameter: Json): void => {
    if (parameter.examples && !('example' in parameter)) {
      parameter.example = (Object.values(parameter.examples as Json)[0] as Json).value;
      delete parameter.examples;
    }
  };
  for (const item of Object.values(doc.paths as Json)) {
    for (const p of (item.parameters ?? []) as Json[]) fix(p);
    for (const method of HTTP_METHODS) for (const p of ((item[method] as Json | undefined)?.parameters ?? []) as Json[]) fix(p);
  }
  for (const p of Object.values((doc.components?.parameters ?? {}) as Json)) fix(p as Json);
  const file = path.join(dir, 'openapi.dredd.json');
  fs.writeFileSync(file, JSON.stringify(doc, null, 1));
  return file;
}
