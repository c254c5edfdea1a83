import { randomBytes, randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.js';
import { createDb, type Database } from '../../src/db/create-db.js';
import { createSessionsRepository } from '../../src/db/sessions-repository.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import type { PodmanClient } from '../../src/podman/client.js';
import { runningPrograms } from '../../src/terminals/running-programs.js';
import { TMUX_SOCKET } from '../../src/tmux/tmux.js';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { createWorkspaceManagement } from '../../src/workspaces/management.js';
import { createImageUpgrades } from '../../src/workspaces/upgrade.js';
import { testImage } from '../support/podman.js';
import { workspaceDrivers } from '../support/workspace-drivers.js';

const image = `localhost/claude-web-workspace:upgrade-${randomBytes(3).toString('hex')}`;
const drivers = await workspaceDrivers({ image });

/** Every image built here: each new build leaves the one before it untagged. */
const built: string[] = [];

/** Builds `tag` as the test image plus one label: a new build of "the" workspace image. */
async function buildVariant(podman: PodmanClient, tag: string, version: string) {
  const archive = pack();
  archive.entry({ name: 'Containerfile' }, `FROM ${testImage}\nLABEL test.version=${version}\n`);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  const output = await podman.images.build({
    context: Buffer.concat(chunks),
    containerfile: 'Containerfile',
    tag,
  });
  for await (const _ of output);
  built.push((await podman.images.inspect(tag)).Id);
}

describe.each(drivers)('moving workspaces to a rebuilt image: %s', (_kind, make) => {
  let podman: PodmanClient;
  let driver: WorkspaceDriver;
  let database: Database;
  let management: ReturnType<typeof createWorkspaceManagement>;
  let userId = '';
  let sessionId = '';
  const run = (script: string) =>
    podman.exec.run(workspaceNames(userId).container, ['sh', '-c', script]);
  const row = async () =>
    (await management.containers()).find((w) => w.userId === userId) ?? { image: 'none' };

  beforeAll(async () => {
    ({ podman, driver } = await make());
    database = await createDb({ kind: 'pglite' });
    const start = randomInt(3_000_000, 3_900_000);
    await database.db.execute(sql.raw(`alter table users alter column id restart with ${start}`));
    const users = createUsersRepository(database);
    const sessions = createSessionsRepository(database);
    management = createWorkspaceManagement({
      workspaces: driver,
      users,
      sessions,
      clock: systemClock,
      idleHours: 24,
    });
    const user = await users.create({ username: 'upgrader', now: systemClock.now() });
    userId = String(user.id);
    sessionId = (await sessions.create({ userId: user.id, name: 'main', now: systemClock.now() }))
      .id;
    await buildVariant(podman, image, '1');
    await driver.ensure(userId);
    await run('echo "my work" > ~/work.txt');
  }, 240_000);
  afterAll(async () => {
    await driver.remove(userId).catch(() => {});
    await podman.volumes.remove(workspaceNames(userId).volume, { force: true }).catch(() => {});
    await podman.images.remove(image).catch(() => {});
    for (const id of built.splice(0)) await podman.images.remove(id).catch(() => {});
    await database?.close();
  });

  it('shows a workspace as current, then outdated once the image is rebuilt', async () => {
    expect((await row()).image).toBe('current');
    await buildVariant(podman, image, '2');
    expect((await row()).image).toBe('outdated');
  }, 120_000);

  it('refuses to recreate it while a terminal is attached, and leaves it running', async () => {
    const before = (await driver.status(userId)).containerId;
    await createSessionsRepository(database).setStatus(sessionId, 'active');
    expect(await management.upgrade('upgrader')).toEqual([
      expect.objectContaining({
        result: 'refused',
        reason: '1 terminal(s) attached; upgrade it once they are closed',
      }),
    ]);
    expect((await driver.status(userId)).containerId).toBe(before);
    expect((await row()).image).toBe('outdated');
  });

  it('recreates it on the new image once no terminal is attached, with its home intact', async () => {
    const before = (await driver.status(userId)).containerId;
    await createSessionsRepository(database).setStatus(sessionId, 'detached');
    expect(await management.upgrade('upgrader')).toEqual([
      expect.objectContaining({ result: 'upgraded', container: workspaceNames(userId).container }),
    ]);
    const after = await driver.status(userId);
    expect(after.state).toBe('running');
    expect(after.containerId).not.toBe(before);
    expect((await row()).image).toBe('current');
    expect((await run('cat ~/work.txt')).stdout).toBe('my work\n');
    expect(await management.upgrade('upgrader')).toEqual([]);
  }, 120_000);

  it('at the user’s next visit, recreates it only when nothing but idle shells runs in it', async () => {
    const upgrades = createImageUpgrades({
      workspaces: driver,
      sessions: createSessionsRepository(database),
      clock: systemClock,
    });
    const { container } = workspaceNames(userId);
    const busy = async (id: string) => (await runningPrograms(driver, id)).length > 0;
    expect(await upgrades.onVisit(userId, busy)).toBe(false);
    await buildVariant(podman, image, '3');
    const tmux = ['tmux', '-L', TMUX_SOCKET];
    await podman.exec.run(container, [...tmux, 'new-session', '-d', '-s', 'agent', 'sleep 600']);
    await podman.exec.run(container, [...tmux, 'new-session', '-d', '-s', 'idle']);
    expect(await runningPrograms(driver, userId)).toEqual(['sleep']);
    expect(await upgrades.onVisit(userId, busy)).toBe(false);
    expect((await row()).image).toBe('outdated');
    await podman.exec.run(container, [...tmux, 'kill-session', '-t', 'agent']);
    expect(await upgrades.onVisit(userId, busy)).toBe(true);
    await driver.ensure(userId);
    expect((await row()).image).toBe('current');
    expect((await run('cat ~/work.txt')).stdout).toBe('my work\n');
  }, 120_000);
});
