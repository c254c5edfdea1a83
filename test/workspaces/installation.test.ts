import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.js';
import { isAppError } from '../../src/errors/app-error.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import type { WorkspaceDeath, WorkspaceDriver } from '../../src/workspaces/driver.js';
import { scopeToInstallation } from '../../src/workspaces/installation.js';
import { createLibpodDriver } from '../../src/workspaces/libpod-driver.js';
import { serializePerUser } from '../../src/workspaces/serialized.js';
import { realPodman } from '../support/podman.js';
import { driverSettings } from '../support/workspace-drivers.js';

const podman = await realPodman();

describe.skipIf(!podman)('two installations on one Podman account (real Podman)', () => {
  if (!podman) return;
  const run = randomBytes(3).toString('hex');
  const [x, y, z] = ['x', 'y', 'z'].map((s) => `i${run}${s}`) as [string, string, string];
  const libpod = (installation?: string) =>
    serializePerUser(
      createLibpodDriver({
        podman,
        clock: systemClock,
        settings: { ...driverSettings, memoryBytes: undefined, installation },
      }),
    );
  const scoped = (id: string, users: string[]) =>
    scopeToInstallation(libpod(id), { id, users: async () => new Set(users) });
  // A knows x and the older y; B has users x and z of its own.
  const a = scoped(`a${run}`, [x, y]);
  const b = scoped(`b${run}`, [x, z]);
  const older = libpod(undefined);

  afterAll(async () => {
    for (const id of [x, y, z]) {
      await older.remove(id).catch(() => {});
      await podman.volumes.remove(workspaceNames(id).volume, { force: true }).catch(() => {});
    }
  });

  const foreign = async (operation: Promise<unknown>) => {
    const error = await operation.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(error, 'workspace.foreign'), String(error)).toBe(true);
  };
  const users = async (driver: WorkspaceDriver) => (await driver.list()).map((w) => w.userId);

  it('sees only its own workspaces and homes, and refuses to touch the other’s', async () => {
    const up = await a.ensure(x);
    expect(await users(a)).toContain(x);
    expect(await users(b)).not.toContain(x);
    expect((await b.homes.list()).map((h) => h.userId)).not.toContain(x);
    await foreign(b.ensure(x));
    await foreign(b.stop(x));
    await foreign(b.remove(x));
    await foreign(b.run(x, ['true']));
    await foreign(b.homes.remove(x));
    expect(await a.status(x)).toMatchObject({ state: 'running', containerId: up.containerId });
    expect(await podman.volumes.exists(workspaceNames(x).volume)).toBe(true);
    // Its home alone, without a container, is still not the other's to mount.
    await a.remove(x);
    await foreign(b.ensure(x));
    expect(await a.homes.get(x)).toMatchObject({ userId: x });
  });

  it('adopts an older, unlabelled workspace whose user it knows, and no other', async () => {
    await older.ensure(y);
    expect(await users(a)).toContain(y);
    expect(await users(b)).not.toContain(y);
    await foreign(b.stop(y));
    await a.stop(y);
    expect((await a.status(y)).state).toBe('stopped');
  });

  it('hears only the deaths of its own workspaces', async () => {
    await a.ensure(x);
    await b.ensure(z);
    const watch = new AbortController();
    // Subscribed once it resolves: both deaths below come after it.
    const deaths = await b.deaths({ signal: watch.signal });
    await a.stop(x);
    await b.stop(z);
    let first: WorkspaceDeath | undefined;
    for await (const death of deaths) {
      first = death;
      break;
    }
    watch.abort();
    expect(first).toMatchObject({ userId: z, installation: `b${run}` });
  });
});
