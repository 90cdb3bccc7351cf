import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';

interface Lease {
  /** Points reserved in Redis and not yet spent by this process. */
  left: number;
  /** What Redis said remained for the key after this process's last reservation. */
  sharedRemaining: number;
  /** When the shared window ends (ms since epoch); the lease dies with it. */
  resetAt: number;
}

/** Sweep expired leases once the table grows past this many keys (one per client address). */
const SWEEP_AT = 10_000;

/**
 * The global per-client ceiling without a Redis round trip per request. Each process reserves points from the
 * shared Redis limiter in leases of `leaseSize` (one round trip per lease) and spends them locally; a client that
 * used up the shared budget is refused locally until the window ends, since nothing can give points back before.
 *
 * The count stays on the safe side: across all processes a client never gets more than `points` per window. It can
 * be refused early by at most (processes − 1) × (leaseSize − 1) points, the unspent leases of the other processes,
 * and by the points of a lease that Redis refused. Near the limit a process reserves only what Redis last reported
 * as left, so a single process is exact. A lease size of 1 is the plain shared limiter.
 */
export class LeasedRateLimiter {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly shared: RateLimiterRedis,
    readonly leaseSize: number,
  ) {}

  get points(): number {
    return this.shared.points;
  }

  /** Spends one point of `key`; resolves with the client's state, or rejects with it (a RateLimiterRes) when out. */
  async consume(key: string): Promise<RateLimiterRes> {
    const now = Date.now();
    const lease = this.leases.get(key);
    const live = lease !== undefined && lease.resetAt > now;
    if (live && lease.left > 0) {
      lease.left -= 1;
      return this.state(lease, now);
    }
    if (live && lease.sharedRemaining <= 0) throw this.state(lease, now);
    const size = live ? Math.min(this.leaseSize, lease.sharedRemaining) : this.leaseSize;
    if (this.leases.size >= SWEEP_AT) this.sweep(now);
    try {
      const res = await this.shared.consume(key, size);
      const fresh = { left: size - 1, sharedRemaining: res.remainingPoints, resetAt: now + res.msBeforeNext };
      this.leases.set(key, fresh);
      return this.state(fresh, now);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        this.leases.set(key, { left: 0, sharedRemaining: 0, resetAt: now + rejection.msBeforeNext });
      }
      throw rejection;
    }
  }

  private state(lease: Lease, now: number): RateLimiterRes {
    const remaining = Math.max(0, lease.sharedRemaining) + lease.left;
    return new RateLimiterRes(remaining, lease.resetAt - now, this.points - remaining, false);
  }

  private sweep(now: number): void {
    for (const [key, lease] of this.leases) if (lease.resetAt <= now) this.leases.delete(key);
  }
}
