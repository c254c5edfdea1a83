import type { Clock } from '../clock/clock.js';
import type { Logger } from '../log/logger.js';

export interface ActivityDeps {
  /** Records that a session was used at `now` (its `lastActivityAt`). */
  touch(sessionId: string, now: Date): Promise<unknown>;
  clock: Clock;
  log: Logger;
  /** Input and output are recorded at most this often per terminal. */
  everyMs: number;
  /** How often an attached terminal is recorded as activity, typed into or not. */
  heartbeatMs: number;
  /** Told of every recorded activity (an idleness notice no longer holds). */
  onRecorded?: () => void;
}

/**
 * The activity of one terminal, as the cleanup policy counts it: attaching (also
 * reattaching), input, output while attached, and a heartbeat for as long as it stays
 * attached, so that watching a long-running program is use.
 */
export function trackActivity(sessionId: string, deps: ActivityDeps) {
  let last = Number.NEGATIVE_INFINITY;
  let stopped = false;
  let cancel = () => {};
  const record = (throttled: boolean) => {
    const now = deps.clock.now();
    if (stopped || (throttled && now.getTime() - last < deps.everyMs)) return;
    last = now.getTime();
    deps.onRecorded?.();
    deps
      .touch(sessionId, now)
      .catch((err: unknown) => deps.log.warn({ err, session: sessionId }, 'activity not recorded'));
  };
  const beat = () => {
    cancel = deps.clock.setTimeout(() => {
      record(false);
      if (!stopped) beat();
    }, deps.heartbeatMs);
  };
  return {
    /** The user is arriving: recorded now, before the workspace is even started. */
    arriving: () => record(false),
    /**
     * Attached: recorded (unless arriving was, moments ago) and the heartbeat starts.
     */
    attached() {
      record(true);
      cancel();
      beat();
    },
    /** Input or output. */
    used: () => record(true),
    stop() {
      stopped = true;
      cancel();
    },
  };
}
