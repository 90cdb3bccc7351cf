import express, { type NextFunction, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { login } from '../services/auth';
import { QUEUE_DASHBOARD_PATH } from './queueDashboard';
import { STAFF_COOKIE } from './staffOnly';

export const STAFF_LOGIN_PATH = '/admin/login';

const LOGIN_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>LearnFlow staff login</title></head>
<body>
  <h1>LearnFlow staff</h1>
  <form method="post" action="${STAFF_LOGIN_PATH}">
    <p><label>Email <input type="email" name="email" required autocomplete="username"></label></p>
    <p><label>Password <input type="password" name="password" required autocomplete="current-password"></label></p>
    <p><button type="submit">Open the queue dashboard</button></p>
  </form>
</body>
</html>
`;

/**
 * The browser's way into the dashboard: a form that logs in through the API's own login (same rate limits and
 * lockout), refuses anyone who is not staff (403), and sets the access token as an HttpOnly, SameSite=Strict
 * cookie scoped to /admin that lives as long as the token (15 min by default). SameSite=Strict is what keeps
 * another site from driving the dashboard's retry/clean/pause buttons with the cookie.
 */
export function staffLoginRouter(deps: Deps): express.Router {
  const router = express.Router({ strict: true });
  router.get(STAFF_LOGIN_PATH, (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).type('text/html').send(LOGIN_HTML);
  });
  router.post(
    STAFF_LOGIN_PATH,
    express.urlencoded({ extended: false, limit: '4kb' }),
    (req: Request, res: Response, next: NextFunction) => {
      (async () => {
        const { email, password } = (req.body ?? {}) as { email?: unknown; password?: unknown };
        if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) throw new AppError('INVALID_CREDENTIALS');
        const { user, tokens } = await login(deps, { email, password }, req.ip ?? 'unknown');
        if (!user.is_staff) throw new AppError('PERMISSION_DENIED');
        res.cookie(STAFF_COOKIE, tokens.access_token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: deps.config.env === 'production',
          path: '/admin',
          maxAge: deps.config.jwt.accessTtlSeconds * 1000,
        });
        res.setHeader('Cache-Control', 'no-store');
        res.redirect(303, `${QUEUE_DASHBOARD_PATH}/`);
      })().catch(next);
    },
  );
  return router;
}
