/**
 * Time as a dependency. Everything that reads the time or waits takes a Clock, so that
 * tests advance time instead of sleeping.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
