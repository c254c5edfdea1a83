import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries `check` (an assertion, or a function returning a value to wait for) until it
 * passes, every `everyMs` for at most `withinMs` of real time; then fails with its last error.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { withinMs = 10_000, everyMs = 20 }: { withinMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    await sleep(everyMs);
  }
}
