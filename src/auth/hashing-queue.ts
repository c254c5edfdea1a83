import { availableParallelism } from 'node:os';
import { authErrors } from './errors.js';

/** A place in the hashing queue's line, taken before the work that leads to a hash. */
export interface Admission {
  /** Runs `work` once a slot is free; at most once per admission. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Gives the place up (after `run`, or instead of it); idempotent. */
  leave(): void;
}

/**
 * Password hashing (argon2id: 64 MiB and tens of milliseconds of a core each) at most
 * `concurrency` at once, the rest waiting in line, and at most `maxWaiting` of those: a
 * login storm then costs logins time (or a 429), never the event loop's other work, which
 * is every user's keystrokes. One core is always left to the terminals: on two cores, two
 * hashes at a time raised a storm's echo p99 to more than twice that of one at a time
 * (bench/login-storm.ts).
 *
 * A login takes its place with `admit()` before it reads the database: of a burst of 200
 * logins, those beyond the line are answered at once, and do not first queue for the
 * database behind the others.
 */
export function createHashingQueue({
  concurrency = Math.max(1, availableParallelism() - 1),
  maxWaiting = 64,
} = {}) {
  let admitted = 0;
  let running = 0;
  const waiting: (() => void)[] = [];

  async function slot(): Promise<() => void> {
    if (running < concurrency) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    // The slot passes to the next in line, or is freed.
    return () => {
      const next = waiting.shift();
      if (next) next();
      else running--;
    };
  }

  function admit(): Admission {
    if (admitted >= concurrency + maxWaiting) throw authErrors.busy();
    admitted++;
    let left = false;
    const leave = () => {
      if (!left) admitted--;
      left = true;
    };
    return {
      async run(work) {
        const free = await slot();
        try {
          return await work();
        } finally {
          free();
          leave();
        }
      },
      leave,
    };
  }

  return {
    admit,
    /** `work` in its turn (an admission and its run at once); throws `auth.busy` when full. */
    async run<T>(work: () => Promise<T>): Promise<T> {
      return admit().run(work);
    },
  };
}

export type HashingQueue = ReturnType<typeof createHashingQueue>;
