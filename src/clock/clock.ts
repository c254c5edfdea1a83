/**
 * Time as a dependency. Everything that reads the time or waits takes a Clock, so that
 * tests advance time instead of sleeping.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` after `ms`, however long; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** Node fires a longer timer at once (TimeoutOverflowWarning); longer waits are chained. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  // The one reader of the real time: everything else asks a Clock.
  now: () => new Date(),
  setTimeout(fn, ms) {
    let timer: NodeJS.Timeout;
    const wait = (left: number) => {
      const step = Math.min(Math.max(0, left), LONGEST_TIMER_MS);
      timer = setTimeout(() => (left > step ? wait(left - step) : fn()), step);
    };
    wait(ms);
    return () => clearTimeout(timer);
  },
};
