/**
 * Runs the steps that create or end a session's tmux session one at a time per session, in
 * the order they were asked for. Without it a delete could run before an attach that began
 * earlier creates the tmux session, leaving a shell nothing can reach.
 */
export function createSessionOrder() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(sessionId: string, step: () => Promise<T>): Promise<T> {
      const previous = tails.get(sessionId) ?? Promise.resolve();
      const result = previous.then(step, step);
      const tail = result.then(
        () => {},
        () => {},
      );
      tails.set(sessionId, tail);
      // The map holds only sessions with a step pending.
      void tail.then(() => {
        if (tails.get(sessionId) === tail) tails.delete(sessionId);
      });
      return result;
    },
    /** Sessions with a step running or waiting. */
    pending: () => tails.size,
  };
}

export type SessionOrder = ReturnType<typeof createSessionOrder>;
