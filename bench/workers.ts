import { type Job, Worker } from 'bullmq';
import type { Knex } from 'knex';
import { loadConfig } from '../src/config';
import { createDb } from '../src/db/knex';
import { createLogger } from '../src/logger';
import { createStripeClient } from '../src/payments/stripe';
import { createRedis } from '../src/redis';
import { FileStorage } from '../src/storage/files';
import { jobDefinition } from '../workers/jobs';
import type { WorkerDeps } from '../workers/processor';
import { createQueue, QUEUE_NAME } from '../workers/queue';
import { WORKER_CONCURRENCY } from '../workers/runtime';
import { type Round, summarize } from './measure';
import { BackendCpu } from './proc';
import type { ScenarioResult } from './report';

const JOB = 'recompute-course-stats';

/**
 * Worker throughput: `recompute-course-stats` jobs through LearnFlow's own dispatch (jobDefinition(name).processor
 * with the worker's deps, as workers/runtime.ts runs it) against a no-op processor, each on an identical queue
 * (workers/queue.ts's options, the runtime's concurrency) kept topped up, in alternating rounds. Both run in this
 * process; CPU per job is this process's, and PostgreSQL's from the backends of the worker's pool.
 */
export async function benchWorkers(env: NodeJS.ProcessEnv, probe: Knex, seconds: number, rounds: number): Promise<ScenarioResult> {
  const config = loadConfig(env);
  const db = createDb(env.DATABASE_URL!, { min: 0, max: 5 });
  const deps: WorkerDeps = {
    config,
    db,
    log: createLogger('warn'),
    storage: new FileStorage(config.storageDir),
    stripe: createStripeClient(config.stripe),
  };
  const courseIds = (await probe('courses').where({ is_published: true }).orderByRaw('random()').limit(2000).pluck('id')) as string[];
  const learnflow = async (job: Job): Promise<string> => {
    const processor = jobDefinition(job.name)?.processor;
    if (!processor) throw new Error(`No processor for job "${job.name}"`);
    const outcome = await processor(job, deps);
    deps.log.info({ job: job.name, id: job.id, outcome }, 'job done');
    return outcome;
  };
  const noop = async (): Promise<string> => 'nothing done';
  const results: Record<'learnflow' | 'baseline', Round[]> = { learnflow: [], baseline: [] };
  let n = 0;
  const once = async (name: 'learnflow' | 'baseline', r: number): Promise<void> => {
    const prefix = `{lfbenchw${process.pid}r${r}${name}}`;
    const queueConnection = createRedis(config.redisUrl);
    const workerConnection = createRedis(config.redisUrl, { forWorker: true });
    const queue = createQueue(queueConnection, prefix);
    const topUp = async (): Promise<void> => {
      if ((await queue.getWaitingCount()) > 500) return;
      await queue.addBulk(Array.from({ length: 1000 }, () => ({ name: JOB, data: { courseId: courseIds[n++ % courseIds.length]! } })));
    };
    await topUp();
    await topUp();
    const backends = new BackendCpu(probe, 'lf_bench_workers');
    let done = 0;
    const worker = new Worker(QUEUE_NAME, name === 'learnflow' ? learnflow : noop, {
      connection: workerConnection,
      prefix,
      concurrency: WORKER_CONCURRENCY,
      autorun: false,
    });
    worker.on('completed', () => done++);
    await backends.begin();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const filler = setInterval(() => void topUp().catch(() => undefined), 100);
    void worker.run();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const completed = done;
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    clearInterval(filler);
    const pgCpuMs = await backends.end();
    await worker.close(true);
    await queue.obliterate({ force: true });
    await queue.close();
    await Promise.all([queueConnection.quit(), workerConnection.quit()]);
    results[name].push({
      requests: completed,
      seconds: elapsed,
      p50: 0,
      p99: 0,
      serverCpuMs: (used.user + used.system) / 1000,
      pgCpuMs,
      non2xx: 0,
      errors: 0,
    });
  };
  try {
    for (let r = 0; r < rounds; r++) {
      const order: Array<'learnflow' | 'baseline'> = r % 2 === 0 ? ['learnflow', 'baseline'] : ['baseline', 'learnflow'];
      for (const name of order) await once(name, r);
    }
  } finally {
    await db.destroy();
  }
  return {
    id: 'workers',
    title: 'workers: recompute-course-stats vs no-op processor',
    unit: 'job',
    learnflow: summarize(results.learnflow),
    baseline: summarize(results.baseline),
  };
}
