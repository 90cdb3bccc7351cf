import { Counter, Histogram, type Registry } from 'prom-client';

export interface JobMetrics {
  /** Wraps one job run: its duration and outcome (completed, failed) by job name. */
  time<T>(jobName: string, run: () => Promise<T>): Promise<T>;
}

/** Job durations and outcomes, recorded in the worker process that ran the job. */
export function registerJobMetrics(registry: Registry): JobMetrics {
  const duration = new Histogram({
    name: 'learnflow_job_duration_seconds',
    help: 'Job run duration by job name and outcome',
    labelNames: ['job', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const runs = new Counter({
    name: 'learnflow_jobs_total',
    help: 'Job runs by job name and outcome (a failed attempt counts once per attempt)',
    labelNames: ['job', 'outcome'],
    registers: [registry],
  });
  return {
    async time(jobName, run) {
      const stop = duration.startTimer({ job: jobName });
      try {
        const result = await run();
        stop({ outcome: 'completed' });
        runs.inc({ job: jobName, outcome: 'completed' });
        return result;
      } catch (err) {
        stop({ outcome: 'failed' });
        runs.inc({ job: jobName, outcome: 'failed' });
        throw err;
      }
    },
  };
}
