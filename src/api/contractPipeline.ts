import type { IncomingHttpHeaders } from 'node:http';
import type OpenAPIBackend from 'openapi-backend';
import type { Context, Handler, Operation, ParsedRequest } from 'openapi-backend';
import type { OperationMatcher } from './precompiledRouter';

/** What app.ts hands over: express has already parsed the query (simple parser) and the JSON body. */
export interface ContractRequest {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface AjvErrorLike {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: unknown;
  message?: string;
}
type RequestValidator = ((data: unknown) => boolean) & { errors?: AjvErrorLike[] | null };

/** What one operation needs per request, derived once from the contract. */
interface CompiledOperation {
  operation: Operation;
  /** bath-es5's pattern for the path template (the library extracts path parameters with it). */
  paramsPattern: RegExp;
  paramNames: string[];
  /** Query parameters declared `type: array`: a single value is wrapped in an array before validation. */
  arrayQuery: Set<string>;
  /** Header parameters are validated with type coercion, which writes into the object: copy then. */
  hasHeaderParams: boolean;
  /** The only request media type is JSON: a body express left unparsed must be JSON. */
  jsonOnlyBody: boolean;
  /** The schemes named by the operation's security requirements (global ones already merged in). */
  securitySchemes: string[];
}

/**
 * openapi-backend's `handleRequest`, with the same steps, handlers and answers, minus what it redoes per request
 * (profiled in issue 13): it parses the request three or four times (before routing, after routing, inside
 * validateRequest, and again after coercion), each time deep-cloning the query with lodash, copying the headers
 * with `mapKeys`, parsing cookies and compiling the path template's regular expressions (bath-es5), and it runs
 * lodash chains in validation. Here the request is parsed once for the matched operation, with everything
 * derived from the contract (path-parameter pattern, array-typed query parameters, security schemes) compiled at
 * start-up, and the operation's own ajv validators (compiled by openapi-backend from the contract, on first use)
 * are called directly. The contract stays the only source of routing and validation.
 *
 * Operations using parameter features this parse does not reproduce (cookie parameters, `explode: false`,
 * `content` query parameters; none in the contract today) take the library's own path, so a contract that grows
 * one still behaves as before. test/http/contract-pipeline.test.ts compares both paths on the same requests.
 */
export function contractPipeline<Args extends unknown[]>(
  api: OpenAPIBackend,
  match: OperationMatcher,
): (request: ContractRequest, ...args: Args) => Promise<unknown> {
  const supported = ['notFound', 'methodNotAllowed', 'notImplemented', 'postRoutingHandler', 'postSecurityHandler', 'unauthorizedHandler'];
  const unsupported = ['preRoutingHandler', 'preOperationHandler', 'postResponseHandler', '404', '405', '400', '501', '401'];
  for (const name of unsupported) {
    if (api.handlers[name]) throw new Error(`contractPipeline: the ${name} hook is not supported (${supported.join(', ')} are)`);
  }
  if (typeof api.validate === 'function' || !api.validator) throw new Error('contractPipeline: needs validate: true');
  if (api.apiRoot !== '/' || api.ignoreTrailingSlashes) throw new Error('contractPipeline: needs apiRoot / and exact trailing slashes');
  const compiled = new Map<Operation, CompiledOperation | null>();
  for (const operation of api.router.getOperations()) compiled.set(operation, compileOperation(operation));
  const library = (request: ContractRequest, args: Args): Promise<unknown> =>
    api.handleRequest(request as unknown as Parameters<OpenAPIBackend['handleRequest']>[0], ...args);
  const hook = (name: string): Handler | undefined => api.handlers[name] as Handler | undefined;

  return async (request, ...args) => {
    const path = normalizePath(request.path);
    const method = request.method.trim().toLowerCase();
    const context = { api } as Context;
    const matched = match(path, method);
    if (typeof matched === 'string') {
      await hook('postRoutingHandler')?.(context, ...args);
      const handler = (matched === '405' && hook('methodNotAllowed')) || hook('notFound');
      if (!handler) throw new Error(matched === '405' ? '405-methodNotAllowed' : '404-notFound');
      return handler(context, ...args);
    }
    const op = compiled.get(matched);
    if (!op) return library(request, args);
    const { operation } = op;
    context.operation = operation;

    const params = pathParams(op, path);
    const query = copyQuery(request.query);
    let requestBody = request.body;
    if (request.body && typeof request.body !== 'object') {
      try {
        requestBody = JSON.parse(String(request.body));
      } catch {
        // as the library: a malformed body is reported by validation below
      }
    }
    const parsed: ParsedRequest = {
      method,
      path,
      body: request.body,
      headers: request.headers as ParsedRequest['headers'],
      params,
      query: query as ParsedRequest['query'],
      cookies: {},
      requestBody,
    };
    context.request = parsed;
    await hook('postRoutingHandler')?.(context, ...args);

    // Security: the library's rules (a falsy result or an `{ error }` fails a scheme; every scheme of one
    // requirement must pass; one passing requirement is enough).
    const results: Record<string, unknown> = {};
    await Promise.all(
      op.securitySchemes.map(async (name) => {
        results[name] = undefined;
        const securityHandler = api.securityHandlers[name] as Handler | undefined;
        if (!securityHandler) return;
        try {
          results[name] = await securityHandler(context, ...args);
        } catch (error) {
          results[name] = { error: error || new Error('security handler rejected') };
        }
      }),
    );
    const requirements = (operation.security ?? []) as Record<string, unknown>[];
    const authorized = requirements.some((requirement) =>
      Object.keys(requirement).every((name) => {
        const result = results[name];
        return Boolean(result) && !(typeof result === 'object' && (result as { error?: unknown }).error);
      }),
    );
    // Not `{ ...results, authorized }`: on Node 20 a spread followed by more keys builds a new hidden class per
    // request (see courseListItem in src/presenters/courses.ts).
    context.security = Object.assign(results, { authorized });
    await hook('postSecurityHandler')?.(context, ...args);
    if (!authorized && requirements.length > 0) {
      const unauthorized = hook('unauthorizedHandler');
      if (!unauthorized) throw new Error(`401-unauthorized: ${operation.operationId}`);
      return unauthorized(context, ...args);
    }

    const validation = validate(api, op, request, parsed, params, query, requestBody);
    context.validation = validation;
    if (validation.errors) {
      const fail = hook('validationFail');
      if (!fail) throw new Error(`400-validationFail: ${operation.operationId}`);
      return fail(context, ...args);
    }
    const handler = api.handlers[operation.operationId as string] as Handler | undefined;
    if (!handler) {
      const notImplemented = hook('notImplemented');
      if (!notImplemented) throw new Error(`501-notImplemented: ${operation.operationId}`);
      return notImplemented(context, ...args);
    }
    return handler(context, ...args);
  };
}

/** The library's validateRequest for an already matched and parsed request. */
function validate(
  api: OpenAPIBackend,
  op: CompiledOperation,
  request: ContractRequest,
  parsed: ParsedRequest,
  params: Record<string, string>,
  query: Record<string, unknown>,
  requestBody: unknown,
): Context['validation'] {
  const errors: AjvErrorLike[] = [];
  for (const name of op.arrayQuery) if (typeof query[name] === 'string') query[name] = [query[name]];
  const parameters: Record<string, unknown> = {
    // Validation coerces path values in place; the handler keeps the strings, as with the library.
    path: { ...params },
    query,
    header: op.hasHeaderParams ? { ...request.headers } : request.headers,
    cookie: parsed.cookies,
  };
  if (typeof request.body !== 'object' && request.body !== undefined && op.jsonOnlyBody) {
    try {
      JSON.parse(`${request.body}`);
    } catch (err) {
      errors.push({ keyword: 'parse', instancePath: '', schemaPath: '#/requestBody', params: [], message: (err as Error).message });
    }
  }
  const rawType = request.headers['content-type'];
  const contentType = String((Array.isArray(rawType) ? rawType[0] : rawType) || '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (typeof requestBody === 'object' || contentType === 'application/json') parameters.requestBody = requestBody;
  const validators = (api.validator.getRequestValidatorsForOperation(op.operation.operationId as string) ?? []) as RequestValidator[];
  for (const check of validators) {
    check(parameters);
    if (check.errors) errors.push(...check.errors);
  }
  // The coerced query (numbers, booleans, arrays) is what the handler reads; a failed validation keeps the
  // query as parsed, as the library does.
  parsed.query = (errors.length === 0 ? parameters.query : copyQuery(request.query)) as ParsedRequest['query'];
  return { valid: errors.length === 0, errors: errors.length > 0 ? (errors as never) : null } as Context['validation'];
}

function compileOperation(operation: Operation): CompiledOperation | null {
  const parameters = (operation.parameters ?? []) as Array<{
    in?: string;
    name?: string;
    explode?: boolean;
    content?: unknown;
    schema?: { type?: string };
    $ref?: string;
  }>;
  const unsupported = parameters.some(
    (p) => p.$ref !== undefined || p.in === 'cookie' || (p.in === 'query' && (p.explode === false || p.content !== undefined)),
  );
  if (unsupported) return null;
  const names: string[] = [];
  const source = operation.path.replace(/\{([A-Za-z0-9_-]+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^\\/]*)';
  });
  const bodyTypes = Object.keys((operation.requestBody as { content?: Record<string, unknown> } | undefined)?.content ?? {});
  return {
    operation,
    paramsPattern: new RegExp(`^${source}$`),
    paramNames: names,
    arrayQuery: new Set(parameters.filter((p) => p.in === 'query' && p.schema?.type === 'array').map((p) => p.name as string)),
    hasHeaderParams: parameters.some((p) => p.in === 'header'),
    jsonOnlyBody: bodyTypes.length === 1 && bodyTypes[0] === 'application/json',
    securitySchemes: [...new Set(((operation.security ?? []) as Record<string, unknown>[]).flatMap((r) => Object.keys(r)))],
  };
}

/**
 * A path segment decoded, or as sent when its percent-escapes are malformed (`%ZZ`): such a value can name no
 * resource, so it flows on to the operation's own 404 instead of a URIError answered as a 500.
 */
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** bath-es5's `params(template)(path)` as openapi-backend uses it: decoded values, `{}` when the path disagrees. */
function pathParams(op: CompiledOperation, path: string): Record<string, string> {
  const match = op.paramsPattern.exec(path);
  if (!match) return {};
  const params: Record<string, string> = {};
  for (let i = 0; i < op.paramNames.length; i++) {
    const name = op.paramNames[i] as string;
    const value = decodeSegment(match[i + 1] as string);
    // bath refuses a template naming one parameter twice with two different values
    if (name in params && params[name] !== value) return {};
    params[name] = value;
  }
  return params;
}

/** The library's cloneDeep of the query: express's simple parser gives strings and arrays of strings. */
function copyQuery(query: ContractRequest['query']): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in query) {
    const value = query[key];
    copy[key] = Array.isArray(value) ? [...value] : value;
  }
  return copy;
}

/** openapi-backend's normalizeRequest and normalizePath with apiRoot `/` and exact trailing slashes. */
export function normalizePath(raw: string): string {
  let path = raw.trim();
  if (!path.startsWith('/')) path = `/${path}`;
  return (path.split('?')[0] as string).trim();
}
