import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

/**
 * helmet()'s headers, worked out once at start-up and replayed on every response. helmet runs a chain of a dozen
 * middlewares per request (each a closure call and a `next`), which showed in the course page's CPU profile, yet
 * with the default options every one of them sets a constant header (or removes X-Powered-By) whatever the
 * request. So helmet itself runs once against a recording response, and each request gets the same headers, in
 * the same order. Should a helmet upgrade or an option ever make a header depend on the request (a function
 * directive, an asynchronous step, anything but setHeader / removeHeader), helmet stays on every request as before.
 */
export function securityHeaders(options?: Parameters<typeof helmet>[0]): Middleware {
  const middleware = helmet(options) as Middleware;
  const set: Array<[string, string | number | readonly string[]]> = [];
  const removed: string[] = [];
  let constant = true;
  let done = false;
  const recorder = new Proxy(
    {
      setHeader: (name: string, value: string | number | readonly string[]) => set.push([name, value]),
      removeHeader: (name: string) => removed.push(name),
    },
    {
      get(target, key) {
        if (key === 'setHeader' || key === 'removeHeader') return target[key];
        constant = false;
        return undefined;
      },
    },
  );
  const request = new Proxy(
    {},
    {
      get() {
        constant = false;
        return undefined;
      },
    },
  );
  try {
    middleware(request as Request, recorder as unknown as Response, (err?: unknown) => {
      if (err) constant = false;
      done = true;
    });
  } catch {
    constant = false;
  }
  if (!constant || !done) return middleware;
  return (_req, res, next) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}
