import type { paths } from '../../src/generated/api';

/**
 * The test client's types, derived from the generated contract (src/generated/api.ts): which paths exist for
 * which method, and what each documented status answers. A test that calls a path the contract does not have
 * (or with a method it does not allow) fails `tsc`; requests off the contract on purpose go through
 * ApiClient.request, which takes any method and path.
 */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The path templates that have an operation for `M`. */
export type TemplateFor<M extends Method> = { [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never }[keyof paths];

/** A template as the tests write it: `/courses/{courseId}/` → `/courses/${string}/`. */
type Fill<P extends string> = P extends `${infer A}{${string}}${infer B}` ? `${A}${string}${Fill<B>}` : P;

/** A path the tests may call with `M`: a filled template, with or without a query string. */
export type ApiPath<M extends Method> = Fill<TemplateFor<M>> | `${Fill<TemplateFor<M>>}?${string}`;

type Segments<S extends string> = S extends `${infer H}/${infer T}` ? [H, ...Segments<T>] : [S];

/** Whether the path the test wrote fits the template segment by segment (a `{param}` takes one whole segment). */
type Fits<S extends string[], P extends string[]> = S extends [infer SH extends string, ...infer ST extends string[]]
  ? P extends [infer PH extends string, ...infer PT extends string[]]
    ? PH extends `{${string}}`
      ? Fits<ST, PT>
      : SH extends PH
        ? Fits<ST, PT>
        : false
    : false
  : P extends []
    ? true
    : false;

type WithoutQuery<S extends string> = S extends `${infer P}?${string}` ? P : S;

/** The template(s) a written path stands for. */
export type TemplateOf<M extends Method, S extends string> = {
  [P in TemplateFor<M>]: Fits<Segments<WithoutQuery<S>>, Segments<P>> extends true ? P : never;
}[TemplateFor<M>];

type Responses<M extends Method, S extends string> = paths[TemplateOf<M, S>] extends infer Item
  ? Item extends { [K in M]: { responses: infer R } }
    ? R
    : never
  : never;

/** The statuses the contract documents for this request. */
export type StatusOf<M extends Method, S extends string> = keyof Responses<M, S> & number;

/** The JSON body the contract documents for this request and status (`undefined` when it has none). */
export type BodyOf<M extends Method, S extends string, Status extends number> =
  Responses<M, S> extends infer R
    ? Status extends keyof R
      ? R[Status] extends { content: { 'application/json': infer B } }
        ? B
        : undefined
      : never
    : never;
