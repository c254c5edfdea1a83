import { and, eq, gt } from 'drizzle-orm';
import type { Db } from './create-db.js';
import { authSessions } from './schema.js';

export type AuthSession = typeof authSessions.$inferSelect;

export function createAuthSessionsRepository({ db }: { db: Db }) {
  return {
    async create(session: AuthSession): Promise<void> {
      await db.insert(authSessions).values(session);
    },
    /** The session with this token hash, if it has not expired at `now`. */
    async findLive(tokenHash: string, now: Date): Promise<AuthSession | undefined> {
      const [row] = await db
        .select()
        .from(authSessions)
        .where(and(eq(authSessions.tokenHash, tokenHash), gt(authSessions.expiresAt, now)));
      return row;
    },
    async touch(tokenHash: string, now: Date, expiresAt: Date): Promise<void> {
      await db
        .update(authSessions)
        .set({ lastSeenAt: now, expiresAt })
        .where(eq(authSessions.tokenHash, tokenHash));
    },
    async delete(tokenHash: string): Promise<void> {
      await db.delete(authSessions).where(eq(authSessions.tokenHash, tokenHash));
    },
    async deleteForUser(userId: number): Promise<void> {
      await db.delete(authSessions).where(eq(authSessions.userId, userId));
    },
  };
}

export type AuthSessionsRepository = ReturnType<typeof createAuthSessionsRepository>;
