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
  /** Scheduled runs of this process that failed in a row, up to now. */
  failedInARow: number;
}

/** After this many scheduled runs failed in a row, the server is not ready (/readyz 503). */
export const FAILED_RUNS_NOT_READY = 3;

export const FIRST_RUN_DELAY_MS = 5 * 60_000;

/**
 * The times of the schedule. croner's interval rule gives the run after a given one; it is
 * only ever asked with an explicit reference, because left to itself it reads the wall
 * clock, and every time here comes from the injected clock.
 */
function runTimes(intervalHours: number) {
  const interval = Math.max(1, Math.round(intervalHours * 3600));
  const plan = new Cron('* * * * * *', { interval, utcOffset: 0 });
  return {
    /** The first run due after `now`, following `previous` by whole intervals. */
    after(previous: Date, now: Date): Date | null {
      let next = plan.nextRun(previous);
      while (next && next.getTime() <= now.getTime()) next = plan.nextRun(next);
      return next;
    },
  };
}

/**
 * Sweeps every `intervalHours`, the first time a few minutes after start. A run still going
 * when the next is due makes that one skip (never two at once), and a run that fails is
 * logged and reported by `status()`; the schedule goes on either way. Every time, the next
 * run included, is the injected clock's.
 */
export function scheduleCleanup(deps: ScheduleDeps) {
  const { sweep, runs, clock, log } = deps;
  const times = runTimes(deps.intervalHours);
  let lastError: string | undefined;
  let failedInARow = 0;
  let running = false;
  let next: Date | null = new Date(
    clock.now().getTime() + (deps.firstRunDelayMs ?? FIRST_RUN_DELAY_MS),
  );
  let cancel = () => {};

  async function runOnce(): Promise<void> {
    running = true;
    try {
      const report = await sweep.run({ trigger: 'schedule' });
      lastError = undefined;
      failedInARow = 0;
      log.info({ runId: report.runId, outcome: report.outcome }, 'scheduled cleanup done');
    } catch (error) {
      lastError = (error as Error).message;
      const busy = isAppError(error, 'cleanup.busy');
      // Another process running the cleanup is no failure of this one.
      if (!busy) failedInARow++;
      log[busy ? 'warn' : 'error']({ err: error }, 'scheduled cleanup did not run');
    } finally {
      running = false;
    }
  }

  function due(at: Date): void {
    if (running) log.warn({ due: at }, 'cleanup still running; this run is skipped');
    else void runOnce();
    next = times.after(at, clock.now());
    arm();
  }

  function arm(): void {
    const at = next;
    if (!at) return;
    cancel = clock.setTimeout(() => due(at), Math.max(0, at.getTime() - clock.now().getTime()));
  }

  arm();
  log.info({ firstRunAt: next, intervalHours: deps.intervalHours }, 'cleanup scheduled');

  return {
    async status(): Promise<CleanupStatus> {
      const latest = await runs.latest();
      return {
        nextRunAt: next,
        running,
        lastRun: latest && {
          id: latest.id,
          trigger: latest.trigger,
          startedAt: latest.startedAt,
          finishedAt: latest.finishedAt,
          outcome: latest.outcome,
          error: latest.error,
        },
        lastError,
        failedInARow,
      };
    },
    /** For /readyz: fails once the schedule has stopped, or its last runs all failed. */
    async check(): Promise<void> {
      if (!next) throw new Error('the cleanup schedule has stopped');
      if (failedInARow >= FAILED_RUNS_NOT_READY)
        throw new Error(`the last ${failedInARow} cleanup runs failed: ${lastError}`);
    },
    stop: () => {
      cancel();
      next = null;
    },
  };
}

export type CleanupSchedule = ReturnType<typeof scheduleCleanup>;
