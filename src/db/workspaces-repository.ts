import { asc, eq } from 'drizzle-orm';
import type { Db } from './create-db.js';
import { workspaces } from './schema.js';

export type WorkspaceRecord = typeof workspaces.$inferSelect;
export type WorkspaceDriverName = WorkspaceRecord['driver'];

/** What claude-web remembers of each user's workspace; Podman remains the truth of its state. */
export function createWorkspacesRepository({ db }: { db: Db }) {
  async function set(userId: number, values: Partial<WorkspaceRecord>) {
    const [row] = await db
      .update(workspaces)
      .set(values)
      .where(eq(workspaces.userId, userId))
      .returning();
    return row;
  }

  return {
    /** Records a workspace (again): a re-created one keeps its row, with a fresh history. */
    async upsert(input: {
      userId: number;
      containerName: string;
      volumeName: string;
      driver: WorkspaceDriverName;
      now: Date;
    }): Promise<WorkspaceRecord> {
      const { now, ...names } = input;
      const row = { ...names, createdAt: now, startedAt: null, stoppedAt: null, removedAt: null };
      const [saved] = await db
        .insert(workspaces)
        .values(row)
        .onConflictDoUpdate({ target: workspaces.userId, set: row })
        .returning();
      return saved as WorkspaceRecord;
    },

    async get(userId: number): Promise<WorkspaceRecord | undefined> {
      const [row] = await db.select().from(workspaces).where(eq(workspaces.userId, userId));
      return row;
    },

    list(): Promise<WorkspaceRecord[]> {
      return db.select().from(workspaces).orderBy(asc(workspaces.userId));
    },

    markStarted: (userId: number, now: Date) => set(userId, { startedAt: now, stoppedAt: null }),
    markStopped: (userId: number, now: Date) => set(userId, { stoppedAt: now }),
    markRemoved: (userId: number, now: Date) => set(userId, { removedAt: now }),
  };
}

export type WorkspacesRepository = ReturnType<typeof createWorkspacesRepository>;
