import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { queueDashboardRouter } from './admin/queueDashboard';
import { staffLoginRouter } from './admin/staffLogin';
import { createBackend } from './api/backend';
import type { Deps } from './deps';
import { AppError, validationError } from './errors';
import { reportRequestError } from './errorTracking/sentry';
import { rejectNulCharacters } from './http/nulCharacters';
import { requestLog } from './http/requestLog';
import { securityHeaders } from './http/securityHeaders';
import { type ErrorMiddleware, type Middleware, serveApiDirectly } from './http/directApiChain';
import { rateLimitExceeded, setRateLimitHeaders } from './http/rateLimits';
import { isDatabaseUnavailable, pgCode } from './db/pgErrors';
import { UNROUTED } from './metrics/requests';
import { referencePageRouter } from './reference/referencePage';

export const API_PREFIX = '/api/v1';

/** Paths whose raw body must be kept byte for byte (Stripe signs the exact bytes it sent). */
const RAW_BODY_PATHS = new Set([`${API_PREFIX}/payments/webhook/`]);

declare module 'http' {
  interface IncomingMessage {
    rawBody?: Buffer;
  }
}

function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** Builds the express app (no listen): middleware, the contract's router and the error mapping. */
export function createApp(deps: Deps): express.Express {
  const api = createBackend(deps);
  const app = express();
  app.disable('x-powered-by');
  // ETags only where the contract documents 304 (catalog reads, src/http/cacheControl.ts), not on every body.
  app.set('etag', false);
  app.set('trust proxy', deps.config.env === 'production' ? 1 : false);
  app.set('query parser', 'simple');

  // Every request, in this order: its id and log line, `Connection: close` while draining, its timing (including
  // requests refused before routing, counted as "unrouted"), the security headers, CORS, the global rate limit.
  const before: Middleware[] = [
    requestLog(deps.log),
    // While draining after SIGTERM, every response closes its connection: a kept-alive client reconnects, and
    // lands on a process that is staying (src/server.ts).
    (_req, res, next) => {
      if (deps.lifecycle.draining) res.setHeader('Connection', 'close');
      next();
    },
    deps.metrics.requests.middleware,
    securityHeaders(),
    cors({
      origin: deps.config.corsOrigins.includes('*') ? '*' : deps.config.corsOrigins,
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'ETag'],
      // The preflight depends only on this configuration: let browsers keep it for 2 h (Chromium's ceiling),
      // so a signed-in page does not pay one OPTIONS round trip per URL and per call.
      maxAge: 7200,
    }),
    globalRateLimit(deps),
  ];
  // Then the body rules: JSON only (415 otherwise), parsed within the size limit, no NUL characters.
  const bodies: Middleware[] = [
    (req, _res, next) => {
      if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody(req) && !req.is('application/json')) {
        next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
      } else next();
    },
    express.json({
      limit: deps.config.bodyLimit,
      strict: false,
      verify: (req, _res, buf) => {
        if (RAW_BODY_PATHS.has((req as Request).originalUrl.split('?')[0] as string)) req.rawBody = Buffer.from(buf);
      },
    }),
    rejectNulCharacters(RAW_BODY_PATHS),
  ];
  const contract: Middleware = (req, res, next) => {
    // HEAD is routed as the GET of the same path (openapi-backend only routes documented methods); Node sends
    // the GET's status and headers without the body.
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const request = {
      method,
      path: req.path,
      query: req.query as Record<string, string | string[]>,
      headers: req.headers,
      body: req.body,
    };
    api.handleRequest(request, req, res, deps).catch(next);
  };
  const notFound: Middleware = (_req, _res, next) => {
    next(new AppError('NOT_FOUND'));
  };
  // Four parameters: express tells error middleware by its arity.
  const onError: ErrorMiddleware = (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.code === 'SERVICE_UNAVAILABLE') req.log?.warn({ err: (err as Error)?.message }, 'database unavailable');
    else if (appError.status >= 500) req.log?.error({ err }, 'request failed');
    else if (!(err instanceof AppError) && appError.code === 'VALIDATION_ERROR')
      req.log?.warn({ err }, 'input reached the database unvalidated');
    // Unexpected errors only (not 4xx, not a database that is down): once each, to SENTRY_DSN when set.
    if (appError.code === 'INTERNAL_ERROR') {
      const operationId = typeof res.locals.operationId === 'string' ? res.locals.operationId : UNROUTED;
      reportRequestError(err, { requestId: String(req.id), operationId, method: req.method });
    }
    if (res.headersSent) return;
    // The one place Retry-After is set: from the error (429, 503, and a receipt or certificate not ready yet).
    if (appError.retryAfter !== undefined) res.setHeader('Retry-After', String(appError.retryAfter));
    res.status(appError.status).json(appError.toBody());
  };

  app.use(before);
  // Staff pages (src/admin/) sit outside the contract and before its JSON-only body rules: the login is an
  // HTML form, and bull-board parses its own requests.
  app.use(onlyUnder(/^\/admin(?:\/|$)/i, staffLoginRouter(deps), queueDashboardRouter(deps)));
  app.use(bodies);
  app.use(onlyUnder(/^\/api\/docs(?:\/|$)/i, referencePageRouter()));
  app.use(API_PREFIX, contract);
  app.use(notFound);
  app.use(onError);
  // The API's own requests run the same layers without the router (the two onlyUnder layers never act on them).
  serveApiDirectly(app, { before: [...before, ...bodies], prefix: API_PREFIX, mounted: contract, after: [notFound], onError });
  return app;
}

/** The global per-IP ceiling; login and register have tighter limits of their own in the auth service. */
function globalRateLimit(deps: Deps): Middleware {
  return async (req, res, next) => {
    const limit = deps.rateLimits.global;
    try {
      setRateLimitHeaders(res, limit.points, await limit.consume(req.ip ?? 'unknown'));
      next();
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        setRateLimitHeaders(res, limit.points, rejection);
        next(rateLimitExceeded(rejection));
      } else next(rejection);
    }
  };
}

/**
 * Runs routers that serve one path prefix only for requests under it (case-insensitive, as express matches
 * routes): every other request, all of the API's, skips their layers instead of being matched against each route.
 * `stack` lists the routers' layers, so the route inventory (test/security/api6-api10.test.ts) still sees them.
 */
function onlyUnder(prefix: RegExp, ...routers: express.Router[]) {
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const run = (i: number, err?: unknown): void => {
      if (err) next(err);
      else if (i === routers.length) next();
      else (routers[i] as express.Router)(req, res, (e?: unknown) => run(i + 1, e));
    };
    run(prefix.test(req.path) ? 0 : routers.length);
  };
  return Object.assign(middleware, { stack: routers.flatMap((router) => router.stack) });
}

/** Maps anything thrown to the envelope; unknown causes become a generic 500 and are logged, never returned. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const type = (err as { type?: string } | undefined)?.type;
  if (type === 'entity.parse.failed') return new AppError('BAD_REQUEST');
  if (type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content encoding.');
  }
  // Any other error body-parser raises (a gzip body that does not inflate, an aborted upload) carries the
  // client's 4xx in `status`: it is the client's fault, so it keeps its status class, never a 500.
  const { status, expose } = (err ?? {}) as { status?: unknown; expose?: unknown };
  if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
    if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content encoding.');
    return new AppError('BAD_REQUEST', 'The request body could not be read (check its Content-Encoding and Content-Length).');
  }
  // Class 22 is PostgreSQL's "data exception" (a value out of range, an invalid representation): input the
  // contract let through but the column cannot hold. It is the client's input, so 422, never a 500.
  // A database that is down or restarting is not the client's fault and not a bug: answer fast, ask to retry.
  if (isDatabaseUnavailable(err)) return new AppError('SERVICE_UNAVAILABLE', undefined, undefined, 1);
  if (pgCode(err)?.startsWith('22')) return validationError({ non_field_errors: ['A value is out of range or malformed.'] });
  return new AppError('INTERNAL_ERROR');
}
