import type { Clock } from '../clock/clock.js';

/**
 * Whether the service still answers at all while a slow call waits for its answer: work
 * may take minutes, a stuck service never ends. Pings every `everyMs`; once one fails,
 * `failure` holds its error and `signal` aborts the call.
 */
export function watchLiveness(deps: {
  clock: Clock;
  everyMs: number;
  /** Rejects only when the service does not answer (a refusal is an answer). */
  ping: () => Promise<unknown>;
  /** The caller's own signal, which aborts the call too. */
  signal?: AbortSignal;
}) {
  const controller = new AbortController();
  let failure: unknown;
  let stopped = false;
  let cancel = () => {};
  const tick = () => {
    deps.ping().then(
      () => {
        if (!stopped) cancel = deps.clock.setTimeout(tick, deps.everyMs);
      },
      (error: unknown) => {
        if (stopped) return;
        failure = error;
        controller.abort(error);
      },
    );
  };
  cancel = deps.clock.setTimeout(tick, deps.everyMs);
  return {
    signal: deps.signal ? AbortSignal.any([deps.signal, controller.signal]) : controller.signal,
    /** The ping's error, once one went unanswered. */
    failure: () => failure,
    stop() {
      stopped = true;
      cancel();
    },
  };
}
