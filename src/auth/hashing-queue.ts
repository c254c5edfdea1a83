import { availableParallelism } from 'node:os';
import { authErrors } from './errors.js';

/**
 * Password hashing (argon2id: 64 MiB and tens of milliseconds of a core each) at most
 * `concurrency` at once, the rest waiting in line, and at most `maxWaiting` of those: a
 * login storm then costs logins time (or a 429), never the event loop's other work, which
 * is every user's keystrokes. One core is always left to the terminals: on two cores, a
 * storm of 200 logins raised echo p99 to about 20 ms with one hash at a time and to 48 ms
 * with two (bench/login-storm.ts).
 */
export function createHashingQueue({
  concurrency = Math.max(1, availableParallelism() - 1),
  maxWaiting = 64,
} = {}) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running < concurrency) running++;
      else if (waiting.length >= maxWaiting) throw authErrors.busy();
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await work();
      } finally {
        // The slot passes to the next in line, or is freed.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}

export type HashingQueue = ReturnType<typeof createHashingQueue>;
