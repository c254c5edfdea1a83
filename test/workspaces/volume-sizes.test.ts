import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.js';
import { createDb, type Database } from '../../src/db/create-db.js';
import { createSessionsRepository } from '../../src/db/sessions-repository.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { workspaceLabels, workspaceNames } from '../../src/naming/workspace-names.js';
import type { PodmanClient } from '../../src/podman/client.js';
import { podmanErrorFromBody } from '../../src/podman/errors.js';
import { createWorkspaceManagement } from '../../src/workspaces/management.js';
import { realPodman, testWorkspaces } from '../support/podman.js';

const podman = await realPodman();

/**
 * Podman's disk usage answers 500 when a container it counts is removed meanwhile; here
 * that failure is injected into the real client `failures` times before it answers.
 */
function failingDf(real: PodmanClient, failures: number): PodmanClient {
  let left = failures;
  const volumeUsage = async () => {
    if (left-- > 0)
      throw podmanErrorFromBody(
        500,
        '{"message":"failed to get state of container 639dc742: no such container"}',
        'GET /system/df',
      );
    return real.system.volumeUsage();
  };
  return { ...real, system: { ...real.system, volumeUsage } };
}

describe.skipIf(!podman)('volume sizes while containers come and go (real Podman)', () => {
  if (!podman) return;
  const userId = String(randomInt(4_000_000, 4_900_000));
  const { volume } = workspaceNames(userId);
  let database: Database;
  const management = (client: PodmanClient) =>
    createWorkspaceManagement({
      workspaces: testWorkspaces(client),
      users: createUsersRepository(database),
      sessions: createSessionsRepository(database),
      clock: systemClock,
      idleHours: 24,
    });
  const mine = async (client: PodmanClient) =>
    (await management(client).volumes()).find((v) => v.volume === volume);

  beforeAll(async () => {
    database = await createDb({ kind: 'pglite' });
    await podman.volumes.create(volume, { labels: workspaceLabels(userId) });
  });
  afterAll(async () => {
    await podman.volumes.remove(volume, { force: true }).catch(() => {});
    await database?.close();
  });

  it('asks again when Podman fails to count a container that went away', async () => {
    expect((await mine(failingDf(podman, 2)))?.sizeBytes).toBeTypeOf('number');
  });

  it('lists the volumes without sizes when Podman keeps failing, instead of failing', async () => {
    const row = await mine(failingDf(podman, 10));
    expect(row).toMatchObject({ volume, userId, container: 'absent' });
    expect(row?.sizeBytes).toBeUndefined();
  });
});
