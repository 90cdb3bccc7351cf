import type { NextFunction, Request, Response } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** Requests answered before routing (global rate limit, 415, malformed JSON) or on no route at all. */
export const UNROUTED = 'unrouted';

export interface RequestMetrics {
  /** Express middleware: times each request and records it when the response is finished. */
  middleware: (req: Request, res: Response, next: NextFunction) => void;
}

/**
 * Request durations by operationId and status. The operationId is left in res.locals by the contract's router
 * (postRoutingHandler in src/api/backend.ts); both labels are bounded by the contract, never by client input.
 */
export function registerRequestMetrics(registry: Registry): RequestMetrics {
  const duration = new Histogram({
    name: 'learnflow_http_request_duration_seconds',
    help: 'API request duration by operationId and HTTP status',
    labelNames: ['operation_id', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    middleware: (req, res, next) => {
      const stop = duration.startTimer();
      res.once('finish', () => {
        const operationId = typeof res.locals.operationId === 'string' ? res.locals.operationId : UNROUTED;
        stop({ operation_id: operationId, method: req.method, status: String(res.statusCode) });
      });
      next();
    },
  };
}
