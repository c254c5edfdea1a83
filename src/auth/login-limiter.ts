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

/** Keys kept at most; beyond, keys whose attempts all left the window are dropped. */
const MAX_KEYS = 10_000;

/**
 * Counts login attempts per key (username and address) in a sliding window. An attempt
 * counts when it begins, before its password is checked, so that parallel guesses cannot
 * all be evaluated; a success takes the key's count back to nothing. Past the limit,
 * further attempts are refused until the oldest leaves the window.
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
  const attempts = new Map<string, number[]>();
  const recent = (key: string) => {
    const since = clock.now().getTime() - windowMs;
    const kept = (attempts.get(key) ?? []).filter((t) => t > since);
    if (kept.length > 0) attempts.set(key, kept);
    else attempts.delete(key);
    return kept;
  };
  const prune = () => {
    if (attempts.size <= MAX_KEYS) return;
    for (const key of [...attempts.keys()]) recent(key);
  };
  return {
    /** Counts an attempt; throws `auth.rate_limited` when the key has used up its attempts. */
    begin(key: string): void {
      const times = recent(key);
      if (times.length >= maxFailures) {
        const oldest = times[0] ?? clock.now().getTime();
        throw rateLimited(Math.ceil((oldest + windowMs - clock.now().getTime()) / 1000));
      }
      attempts.set(key, [...times, clock.now().getTime()]);
      prune();
    },
    succeed(key: string): void {
      attempts.delete(key);
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
