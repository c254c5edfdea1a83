import type { Clock } from '../clock/clock.js';
import type { LoginAttemptsRepository } from '../db/login-attempts-repository.js';
import { authErrors } from './errors.js';

export interface SlowDown {
  /** Attempts at one username, from every address, before its logins start to wait. */
  after: number;
  /** The first wait; each further attempt doubles it. */
  firstMs: number;
  /** No login waits longer than this. */
  maxMs: number;
}

export const DEFAULT_SLOW_DOWN: SlowDown = { after: 10, firstMs: 500, maxMs: 8_000 };

/** How long an attempt waits when its username has seen `attempts` in the window. */
export function slowDownMs(attempts: number, slowDown: SlowDown): number {
  if (attempts < slowDown.after) return 0;
  const doublings = Math.min(attempts - slowDown.after, 30);
  return Math.min(slowDown.firstMs * 2 ** doublings, slowDown.maxMs);
}

/**
 * Limits login attempts in a sliding window, two ways. A username and address pair is locked
 * after `maxFailures` attempts (a success there clears it); a username alone is only slowed
 * down, so that guesses from elsewhere cannot lock its owner out. An attempt counts when it
 * begins, before its password is checked, so that parallel guesses cannot all be evaluated.
 * Attempts live in the database: a restart keeps them, servers on one database share them.
 */
export function createLoginLimiter({
  attempts,
  clock,
  maxFailures = 5,
  windowMs = 15 * 60_000,
  slowDown = DEFAULT_SLOW_DOWN,
}: {
  attempts: LoginAttemptsRepository;
  clock: Clock;
  maxFailures?: number;
  windowMs?: number;
  slowDown?: SlowDown;
}) {
  let prunedAt = Number.NEGATIVE_INFINITY;
  const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  return {
    /**
     * Counts an attempt; throws `auth.rate_limited` when the pair has used up its attempts,
     * and resolves once the username's slow-down has passed.
     */
    async begin(username: string, address: string): Promise<void> {
      const now = clock.now();
      const since = new Date(now.getTime() - windowMs);
      if (now.getTime() - prunedAt >= windowMs) {
        prunedAt = now.getTime();
        await attempts.prune(since);
      }
      const counts = await attempts.record({ username, address, now, since, max: maxFailures });
      if (!counts.recorded) {
        const oldest = counts.oldest?.getTime() ?? now.getTime();
        throw authErrors.rateLimited(
          Math.max(1, Math.ceil((oldest + windowMs - now.getTime()) / 1000)),
        );
      }
      const delay = slowDownMs(counts.forUsername, slowDown);
      if (delay > 0) await wait(delay);
    },
    succeed(username: string, address: string): Promise<void> {
      return attempts.clear(username, address);
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
