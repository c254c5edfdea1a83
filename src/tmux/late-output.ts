import type { Clock } from '../clock/clock.js';

/**
 * Output tmux held this long may be followed by a pause that tmux does not send on its own.
 * tmux 3.3 queues a `%pause` (and every answer behind the dropped output) until it next
 * writes to the client, which, when the pause came as its buffer emptied, is never: the
 * screen freezes and keystrokes go unanswered. A harmless command, once such late output
 * has stopped for `NUDGE_AFTER_MS`, makes tmux write what it holds.
 */
export const LATE_OUTPUT_MS = 1_000;
export const NUDGE_AFTER_MS = 1_000;

/** Calls `nudge` once `late()` has not been called for `NUDGE_AFTER_MS`; one timer at most. */
export function nudgeWhenQuiet(clock: Clock, nudge: () => void) {
  let lastLate = 0;
  let cancel: (() => void) | undefined;
  const check = () => {
    const quietFor = clock.now().getTime() - lastLate;
    if (quietFor < NUDGE_AFTER_MS) {
      cancel = clock.setTimeout(check, NUDGE_AFTER_MS - quietFor);
      return;
    }
    cancel = undefined;
    nudge();
  };
  return {
    late() {
      lastLate = clock.now().getTime();
      cancel ??= clock.setTimeout(check, NUDGE_AFTER_MS);
    },
    cancel: () => cancel?.(),
  };
}
