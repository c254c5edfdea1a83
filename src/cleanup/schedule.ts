import { Cron } from 'croner';
import type { Clock } from '../clock/clock.js';
import type { CleanupRun, CleanupRunsRepository } from '../db/cleanup-runs-repository.js';
import { isAppError } from '../errors/app-error.js';
import type { Logger } from '../log/logger.js';
import type { CleanupSweep } from './sweep.js';

export interface ScheduleDeps {
  sweep: CleanupSweep;
  runs: CleanupRunsRepository;
  clock: Clock;
  log: Logger;
  /** CONTAINER_CLEANUP_INTERVAL_HOURS; fractions allowed. */
  intervalHours: number;
  /** The first run waits this long after start, so that a restart loop does not sweep. */
  firstRunDelayMs?: number;
}

export interface CleanupStatus {
  /** When the next scheduled run starts; null once stopped. */
  nextRunAt: Date | null;
  /** A sweep of this process is under way. */
  running: boolean;
  /** The latest run of any process on this database, scheduled or manual. */
  lastRun?: Pick<CleanupRun, 'id' | 'trigger' | 'startedAt' | 'finishedAt' | 'outcome' | 'error'>;
  /** Why the latest scheduled run of this process could not run at all (database down, …). */
  lastError?: string;
}

export const FIRST_RUN_DELAY_MS = 5 * 60_000;

/**
 * Sweeps every `intervalHours` with croner, the first time a few minutes after start. A run
 * still going when the next is due makes that one skip (croner's `protect`), and a run
 * that fails is logged and reported by `status()`; the schedule goes on either way.
 */
export function scheduleCleanup(deps: ScheduleDeps) {
  const { sweep, runs, clock, log } = deps;
  let lastError: string | undefined;
  const startAt = new Date(clock.now().getTime() + (deps.firstRunDelayMs ?? FIRST_RUN_DELAY_MS));
  const job = new Cron(
    '* * * * * *',
    {
      interval: Math.max(1, Math.round(deps.intervalHours * 3600)),
      startAt,
      protect: (skipped) =>
        log.warn({ since: skipped.currentRun() }, 'cleanup still running; this run is skipped'),
    },
    async () => {
      try {
        const report = await sweep.run({ trigger: 'schedule' });
        lastError = undefined;
        log.info({ runId: report.runId, outcome: report.outcome }, 'scheduled cleanup done');
      } catch (error) {
        lastError = (error as Error).message;
        const busy = isAppError(error, 'cleanup.busy');
        log[busy ? 'warn' : 'error']({ err: error }, 'scheduled cleanup did not run');
      }
    },
  );
  log.info({ firstRunAt: job.nextRun(), intervalHours: deps.intervalHours }, 'cleanup scheduled');

  return {
    async status(): Promise<CleanupStatus> {
      const latest = await runs.latest();
      return {
        nextRunAt: job.nextRun(),
        running: job.isBusy(),
        lastRun: latest && {
          id: latest.id,
          trigger: latest.trigger,
          startedAt: latest.startedAt,
          finishedAt: latest.finishedAt,
          outcome: latest.outcome,
          error: latest.error,
        },
        lastError,
      };
    },
    /** For /readyz: fails once the schedule no longer has a next run. */
    async check(): Promise<void> {
      if (!job.nextRun()) throw new Error('the cleanup schedule has stopped');
    },
    stop: () => job.stop(),
  };
}

export type CleanupSchedule = ReturnType<typeof scheduleCleanup>;
