import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CleanupSchedule, scheduleCleanup } from '../../src/cleanup/schedule.js';
import { systemClock } from '../../src/clock/clock.js';
import { createCleanupRunsRepository } from '../../src/db/cleanup-runs-repository.js';
import { createDb, type Database } from '../../src/db/create-db.js';
import { cleanupRuns } from '../../src/db/schema.js';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { eventually } from '../support/eventually.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createMemoryWorkspaces } from '../support/memory-workspaces.js';
import { testSweep } from '../support/sweep.js';

const MINUTE = 60_000;

/** A driver with no workspaces whose listing can be made slow or failing (injected). */
function driverWith(list: () => Promise<never[]>): WorkspaceDriver {
  return { ...createMemoryWorkspaces({ clock: systemClock }).driver, list };
}

describe('the cleanup schedule (on the injected clock)', () => {
  let database: Database;
  let schedule: CleanupSchedule | undefined;
  const clock = createFakeClock(new Date('2031-02-03T10:00:00Z'));
  // One database for the file (opening one takes seconds); each test starts with no runs.
  beforeAll(async () => {
    database = await createDb({ kind: 'pglite' });
  });
  beforeEach(async () => {
    await database.db.delete(cleanupRuns);
  });
  afterEach(() => {
    schedule?.stop();
  });
  afterAll(async () => {
    await database.close();
  });

  const start = (list: () => Promise<never[]>, intervalHours = 0.25) => {
    const runs = createCleanupRunsRepository(database);
    const sweep = testSweep({ workspaces: driverWith(list), database, clock });
    schedule = scheduleCleanup({
      sweep,
      runs,
      clock,
      log: pino({ level: 'silent' }),
      intervalHours,
    });
    return { runs, schedule };
  };
  const allRuns = async () =>
    (await database.db.query.cleanupRuns.findMany()).map((r) => r.outcome);
  /** Moves the clock and lets the run it started finish. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await eventually(async () => expect((await schedule?.status())?.running).toBe(false));
  };

  it('runs first a few minutes after start, then every interval (fractions of an hour)', async () => {
    const t0 = clock.now().getTime();
    const { schedule } = start(async () => []);
    expect((await schedule.status()).nextRunAt).toEqual(new Date(t0 + 5 * MINUTE));
    await advance(5 * MINUTE - 1_000);
    expect(await allRuns()).toEqual([]);
    await advance(2_000);
    expect(await allRuns()).toEqual(['ok']);
    const status = await schedule.status();
    expect(status.lastRun).toMatchObject({ trigger: 'schedule', outcome: 'ok' });
    expect(status.lastRun?.startedAt).toEqual(new Date(t0 + 5 * MINUTE));
    expect(status.nextRunAt).toEqual(new Date(t0 + 20 * MINUTE));
    for (let i = 0; i < 2; i++) await advance(15 * MINUTE);
    expect(await allRuns()).toEqual(['ok', 'ok', 'ok']);
    expect((await schedule.status()).nextRunAt).toEqual(new Date(t0 + 50 * MINUTE));
  });

  it('reports a failing run and goes on with the next one', async () => {
    let fail = true;
    const { schedule } = start(async () => {
      if (fail) throw new Error('podman: connect ENOENT /run/user/1000/podman/podman.sock');
      return [];
    });
    await advance(5 * MINUTE);
    const failed = await schedule.status();
    expect(failed.lastRun).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/ENOENT/),
    });
    expect(failed.lastError).toMatch(/ENOENT/);
    fail = false;
    await advance(15 * MINUTE);
    const recovered = await schedule.status();
    expect(recovered.lastRun?.outcome).toBe('ok');
    expect(recovered.lastError).toBeUndefined();
  });

  it('is not ready once 3 runs in a row failed, and ready again after one that did not', async () => {
    let fail = true;
    const { schedule } = start(async () => {
      if (fail) throw new Error('podman: connect ECONNREFUSED');
      return [];
    });
    await advance(5 * MINUTE);
    await advance(15 * MINUTE);
    expect((await schedule.status()).failedInARow).toBe(2);
    await expect(schedule.check()).resolves.toBeUndefined();
    await advance(15 * MINUTE);
    await expect(schedule.check()).rejects.toThrow(
      /^the last 3 cleanup runs failed: .*ECONNREFUSED/,
    );
    fail = false;
    await advance(15 * MINUTE);
    expect((await schedule.status()).failedInARow).toBe(0);
    await expect(schedule.check()).resolves.toBeUndefined();
  });

  it('never runs two at once: a run still going makes the next one skip', async () => {
    let listing = 0;
    let concurrent = 0;
    let most = 0;
    const { schedule } = start(async () => {
      listing++;
      most = Math.max(most, ++concurrent);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 20 * MINUTE));
      concurrent--;
      return [];
    });
    clock.advance(5 * MINUTE);
    await eventually(() => expect(listing).toBe(1));
    expect((await schedule.status()).running).toBe(true);
    // Due at 10:20 while the first run (10:05 to 10:25) goes on: skipped.
    clock.advance(15 * MINUTE);
    expect(listing).toBe(1);
    clock.advance(5 * MINUTE);
    await eventually(async () => expect((await schedule.status()).running).toBe(false));
    // Due at 10:35: runs again, and its own run keeps the one due at 10:50 from starting.
    clock.advance(10 * MINUTE);
    await eventually(() => expect(listing).toBe(2));
    clock.advance(15 * MINUTE);
    expect(listing).toBe(2);
    expect(most).toBe(1);
    expect(await allRuns()).toEqual(['ok', 'running']);
  });

  it('waits for a first run far ahead without firing early, and stops for good', async () => {
    const t0 = clock.now().getTime();
    const { schedule } = start(async () => [], 24 * 40);
    await advance(5 * MINUTE);
    expect((await schedule.status()).nextRunAt).toEqual(
      new Date(t0 + 5 * MINUTE + 40 * 24 * 60 * MINUTE),
    );
    schedule.stop();
    await expect(schedule.check()).rejects.toThrow(/stopped/);
    expect((await schedule.status()).nextRunAt).toBeNull();
    expect(clock.pending()).toBe(0);
  });
});
