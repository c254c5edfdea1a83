import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.js';
import { createDb, type Database } from '../../src/db/create-db.js';
import { createServerStateRepository } from '../../src/db/server-state-repository.js';
import {
  createSessionsRepository,
  type SessionsRepository,
} from '../../src/db/sessions-repository.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { watchWorkspaces } from '../../src/terminals/workspace-watcher.js';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { createLibpodDriver } from '../../src/workspaces/libpod-driver.js';
import { eventually } from '../support/eventually.js';
import { createFakeClock } from '../support/fake-clock.js';
import { realPodman, testImage } from '../support/podman.js';

const podman = await realPodman();

describe.skipIf(!podman)('sessions follow their workspace’s death (real Podman deaths)', () => {
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
      workspaces,
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
    await eventually(async () => expect((await sessions.get(a2.id)).status).toBe('dead'), {
      withinMs: 2_000,
      everyMs: 50,
    });
    expect(Date.now() - died).toBeLessThan(2_000);
    for (const id of [a1.id, a2.id]) {
      expect(await sessions.get(id)).toMatchObject({
        status: 'dead',
        endReason: 'workspace stopped (exit code 143)',
      });
    }
    expect((await sessions.get(b1.id)).status).toBe('detached');
  });

  /** The driver, with watches of deaths the test can break, as a dropped socket would. */
  function breakableDeaths() {
    let breaker = new AbortController();
    return {
      workspaces: {
        deaths(options: Parameters<WorkspaceDriver['deaths']>[0]) {
          breaker = new AbortController();
          const signal = AbortSignal.any([breaker.signal, options.signal]);
          return workspaces.deaths({ ...options, signal });
        },
      },
      breakStream: () => breaker.abort(),
    };
  }

  it('sees a death that happened while its stream was broken, once the stream is back', async () => {
    const users = createUsersRepository(database);
    const sessions = createSessionsRepository(database);
    const state = createServerStateRepository(database);
    const checkpoint = {
      load: () => state.get('watcher'),
      save: (at: string) => state.set('watcher', at),
    };
    // Only the watchers of this test follow events from here on.
    watcher.stop();
    const { workspaces: breakable, breakStream } = breakableDeaths();
    const carol = await users.create({ username: 'carol', now: new Date() });
    workspaceIds.push(String(carol.id));
    await workspaces.ensure(String(carol.id));
    const mine = watchWorkspaces({
      workspaces: breakable,
      sessions,
      clock: systemClock,
      log: pino({ level: 'silent' }),
      retryMs: 3_000,
      checkpoint,
    });
    try {
      await mine.subscribed;
      // A first death, handled live: it becomes the checkpoint.
      const before = await sessions.create({ userId: carol.id, name: 'before', now: new Date() });
      await workspaces.stop(String(carol.id));
      await eventually(async () => expect((await sessions.get(before.id)).status).toBe('dead'));
      await eventually(async () => expect(await state.get('watcher')).toMatch(/^\d+$/));
      await workspaces.ensure(String(carol.id));
      const during = await sessions.create({ userId: carol.id, name: 'during', now: new Date() });

      breakStream();
      await eventually(() => expect(mine.health()).toEqual({ up: false, breaks: 1 }));
      await workspaces.stop(String(carol.id));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await sessions.get(during.id)).status).toBe('detached');
      await eventually(async () => expect((await sessions.get(during.id)).status).toBe('dead'), {
        withinMs: 15_000,
      });
      expect(mine.health()).toEqual({ up: true, breaks: 1 });
    } finally {
      mine.stop();
    }

    // The server was down meanwhile: a new watcher resumes from the checkpoint. A death it
    // replays ends nothing: the sessions stay, to get a new shell that says why.
    await workspaces.ensure(String(carol.id));
    const later = await sessions.create({ userId: carol.id, name: 'later', now: new Date() });
    const whileDown = await sessions.create({ userId: carol.id, name: 'down', now: new Date() });
    const restarted = () =>
      watchWorkspaces({
        workspaces,
        sessions,
        clock: systemClock,
        log: pino({ level: 'silent' }),
        checkpoint,
      });
    const resumed = restarted();
    try {
      await resumed.subscribed;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await sessions.get(later.id)).status).toBe('detached');
    } finally {
      resumed.stop();
    }
    const handled = BigInt((await state.get('watcher')) ?? '0');
    await workspaces.stop(String(carol.id));
    const again = restarted();
    try {
      await again.subscribed;
      await eventually(async () =>
        expect(BigInt((await state.get('watcher')) ?? '0')).toBeGreaterThan(handled),
      );
      expect((await sessions.get(whileDown.id)).status).toBe('detached');
    } finally {
      again.stop();
    }
  });
});

describe('readiness of the event watcher', () => {
  it('fails once the stream has been down for a minute, and says why', async () => {
    const clock = createFakeClock();
    const failing = {
      deaths: () => Promise.reject(new Error('connect ENOENT podman.sock')),
    };
    const watcher = watchWorkspaces({
      workspaces: failing,
      sessions: {} as SessionsRepository,
      clock,
      log: pino({ level: 'silent' }),
      downAfterMs: 60_000,
    });
    try {
      clock.advance(59_000);
      await expect(watcher.check()).resolves.toBeUndefined();
      clock.advance(2_000);
      await expect(watcher.check()).rejects.toThrow(
        'the watch of workspace deaths has been down for 61 s: stopped workspaces are not noticed',
      );
      expect(watcher.health()).toEqual({ up: false, breaks: 0 });
    } finally {
      watcher.stop();
    }
  });
});
