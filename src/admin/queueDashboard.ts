import express, { type NextFunction, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { staffOnly } from './staffOnly';

/** bull-board, outside /api/v1 and so outside the public contract; see README, "Queue dashboard". */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The queue dashboard for staff only (./staffOnly.ts guards every page, asset and API call of it). bull-board
 * and its Queue are built on the first staff request, so an API process that nobody inspects pays nothing;
 * the Queue shares the request-path Redis connection (fail-fast), which deps already closes.
 */
export function queueDashboardRouter(deps: Deps): express.Router {
  const router = express.Router();
  let board: express.Router | undefined;
  const dashboard = (): express.Router => {
    if (!board) {
      // Required here, not at the top: bull-board, its UI and redis-info stay out of the memory of a process
      // nobody inspects (issue 13's 150 MB ceiling).
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { createBullBoard } = require('@bull-board/api') as typeof import('@bull-board/api');
      const { BullMQAdapter } = require('@bull-board/api/bullMQAdapter') as typeof import('@bull-board/api/bullMQAdapter');
      const { ExpressAdapter } = require('@bull-board/express') as typeof import('@bull-board/express');
      const { createQueue } = require('../../workers/queue') as typeof import('../../workers/queue');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
      createBullBoard({
        queues: [new BullMQAdapter(createQueue(deps.redis, deps.config.queuePrefix))],
        serverAdapter,
        options: { uiConfig: { boardTitle: 'LearnFlow jobs' } },
      });
      board = serverAdapter.getRouter() as express.Router;
    }
    return board;
  };
  router.use(QUEUE_DASHBOARD_PATH, staffOnly(deps), (req: Request, res: Response, next: NextFunction) => dashboard()(req, res, next));
  return router;
}
