import type { Clock } from '../clock/clock.js';

export type RuntimeState = { answering: true } | { answering: false; why: string };

type Listener = (state: RuntimeState) => void;

export interface RuntimeWatch {
  /**
   * Calls `listener` with every change of whether the runtime answers; returns the
   * unsubscribe. Subscribe once attached: the runtime has just answered. It is asked only
   * while someone listens.
   */
  subscribe(listener: Listener): () => void;
  stop(): void;
}

/**
 * Whether the workspace runtime answers, for open terminals: a service that is stuck (not
 * dead) leaves their streams open and silent, and nothing else would tell the person why.
 * Pings every `everyMs`; a ping that fails, or has no answer within `withinMs`, makes the
 * runtime not answering until one is answered (the late answer of that same ping counts).
 */
export function watchRuntime(deps: {
  ping: () => Promise<void>;
  clock: Clock;
  everyMs?: number;
  withinMs?: number;
}): RuntimeWatch {
  const everyMs = deps.everyMs ?? 10_000;
  const withinMs = deps.withinMs ?? 10_000;
  const listeners = new Set<Listener>();
  let state: RuntimeState = { answering: true };
  let pinging = false;
  let cancelTick: (() => void) | undefined;
  let stopped = false;

  const become = (next: RuntimeState) => {
    if (next.answering === state.answering) return;
    state = next;
    for (const listener of listeners) listener(next);
  };
  const ask = () => {
    if (pinging) return;
    pinging = true;
    const cancelBound = deps.clock.setTimeout(
      () => become({ answering: false, why: `no answer within ${withinMs / 1000} s` }),
      withinMs,
    );
    deps
      .ping()
      .then(
        () => become({ answering: true }),
        (error: unknown) => become({ answering: false, why: (error as Error).message }),
      )
      .finally(() => {
        cancelBound();
        pinging = false;
      });
  };
  const tick = () => {
    cancelTick = undefined;
    if (stopped || listeners.size === 0) return;
    ask();
    cancelTick = deps.clock.setTimeout(tick, everyMs);
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      cancelTick ??= deps.clock.setTimeout(tick, everyMs);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        cancelTick?.();
        cancelTick = undefined;
        state = { answering: true };
      };
    },
    stop() {
      stopped = true;
      cancelTick?.();
      listeners.clear();
    },
  };
}
