import { pingDatabase } from '../../db/knex';
import type { Handler, ResponseBody } from '../types';

async function check(probe: () => Promise<unknown>, timeoutMs = 1000): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

export const getHealth: Handler = (_c, _req, res) => {
  res.status(200).json({ status: 'ok', checks: {} } satisfies ResponseBody<'getHealth', 200>);
};

export const getReadiness: Handler = async (_c, _req, res, deps) => {
  if (deps.lifecycle.draining) {
    // SIGTERM received: out of the load balancer's rotation first, while in-flight requests finish (src/server.ts).
    const body: ResponseBody<'getReadiness', 200> = { status: 'unavailable', checks: { shutdown: 'unavailable' } };
    res.status(503).json(body);
    return;
  }
  const [database, redis] = await Promise.all([check(() => pingDatabase(deps.db)), check(() => deps.redis.ping())]);
  // Without Redis the API still serves (memory rate limits, jobs wait in the outbox): keep it in rotation.
  const status = database !== 'ok' ? 'unavailable' : redis !== 'ok' ? 'degraded' : 'ok';
  const body: ResponseBody<'getReadiness', 200> = { status, checks: { database, redis } };
  res.status(status === 'unavailable' ? 503 : 200).json(body);
};
