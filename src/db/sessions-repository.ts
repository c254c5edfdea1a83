import { and, asc, count, eq, gte, inArray, max, ne, sql } from 'drizzle-orm';
import type { Db } from './create-db.js';
import { FOREIGN_KEY_VIOLATION, sessionErrors, sqlState, UNIQUE_VIOLATION } from './errors.js';
import { sessions } from './schema.js';

export type Session = typeof sessions.$inferSelect;
export type SessionStatus = Session['status'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createSessionsRepository({ db }: { db: Db }) {
  function translate(error: unknown, input: { name: string; userId: number }): never {
    const state = sqlState(error);
    if (state === UNIQUE_VIOLATION) throw sessionErrors.nameTaken(input.name, error);
    if (state === FOREIGN_KEY_VIOLATION) throw sessionErrors.unknownUser(input.userId, error);
    throw error;
  }

  async function get(id: string): Promise<Session> {
    // Anything but a UUID cannot name a session; don't send it to the database at all.
    const [session] = UUID.test(id)
      ? await db.select().from(sessions).where(eq(sessions.id, id))
      : [];
    if (!session) throw sessionErrors.notFound(id);
    return session;
  }

  /** Updates one session; with `liveOnly`, a dead one is not_found and stays as it is. */
  async function update(
    id: string,
    values: Partial<Session>,
    { liveOnly = false } = {},
  ): Promise<Session> {
    const live = liveOnly ? ne(sessions.status, 'dead') : undefined;
    const [session] = UUID.test(id)
      ? await db
          .update(sessions)
          .set(values)
          .where(and(eq(sessions.id, id), live))
          .returning()
      : [];
    if (!session) throw sessionErrors.notFound(id);
    return session;
  }

  return {
    get,

    async create(input: { userId: number; name: string; now: Date }): Promise<Session> {
      const values = {
        ...input,
        status: 'detached' as const,
        createdAt: input.now,
        lastActivityAt: input.now,
      };
      const inserted = await db
        .insert(sessions)
        .values(values)
        .returning()
        .catch((e) => translate(e, input));
      return inserted[0] as Session;
    },

    /** A user's sessions, oldest first; dead ones only when asked. */
    listByUser(userId: number, options: { includeDead?: boolean } = {}): Promise<Session[]> {
      const live = options.includeDead ? undefined : ne(sessions.status, 'dead');
      return db
        .select()
        .from(sessions)
        .where(and(eq(sessions.userId, userId), live))
        .orderBy(asc(sessions.createdAt));
    },

    /** Every user's sessions, oldest first; dead ones only when asked. */
    listAll(options: { includeDead?: boolean } = {}): Promise<Session[]> {
      return db
        .select()
        .from(sessions)
        .where(options.includeDead ? undefined : ne(sessions.status, 'dead'))
        .orderBy(asc(sessions.createdAt));
    },

    async rename(id: string, name: string): Promise<Session> {
      const current = await get(id);
      return update(id, { name }).catch((e) => translate(e, { name, userId: current.userId }));
    },

    /** Marks a live session active or detached; a dead session stays dead (not_found). */
    setStatus: (id: string, status: Exclude<SessionStatus, 'dead'>) =>
      update(id, { status }, { liveOnly: true }),
    /** A browser attached: the session is active, and its shell runs as of `now`. */
    attached: (id: string, now: Date) =>
      update(id, { status: 'active', shellSeenAt: now }, { liveOnly: true }),
    touch: (id: string, now: Date) => update(id, { lastActivityAt: now }),
    end: (id: string, reason: string, now: Date) =>
      update(id, { status: 'dead', endedAt: now, endReason: reason }),

    /** On start-up nobody is attached yet: every live session becomes `detached`. */
    async detachAll(): Promise<number> {
      const rows = await db
        .update(sessions)
        .set({ status: 'detached' })
        .where(eq(sessions.status, 'active'))
        .returning({ id: sessions.id });
      return rows.length;
    },

    /**
     * Marks every live session of a user dead (their workspace is gone); returns how many.
     * With `since`, sessions that something else ended at or after it (the event watcher
     * seeing the container die under a removal that began then) take this reason too: who
     * removed a workspace knows why better than who saw it die.
     */
    async endAllForUser(
      userId: number,
      reason: string,
      now: Date,
      options: { since?: Date } = {},
    ): Promise<number> {
      const rows = await db
        .update(sessions)
        .set({ status: 'dead', endedAt: now, endReason: reason })
        .where(and(eq(sessions.userId, userId), ne(sessions.status, 'dead')))
        .returning({ id: sessions.id });
      if (options.since) {
        const recent = and(eq(sessions.status, 'dead'), gte(sessions.endedAt, options.since));
        const taken = await db
          .update(sessions)
          .set({ endReason: reason })
          .where(and(eq(sessions.userId, userId), recent))
          .returning({ id: sessions.id });
        return new Set([...rows, ...taken].map((r) => r.id)).size;
      }
      return rows.length;
    },

    /** How many sessions there are in each status. */
    async countByStatus(): Promise<Record<SessionStatus, number>> {
      const rows = await db
        .select({ status: sessions.status, n: count() })
        .from(sessions)
        .groupBy(sessions.status);
      const counts: Record<SessionStatus, number> = { active: 0, detached: 0, dead: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },

    /**
     * Each user's latest session activity, once among live (`active`/`detached`) sessions
     * and once among dead ones, for users that have such sessions.
     */
    async activityByUser(
      userIds?: number[],
    ): Promise<{ userId: number; lastActivityAt: Date; live: boolean }[]> {
      const live = sql<boolean>`${sessions.status} <> 'dead'`;
      const rows = await db
        .select({ userId: sessions.userId, live, at: max(sessions.lastActivityAt) })
        .from(sessions)
        .where(userIds ? inArray(sessions.userId, userIds) : undefined)
        .groupBy(sessions.userId, live);
      return rows.flatMap(({ userId, live, at }) =>
        at ? [{ userId, lastActivityAt: at, live: Boolean(live) }] : [],
      );
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
