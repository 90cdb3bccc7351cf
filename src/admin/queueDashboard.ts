import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { createQueue } from '../../workers/queue';
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
