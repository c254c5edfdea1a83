import { startsBusy } from './errors.js';

/**
 * Where workspace starts (container creation included) wait their turn: `concurrency` at
 * once, at most `maxWaiting` in line, then `workspace.busy`. Podman 4.3's API service can
 * crash when it creates keep-id containers in parallel (libsubid is not thread-safe), and
 * every user's terminal depends on that one service; in line, a start costs its user time.
 */
export function createStartQueue({ concurrency = 1, maxWaiting = 200 } = {}) {
  let running = 0;
  const waiting: { go: () => void; ahead: (n: number) => void }[] = [];
  return {
    /** Runs `start` in its turn; `onWaiting` hears how many starts are ahead while it waits. */
    async run<T>(start: () => Promise<T>, onWaiting?: (ahead: number) => void): Promise<T> {
      if (running < concurrency) running++;
      else if (waiting.length >= maxWaiting) throw startsBusy(waiting.length);
      else {
        await new Promise<void>((go) => {
          waiting.push({ go, ahead: onWaiting ?? (() => {}) });
          onWaiting?.(running + waiting.length - 1);
        });
      }
      try {
        return await start();
      } finally {
        // The slot passes to the next in line, or is freed; those behind it move up.
        const next = waiting.shift();
        if (next) {
          next.go();
          for (const [i, behind] of waiting.entries()) behind.ahead(running + i);
        } else running--;
      }
    },
  };
}

export type StartQueue = ReturnType<typeof createStartQueue>;

/** Runs `start` in `queue`'s turn, telling `onProgress` how many are ahead; at once without a queue. */
export function inTurn<T>(
  queue: StartQueue | undefined,
  start: () => Promise<T>,
  onProgress?: (line: string) => void,
): Promise<T> {
  if (!queue) return start();
  return queue.run(start, (ahead) => onProgress?.(waitingLine(ahead)));
}

/** The line a waiting user reads. */
export function waitingLine(ahead: number): string {
  return ahead === 1
    ? 'waiting for 1 other workspace to start first'
    : `waiting for ${ahead} other workspaces to start first`;
}
