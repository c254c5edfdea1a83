import { AppError } from '../errors/app-error.js';

export function hashingBusy(): AppError {
  return new AppError('auth.busy', 'too many logins at once; try again in a moment', {
    details: { retryAfterSeconds: 1 },
  });
}

/**
 * Password hashing (argon2id: 64 MiB and tens of milliseconds of a core each) at most
 * `concurrency` at once, the rest waiting in line, and at most `maxWaiting` of those: a
 * login storm then costs logins time (or a 429), never the event loop's other work, which
 * is every user's keystrokes.
 */
export function createHashingQueue({ concurrency = 2, maxWaiting = 64 } = {}) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running < concurrency) running++;
      else if (waiting.length >= maxWaiting) throw hashingBusy();
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
