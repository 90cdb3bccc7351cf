/** Where a process's metrics listener binds, from the environment (see README, "Running in production"). */
export interface MetricsListen {
  port: number;
  host: string;
}

const DEFAULT_PORTS = { api: 9464, worker: 9465 } as const;

/**
 * METRICS_PORT (API, 9464) or WORKER_METRICS_PORT (workers, 9465); `off` disables the listener, 0 picks a free
 * port. METRICS_HOST defaults to 127.0.0.1: the series name operations and queue sizes, so exposing them beyond
 * the host (to a Prometheus on another machine) is a deliberate choice, not a default.
 */
export function metricsListen(role: 'api' | 'worker', env: NodeJS.ProcessEnv = process.env): MetricsListen | undefined {
  const raw = role === 'api' ? env.METRICS_PORT : env.WORKER_METRICS_PORT;
  if (raw === 'off') return undefined;
  const port = raw === undefined || raw === '' ? DEFAULT_PORTS[role] : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`Invalid ${role === 'api' ? 'METRICS_PORT' : 'WORKER_METRICS_PORT'}: "${raw}"`);
  return { port, host: env.METRICS_HOST || '127.0.0.1' };
}
