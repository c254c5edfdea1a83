import type { Clock } from '../clock/clock.js';
import { AppError } from '../errors/app-error.js';

export function rateLimited(retryAfterSeconds: number): AppError {
  return new AppError(
    'auth.rate_limited',
    `too many failed logins; try again in ${retryAfterSeconds} s`,
    {
      details: { retryAfterSeconds },
    },
  );
}

/**
 * Counts failed logins per key (username and address) in a sliding window; past the
 * limit, further attempts are refused until the oldest failure leaves the window.
 */
export function createLoginLimiter({
  clock,
  maxFailures = 5,
  windowMs = 15 * 60_000,
}: {
  clock: Clock;
  maxFailures?: number;
  windowMs?: number;
}) {
  const failures = new Map<string, number[]>();
  const recent = (key: string) => {
    const since = clock.now().getTime() - windowMs;
    const kept = (failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length > 0) failures.set(key, kept);
    else failures.delete(key);
    return kept;
  };
  return {
    /** Throws `auth.rate_limited` when the key has used up its attempts. */
    check(key: string): void {
      const times = recent(key);
      if (times.length < maxFailures) return;
      const oldest = times[0] ?? clock.now().getTime();
      throw rateLimited(Math.ceil((oldest + windowMs - clock.now().getTime()) / 1000));
    },
    fail(key: string): void {
      failures.set(key, [...recent(key), clock.now().getTime()]);
    },
    succeed(key: string): void {
      failures.delete(key);
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
