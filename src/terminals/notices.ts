import type { RemovalNotice } from './wire.js';

/** A removal notice as cleanup gives it (see cleanup/warnings.ts). */
export interface NoticeInput {
  at: Date;
  rule: RemovalNotice['rule'];
  message: string;
}

type Listener = (notice: RemovalNotice | null) => void;

/**
 * The removal notices of the workspaces this server has terminals attached to. A terminal
 * that attaches later gets the current notice at once; any activity withdraws an idleness
 * notice (the next sweep will keep the workspace), never an age notice.
 */
export function createNoticeBoard() {
  const current = new Map<string, RemovalNotice>();
  const listeners = new Map<string, Set<Listener>>();
  const tell = (userId: string, notice: RemovalNotice | null) => {
    for (const listener of listeners.get(userId) ?? []) listener(notice);
  };

  return {
    notify(userId: string, notice: NoticeInput | undefined) {
      if (!notice) {
        if (current.delete(userId)) tell(userId, null);
        return;
      }
      const wire = { ...notice, at: notice.at.toISOString() };
      current.set(userId, wire);
      tell(userId, wire);
    },

    /** The user's workspace was used: an idleness notice no longer holds. */
    used(userId: string) {
      if (current.get(userId)?.rule === 'idle') this.notify(userId, undefined);
    },

    /** Calls `listener` with the current notice, if any, and with every change; returns the unsubscribe. */
    subscribe(userId: string, listener: Listener): () => void {
      const set = listeners.get(userId) ?? new Set<Listener>();
      listeners.set(userId, set.add(listener));
      const now = current.get(userId);
      if (now) listener(now);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(userId);
      };
    },
  };
}

export type NoticeBoard = ReturnType<typeof createNoticeBoard>;
