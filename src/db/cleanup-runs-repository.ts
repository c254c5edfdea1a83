import { asc, desc, eq } from 'drizzle-orm';
import type { Db } from './create-db.js';
import { cleanupDecisions, cleanupRuns } from './schema.js';

export type CleanupRun = typeof cleanupRuns.$inferSelect;
export type CleanupDecisionRecord = typeof cleanupDecisions.$inferSelect;
export type NewCleanupDecision = Omit<typeof cleanupDecisions.$inferInsert, 'id' | 'runId'>;

/** The audit log of cleanup: every run, and what it decided for which container and why. */
export function createCleanupRunsRepository({ db }: { db: Db }) {
  return {
    async start(input: {
      trigger: CleanupRun['trigger'];
      dryRun: boolean;
      now: Date;
    }): Promise<CleanupRun> {
      const [run] = await db
        .insert(cleanupRuns)
        .values({ trigger: input.trigger, dryRun: input.dryRun, startedAt: input.now })
        .returning();
      return run as CleanupRun;
    },

    async record(runId: number, decision: NewCleanupDecision): Promise<void> {
      await db.insert(cleanupDecisions).values({ ...decision, runId });
    },

    async finish(
      runId: number,
      result: { outcome: Exclude<CleanupRun['outcome'], 'running'>; error?: string; now: Date },
    ): Promise<CleanupRun> {
      const [run] = await db
        .update(cleanupRuns)
        .set({ outcome: result.outcome, error: result.error ?? null, finishedAt: result.now })
        .where(eq(cleanupRuns.id, runId))
        .returning();
      return run as CleanupRun;
    },

    async latest(): Promise<CleanupRun | undefined> {
      const [run] = await db.select().from(cleanupRuns).orderBy(desc(cleanupRuns.id)).limit(1);
      return run;
    },

    decisions(runId: number): Promise<CleanupDecisionRecord[]> {
      return db
        .select()
        .from(cleanupDecisions)
        .where(eq(cleanupDecisions.runId, runId))
        .orderBy(asc(cleanupDecisions.id));
    },
  };
}

export type CleanupRunsRepository = ReturnType<typeof createCleanupRunsRepository>;
