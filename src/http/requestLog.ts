import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
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
    const bindings = { req: { id, method: req.method, url: req.originalUrl } };
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, enumerable: false, get: () => (child ??= log.child(bindings)) });
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
