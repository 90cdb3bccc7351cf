import type Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The ajv setup shared by the server and the tests' response checks: standard formats on (otherwise
 * date-time, email and uuid are silently ignored), plus OpenAPI's annotation-only formats.
 */
export function configureAjv(ajv: Ajv): Ajv {
  addFormats(ajv);
  ajv.addFormat('password', true);
  ajv.addFormat('binary', true);
  ajv.addFormat('double', true);
  ajv.addFormat('float', true);
  ajv.addFormat('int32', true);
  ajv.addFormat('int64', true);
  return ajv;
}
