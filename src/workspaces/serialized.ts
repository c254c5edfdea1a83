import type { WorkspaceDriver } from './driver.js';

/**
 * Runs the operations that change one user's workspace one at a time (commands, terminals
 * and reads go beside them, as `podman exec` does), and lets concurrent `ensure`
 * calls for a user share one run. Different users never wait on each other.
 */
export function serializePerUser(driver: WorkspaceDriver): WorkspaceDriver {
  const tails = new Map<string, Promise<unknown>>();
  const ensuring = new Map<string, ReturnType<WorkspaceDriver['ensure']>>();

  function queue<T>(userId: string, op: () => Promise<T>): Promise<T> {
    const run = (tails.get(userId) ?? Promise.resolve()).then(op, op);
    const tail = run.catch(() => {});
    tails.set(userId, tail);
    void tail.then(() => {
      if (tails.get(userId) === tail) tails.delete(userId);
    });
    return run;
  }

  return {
    ...driver,
    ensure(userId, options) {
      const current = ensuring.get(userId);
      if (current) return current;
      const run = queue(userId, () => driver.ensure(userId, options)).finally(() =>
        ensuring.delete(userId),
      );
      ensuring.set(userId, run);
      return run;
    },
    stop: (userId) => queue(userId, () => driver.stop(userId)),
    remove: (userId) => queue(userId, () => driver.remove(userId)),
  };
}
