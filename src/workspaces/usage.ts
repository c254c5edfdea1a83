/**
 * Which workspaces this process is starting or attaching to right now, so that cleanup
 * never removes one under a user who is arriving. A use and a removal of the same
 * workspace never overlap: a removal is refused while a use is in flight, and a use that
 * begins during a removal waits for it to end (and then starts the workspace afresh).
 */
export interface WorkspaceUsage {
  /** Runs `fn` as a use of the user's workspace (its ensure and attach). */
  use<T>(userId: string, fn: () => Promise<T>): Promise<T>;
  /** The users whose workspace is in use right now. */
  inUse(): ReadonlySet<string>;
  /** Runs `remove` unless the workspace is in use; `{ removed: false }` when it was. */
  removeUnlessInUse<T>(
    userId: string,
    remove: () => Promise<T>,
  ): Promise<{ removed: true; value: T } | { removed: false }>;
}

export function createWorkspaceUsage(): WorkspaceUsage {
  const uses = new Map<string, number>();
  const removals = new Map<string, Promise<unknown>>();

  return {
    async use(userId, fn) {
      for (let removal = removals.get(userId); removal; removal = removals.get(userId))
        await removal.catch(() => {});
      uses.set(userId, (uses.get(userId) ?? 0) + 1);
      try {
        return await fn();
      } finally {
        const left = (uses.get(userId) ?? 1) - 1;
        if (left > 0) uses.set(userId, left);
        else uses.delete(userId);
      }
    },
    inUse: () => new Set(uses.keys()),
    async removeUnlessInUse(userId, remove) {
      if (uses.has(userId) || removals.has(userId)) return { removed: false };
      const removal = remove();
      removals.set(userId, removal);
      try {
        return { removed: true, value: await removal };
      } finally {
        removals.delete(userId);
      }
    },
  };
}
