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
  const [database, redis] = await Promise.all([check(() => deps.db.raw('select 1')), check(() => deps.redis.ping())]);
  const ready = database === 'ok' && redis === 'ok';
  const body: ResponseBody<'getReadiness', 200> = { status: ready ? 'ok' : 'unavailable', checks: { database, redis } };
  res.status(ready ? 200 : 503).json(body);
};
