import fs from 'node:fs';
import { BUNDLE } from './processes';

/** The bundled contract as plain JSON (a fresh copy: openapi-backend dereferences its own in place). */
export type Json = Record<string, any>;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function readBundle(file = BUNDLE): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
}

/** Escapes one JSON-pointer segment (`/courses/{id}/` → `~1courses~1{id}~1`). */
export const pointerSegment = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Follows local `$ref`s (`#/components/...`) until a node without one. */
export function resolve(doc: Json, node: Json): Json {
  let current = node;
  for (let hops = 0; current && typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref loop at ${node.$ref}`);
    current = at(doc, current.$ref as string);
  }
  return current;
}

/** The node at a local JSON pointer (`#/components/schemas/Error`). */
export function at(doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are expected in the bundle, got ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Json>((node, key) => {
      if (node === undefined || !(key in node)) throw new Error(`Dangling $ref ${ref}`);
      return node[key] as Json;
    }, doc);
}

export interface DocOperation {
  method: string;
  path: string;
  operationId: string;
  operation: Json;
  /** JSON pointer of the operation (`#/paths/~1auth~1me~1/get`). */
  pointer: string;
  /** Path-level and operation-level parameters, resolved; the operation's win. */
  parameters: { pointer: string; parameter: Json }[];
}

export function operations(doc: Json): DocOperation[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((method) => {
      const pointer = `#/paths/${pointerSegment(path)}/${method}`;
      const operation = item[method] as Json;
      const collect = (list: Json[] | undefined, base: string) =>
        (list ?? []).map((p, i) => {
          const ref = typeof p.$ref === 'string' ? (p.$ref as string) : `${base}/parameters/${i}`;
          return { pointer: ref, parameter: resolve(doc, p) };
        });
      const own = collect(operation.parameters as Json[] | undefined, pointer);
      const shared = collect(item.parameters as Json[] | undefined, `#/paths/${pointerSegment(path)}`).filter(
        (p) => !own.some((o) => o.parameter.name === p.parameter.name && o.parameter.in === p.parameter.in),
      );
      return { method, path, operationId: operation.operationId as string, operation, pointer, parameters: [...shared, ...own] };
    }),
  );
}

/** The response object of a status, resolved, with the pointer of where it really lives. */
export function response(doc: Json, op: DocOperation, status: string): { pointer: string; response: Json } | undefined {
  let node = op.operation.responses?.[status] as Json | undefined;
  if (!node) return undefined;
  let pointer = `${op.pointer}/responses/${status}`;
  while (typeof node.$ref === 'string') {
    pointer = node.$ref as string;
    node = at(doc, pointer);
  }
  return { pointer, response: node };
}
