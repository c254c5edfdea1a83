import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CleanupSchedule, scheduleCleanup } from '../../src/cleanup/schedule.js';
import { systemClock } from '../../src/clock/clock.js';
import { createCleanupRunsRepository } from '../../src/db/cleanup-runs-repository.js';
import { createDb, type Database } from '../../src/db/create-db.js';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { testSweep } from '../support/sweep.js';

const MINUTE = 60_000;

/** A driver with no workspaces whose listing can be made slow or failing (injected). */
function driverWith(list: () => Promise<never[]>): WorkspaceDriver {
  const none = async () => {
    throw new Error('not used by a sweep over no workspaces');
  };
  return { kind: 'libpod', list, ensure: none, stop: none, remove: none, status: none };
}

describe('the cleanup schedule (croner, on faked timers)', () => {
  let database: Database;
  let schedule: CleanupSchedule | undefined;
  beforeEach(async () => {
    database = await createDb({ kind: 'pglite' });
    vi.useFakeTimers({ now: new Date('2026-11-24T10:00:00Z') });
  });
  afterEach(async () => {
    schedule?.stop();
    vi.useRealTimers();
    await database.close();
  });

  const start = (list: () => Promise<never[]>, intervalHours = 0.25) => {
    const runs = createCleanupRunsRepository(database);
    const sweep = testSweep({ workspaces: driverWith(list), database, clock: systemClock });
    schedule = scheduleCleanup({
      sweep,
      runs,
      clock: systemClock,
      log: pino({ level: 'silent' }),
      intervalHours,
    });
    return { runs, schedule };
  };
  const allRuns = async () =>
    (await database.db.query.cleanupRuns.findMany()).map((r) => r.outcome);

  it('runs first a few minutes after start, then every interval (fractions of an hour)', async () => {
    const { schedule } = start(async () => []);
    expect((await schedule.status()).nextRunAt).toEqual(new Date('2026-11-24T10:05:00Z'));
    await vi.advanceTimersByTimeAsync(5 * MINUTE - 1_000);
    expect(await allRuns()).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await allRuns()).toEqual(['ok']);
    const status = await schedule.status();
    expect(status.lastRun).toMatchObject({ trigger: 'schedule', outcome: 'ok' });
    expect(status.nextRunAt).toEqual(new Date('2026-11-24T10:20:00Z'));
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(await allRuns()).toEqual(['ok', 'ok', 'ok']);
  });

  it('reports a failing run and goes on with the next one', async () => {
    let fail = true;
    const { schedule } = start(async () => {
      if (fail) throw new Error('podman: connect ENOENT /run/user/1000/podman/podman.sock');
      return [];
    });
    await vi.advanceTimersByTimeAsync(5 * MINUTE + 2_000);
    const failed = await schedule.status();
    expect(failed.lastRun).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/ENOENT/),
    });
    expect(failed.lastError).toMatch(/ENOENT/);
    fail = false;
    await vi.advanceTimersByTimeAsync(15 * MINUTE);
    const recovered = await schedule.status();
    expect(recovered.lastRun?.outcome).toBe('ok');
    expect(recovered.lastError).toBeUndefined();
  });

  it('never runs two at once: a run still going makes the next one skip', async () => {
    let listing = 0;
    let concurrent = 0;
    let most = 0;
    const { schedule } = start(async () => {
      listing++;
      most = Math.max(most, ++concurrent);
      await new Promise((resolve) => setTimeout(resolve, 20 * MINUTE));
      concurrent--;
      return [];
    });
    await vi.advanceTimersByTimeAsync(5 * MINUTE + 2_000);
    expect((await schedule.status()).running).toBe(true);
    await vi.advanceTimersByTimeAsync(40 * MINUTE);
    expect(most).toBe(1);
    // Started at 10:05:01 and 10:35:01: the runs due at 10:20:01 and 10:50:01 were skipped...
    expect(listing).toBeLessThan(4);
  });
});
