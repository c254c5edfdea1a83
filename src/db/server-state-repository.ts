import { eq } from 'drizzle-orm';
import type { Db } from './create-db.js';
import { serverState } from './schema.js';

/** Small values the server keeps between runs, by key (e.g. where the event watcher was). */
export function createServerStateRepository({ db }: { db: Db }) {
  return {
    async get(key: string): Promise<string | undefined> {
      const [row] = await db.select().from(serverState).where(eq(serverState.key, key));
      return row?.value;
    },
    async set(key: string, value: string): Promise<void> {
      await db
        .insert(serverState)
        .values({ key, value })
        .onConflictDoUpdate({ target: serverState.key, set: { value } });
    },
  };
}

export type ServerStateRepository = ReturnType<typeof createServerStateRepository>;
