import { and, count, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from './create-db.js';
import { loginAttempts } from './schema.js';

export interface AttemptCounts {
  /** Whether the attempt was recorded: it was below the limit for its username and address. */
  recorded: boolean;
  /** The oldest attempt of the username and address still in the window, when any. */
  oldest?: Date;
  /** Attempts at the username from every address in the window, before this one. */
  forUsername: number;
}

/** PostgreSQL text cannot hold NUL; a name with one still has its attempts counted. */
const storable = (text: string) => text.replaceAll('\0', '\uFFFD');

/** The login limiter's memory: one row per attempt, shared by every server on the database. */
export function createLoginAttemptsRepository({ db }: { db: Db }) {
  return {
    /**
     * Records an attempt at `username` from `address` unless that pair already has `max`
     * attempts since `since`. Counting and recording are one step for the username (an
     * advisory lock held by the transaction), so parallel attempts cannot all slip in.
     */
    record(attempt: {
      username: string;
      address: string;
      now: Date;
      since: Date;
      max: number;
    }): Promise<AttemptCounts> {
      const input = {
        ...attempt,
        username: storable(attempt.username),
        address: storable(attempt.address),
      };
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`login:${input.username}`}))`);
        const fromAddress = sql`${loginAttempts.address} = ${input.address}`;
        // One pass over the username's attempts in the window counts both limits.
        const [seen] = await tx
          .select({
            forUsername: count(),
            fromAddress: sql`count(*) filter (where ${fromAddress})`.mapWith(Number),
            oldest: sql`min(${loginAttempts.at}) filter (where ${fromAddress})`.mapWith(
              loginAttempts.at,
            ),
          })
          .from(loginAttempts)
          .where(
            and(eq(loginAttempts.username, input.username), gt(loginAttempts.at, input.since)),
          );
        const counts = { oldest: seen?.oldest ?? undefined, forUsername: seen?.forUsername ?? 0 };
        if ((seen?.fromAddress ?? 0) >= input.max) return { recorded: false, ...counts };
        await tx.insert(loginAttempts).values({
          username: input.username,
          address: input.address,
          at: input.now,
        });
        return { recorded: true, ...counts };
      });
    },

    /** Forgets the attempts of a username from one address (after it logged in there). */
    async clear(username: string, address: string): Promise<void> {
      await db
        .delete(loginAttempts)
        .where(
          and(
            eq(loginAttempts.username, storable(username)),
            eq(loginAttempts.address, storable(address)),
          ),
        );
    },

    /** Drops attempts older than `before`: they no longer count for anything. */
    async prune(before: Date): Promise<void> {
      await db.delete(loginAttempts).where(lt(loginAttempts.at, before));
    },
  };
}

export type LoginAttemptsRepository = ReturnType<typeof createLoginAttemptsRepository>;
