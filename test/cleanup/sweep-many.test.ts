import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/cleanup/policy.js';
import { type Clock, systemClock } from '../../src/clock/clock.js';
import { createCleanupRunsRepository } from '../../src/db/cleanup-runs-repository.js';
import { createDb, type Database } from '../../src/db/create-db.js';
import { workspaceLabels, workspaceNames } from '../../src/naming/workspace-names.js';
import { createPodmanClient, type PodmanClient } from '../../src/podman/client.js';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { createLibpodDriver } from '../../src/workspaces/libpod-driver.js';
import { createFakeClock } from '../support/fake-clock.js';
import { realPodman, scopedTo, testImage, testSocketPath } from '../support/podman.js';
import { testSweep } from '../support/sweep.js';
import { driverSettings } from '../support/workspace-drivers.js';

const available = await realPodman();
await available?.close();

describe.skipIf(!available)('a sweep over many cheap workspaces', () => {
  const calls: string[] = [];
  let podman: PodmanClient;
  let database: Database;
  const ids = Array.from({ length: 12 }, (_, i) => `calls${process.pid}x${i}`);

  beforeAll(async () => {
    podman = createPodmanClient({ socketPath: testSocketPath(), onCall: (c) => calls.push(c) });
    database = await createDb({ kind: 'pglite' });
    await Promise.all(
      ids.map(async (id, i) => {
        const { container } = workspaceNames(id);
        const command = i % 2 === 0 ? ['sleep', 'infinity'] : ['true'];
        await podman.containers.create({
          name: container,
          image: testImage,
          command,
          labels: workspaceLabels(id),
        });
        await podman.containers.start(container);
      }),
    );
  }, 120_000);
  afterAll(async () => {
    for (const id of ids)
      await podman.containers
        .remove(workspaceNames(id).container, { force: true, timeoutSeconds: 0 })
        .catch(() => {});
    await podman.close();
    await database.close();
  });

  /** This test's workspaces, on the real driver; `failFor` gets an injected removal failure. */
  const sweepOver = (clock: Clock, failFor?: string) => {
    const base = createLibpodDriver({ podman, clock, settings: driverSettings });
    const workspaces: WorkspaceDriver = {
      ...scopedTo(base, (userId) => ids.includes(userId)),
      remove: async (userId) => {
        if (userId === failFor) throw new Error('injected: the container would not go');
        await base.remove(userId);
      },
    };
    return testSweep({ workspaces, database, clock });
  };

  it('decides over every workspace with one list call, inspecting none one by one', async () => {
    const sweep = sweepOver(systemClock);
    calls.length = 0;
    const report = await sweep.run({ dryRun: true });
    expect(report.decisions).toHaveLength(ids.length);
    expect(calls).toEqual(['GET /containers/json']);
  });

  it('records a failure on one workspace and goes on with the others', async () => {
    const clock = createFakeClock(new Date());
    clock.advance(25 * HOUR_MS);
    const failing = ids[3] as string;
    const report = await sweepOver(clock, failing).run();
    expect(report.outcome).toBe('partial');
    const failed = report.decisions.filter((d) => d.result === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({ userId: failing, error: 'injected: the container would not go' }),
    ]);
    expect(report.decisions.filter((d) => d.result === 'removed')).toHaveLength(ids.length - 1);
    const recorded = await createCleanupRunsRepository(database).decisions(report.runId as number);
    expect(recorded.find((d) => d.result === 'failed')).toMatchObject({
      containerName: workspaceNames(failing).container,
      error: 'injected: the container would not go',
    });
    expect(await podman.containers.exists(workspaceNames(failing).container)).toBe(true);
    expect(await createCleanupRunsRepository(database).latest()).toMatchObject({
      outcome: 'partial',
    });
  });
});
