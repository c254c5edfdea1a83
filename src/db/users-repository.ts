import { and, asc, eq } from 'drizzle-orm';
import type { Db } from './create-db.js';
import { sqlState, UNIQUE_VIOLATION, userErrors } from './errors.js';
import { users } from './schema.js';

export type User = typeof users.$inferSelect;

/** The largest id of a `serial` column. */
const MAX_ID = 2 ** 31 - 1;

export function createUsersRepository({ db }: { db: Db }) {
  return {
    async create(input: { username: string; passwordHash?: string; isAdmin?: boolean; now: Date }) {
      try {
        const [user] = await db
          .insert(users)
          .values({
            username: input.username,
            passwordHash: input.passwordHash ?? null,
            isAdmin: input.isAdmin ?? false,
            createdAt: input.now,
          })
          .returning();
        return user as User;
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION)
          throw userErrors.usernameTaken(input.username, error);
        throw error;
      }
    },

    async get(id: number): Promise<User> {
      // Ids are PostgreSQL integers: nothing else names a user, nor is sent to the database.
      const valid = Number.isInteger(id) && id >= 1 && id <= MAX_ID;
      const [user] = valid ? await db.select().from(users).where(eq(users.id, id)) : [];
      if (!user) throw userErrors.notFound(id);
      return user;
    },

    async findByUsername(username: string): Promise<User | undefined> {
      // PostgreSQL text cannot hold NUL, so no username has one; the query would fail.
      if (username.includes('\0')) return undefined;
      const [user] = await db.select().from(users).where(eq(users.username, username));
      return user;
    },

    list(): Promise<User[]> {
      return db.select().from(users).orderBy(asc(users.id));
    },

    /** Replaces the user's password hash, unless it is no longer `previous` (changed meanwhile). */
    async replacePasswordHash(id: number, previous: string, next: string): Promise<void> {
      await db
        .update(users)
        .set({ passwordHash: next })
        .where(and(eq(users.id, id), eq(users.passwordHash, previous)));
    },

    async disable(id: number, now: Date): Promise<User> {
      const [user] = await db
        .update(users)
        .set({ disabledAt: now })
        .where(eq(users.id, id))
        .returning();
      if (!user) throw userErrors.notFound(id);
      return user;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
