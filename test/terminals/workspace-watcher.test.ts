import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.js';
import { createDb, type Database } from '../../src/db/create-db.js';
import { createSessionsRepository } from '../../src/db/sessions-repository.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { workspaceNames } from '../../src/quadlet/names.js';
import { watchWorkspaces } from '../../src/terminals/workspace-watcher.js';
import { createLibpodDriver } from '../../src/workspaces/libpod-driver.js';
import { realPodman, testImage } from '../support/podman.js';

const podman = await realPodman();

describe.skipIf(!podman)('sessions follow their workspace’s death (real Podman events)', () => {
  if (!podman) return;
  let database: Database;
  let watcher: ReturnType<typeof watchWorkspaces>;
  const workspaces = createLibpodDriver({
    podman,
    clock: systemClock,
    settings: {
      image: testImage,
      stopTimeoutSeconds: 1,
      sudo: false,
      home: '/home/developer',
      uid: 1000,
      gid: 1000,
    },
  });
  // Workspace ids are database user ids; high ones keep clear of other tests' workspaces.
  const offset = 900_000 + Math.floor(Math.random() * 90_000);
  const workspaceIds: string[] = [];

  beforeAll(async () => {
    database = await createDb({ kind: 'pglite' });
    await database.db.execute(sql.raw(`alter table users alter column id restart with ${offset}`));
    watcher = watchWorkspaces({
      podman,
      sessions: createSessionsRepository(database),
      clock: systemClock,
      log: pino({ level: 'silent' }),
    });
    await watcher.subscribed;
  });
  afterAll(async () => {
    watcher.stop();
    for (const id of workspaceIds) {
      await workspaces.remove(id).catch(() => {});
      await podman.volumes.remove(workspaceNames(id).volume, { force: true }).catch(() => {});
    }
    await database.close();
  });

  it('marks every live session of the user dead within 2 s of the container dying', async () => {
    const users = createUsersRepository(database);
    const sessions = createSessionsRepository(database);
    const alice = await users.create({ username: 'alice', now: new Date() });
    const bob = await users.create({ username: 'bob', now: new Date() });
    const a1 = await sessions.create({ userId: alice.id, name: 'one', now: new Date() });
    const a2 = await sessions.create({ userId: alice.id, name: 'two', now: new Date() });
    const b1 = await sessions.create({ userId: bob.id, name: 'one', now: new Date() });
    for (const user of [alice, bob]) {
      workspaceIds.push(String(user.id));
      await workspaces.ensure(String(user.id));
    }

    await workspaces.stop(String(alice.id));
    const died = Date.now();
    const deadline = died + 2_000;
    while ((await sessions.get(a2.id)).status !== 'dead' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(Date.now() - died).toBeLessThan(2_000);
    for (const id of [a1.id, a2.id]) {
      expect(await sessions.get(id)).toMatchObject({
        status: 'dead',
        endReason: 'workspace stopped (exit code 143)',
      });
    }
    expect((await sessions.get(b1.id)).status).toBe('detached');
  });
});
