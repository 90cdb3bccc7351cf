import path from 'node:path';
import type { Request, Response } from 'express';
import OpenAPIBackend, { type Context, type Document } from 'openapi-backend';
import type { Deps } from '../deps';
import { markPersonalResponses } from '../http/cacheControl';
import { configureAjv } from './ajv';
import { type ContractRequest, contractPipeline } from './contractPipeline';
import { precompileRouter } from './precompiledRouter';
import { AppError, ERROR_STATUS, type ErrorCode, validationError } from '../errors';
import { handlers } from './handlers';
import { bearerAuth, rejectBadOptionalToken, unauthorizedError } from './security';
import { toValidationDetails } from './validationDetails';

interface ErrorExample {
  error?: { code?: ErrorCode; message?: string };
}

/**
 * The operation's own 404 (COURSE_NOT_FOUND, ORDER_NOT_FOUND, ...), read from its documented examples: the one
 * named after the malformed path parameter when there are several (`course_id` → COURSE_NOT_FOUND), else the first.
 */
function notFoundFor(operation: Context['operation'], param: string | undefined): AppError {
  const content = (
    operation?.responses?.['404'] as
      | { content?: Record<string, { example?: ErrorExample; examples?: Record<string, { value?: ErrorExample }> }> }
      | undefined
  )?.content?.['application/json'];
  const examples = [content?.example, ...Object.values(content?.examples ?? {}).map((e) => e.value)]
    .map((e) => e?.error)
    .filter((e): e is NonNullable<ErrorExample['error']> => Boolean(e?.code && ERROR_STATUS[e.code] === 404));
  const wanted = param ? `${param.replace(/_id$/, '').toUpperCase()}_NOT_FOUND` : undefined;
  const chosen = examples.find((e) => e.code === wanted) ?? examples[0];
  if (chosen?.code) return new AppError(chosen.code, chosen.message);
  return new AppError('NOT_FOUND');
}

export const SPEC_PATH = path.resolve(__dirname, '../generated/openapi.json');

/** Loads the bundled contract once per process; it is the router, the validator and the response checker. */
export function loadDefinition(): Document {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(SPEC_PATH) as Document;
}

/** The contract's router, security and validation in front of the handlers (see contractPipeline.ts). */
export interface Backend {
  handleRequest(request: ContractRequest, req: Request, res: Response, deps: Deps): Promise<unknown>;
}

/**
 * The openapi-backend instance with the settings openapi-backend needs here: exact trailing slashes, strict
 * definition, formats on, every error reported, query and path values coerced. No handlers registered.
 */
export function contractBackend(): OpenAPIBackend {
  return new OpenAPIBackend({
    definition: loadDefinition(),
    strict: true,
    // quick: skip re-validating the whole document at boot (5 s; `npm run lint:spec` does that in CI) and
    // compile each operation's validators on first use.
    quick: true,
    validate: true,
    ignoreTrailingSlashes: false,
    coerceTypes: true,
    ajvOpts: { allErrors: true, strict: false },
    customizeAjv: (ajv) => configureAjv(ajv),
  });
}

/** The contract's router, security handler, validation and the handlers, wired for the express app. */
export function createBackend(deps: Deps): Backend {
  const api = contractBackend();

  api.registerSecurityHandler('bearerAuth', bearerAuth(deps));
  api.register({
    notFound: () => {
      throw new AppError('NOT_FOUND');
    },
    methodNotAllowed: () => {
      throw new AppError('METHOD_NOT_ALLOWED');
    },
    notImplemented: () => {
      throw new AppError('NOT_IMPLEMENTED');
    },
    // The operationId labels the request's metrics (src/metrics/requests.ts); unset when no route matched.
    postRoutingHandler: (c: Context, _req: Request, res: Response) => {
      if (c.operation?.operationId) res.locals.operationId = c.operation.operationId;
    },
    postSecurityHandler: (c: Context, _req: Request, res: Response) => {
      markPersonalResponses(c, res);
      rejectBadOptionalToken(c);
    },
    unauthorizedHandler: (c: Context) => {
      throw unauthorizedError(c);
    },
    // Non-JSON bodies were already answered 415 by the express layer (see app.ts).
    validationFail: (c: Context) => {
      const errors = c.validation.errors ?? [];
      // An id that cannot exist (not a UUID, a malformed code) is "not found", as the guide answers for
      // /courses/invalid-course-id/, not a validation error.
      if (errors.length > 0 && errors.every((e) => e.instancePath.startsWith('/path'))) {
        throw notFoundFor(c.operation, errors[0]?.instancePath.split('/')[2]);
      }
      throw validationError(toValidationDetails(errors));
    },
  });
  api.register(handlers as unknown as Record<string, (c: Context, req: Request, res: Response, deps: Deps) => unknown>);
  // Once the contract is loaded, its routes are precompiled (precompiledRouter.ts) and each request is parsed
  // once for its operation (contractPipeline.ts); a request arriving before that waits for it.
  type Handle = (request: ContractRequest, req: Request, res: Response, deps: Deps) => Promise<unknown>;
  let handle: Handle | undefined;
  const ready = api.init().then(() => {
    handle = contractPipeline<[Request, Response, Deps]>(api, precompileRouter(api.router));
    return handle;
  });
  return {
    handleRequest: async (request, req, res, deps) => (handle ?? (await ready))(request, req, res, deps),
  };
}
