import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCleanupRunsRepository } from '../../src/db/cleanup-runs-repository.js';
import type { Database } from '../../src/db/create-db.js';
import { createLoginAttemptsRepository } from '../../src/db/login-attempts-repository.js';
import { createSessionsRepository } from '../../src/db/sessions-repository.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { databaseTargets } from '../support/databases.js';

const targets = await databaseTargets();
const t0 = new Date('2026-11-24T10:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe.each(targets)('repositories on $kind with the real migrations', (target) => {
  let database: Database;
  beforeEach(async () => {
    database = await target.open();
  });
  afterEach(async () => {
    await database.close();
  });
  const repos = () => {
    const { db } = database;
    return {
      users: createUsersRepository({ db }),
      sessions: createSessionsRepository({ db }),
      cleanup: createCleanupRunsRepository({ db }),
    };
  };

  it('created every table and records the migration', async () => {
    type Row = { table_name: string };
    // postgres.js answers with an array of rows, PGlite with `{ rows }`.
    const result = (await database.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    )) as unknown as Row[] | { rows: Row[] };
    const names = ('rows' in result ? result.rows : result).map((r) => r.table_name);
    expect(names).toEqual([
      'auth_sessions',
      'cleanup_decisions',
      'cleanup_runs',
      'login_attempts',
      'server_state',
      'sessions',
      'users',
    ]);
    await database.ping();
  });

  it('keeps users with unique names and numeric ids', async () => {
    const { users } = repos();
    const alice = await users.create({ username: 'alice', isAdmin: true, now: t0 });
    const bob = await users.create({ username: 'bob', passwordHash: '$argon2id$x', now: t0 });
    expect(alice).toMatchObject({
      username: 'alice',
      isAdmin: true,
      disabledAt: null,
      createdAt: t0,
    });
    expect(bob.id).toBeGreaterThan(alice.id);
    await expect(users.create({ username: 'alice', now: t0 })).rejects.toMatchObject({
      code: 'user.username_taken',
    });
    expect((await users.disable(bob.id, later(5))).disabledAt).toEqual(later(5));
    expect((await users.list()).map((u) => u.username)).toEqual(['alice', 'bob']);
    expect(await users.findByUsername('carol')).toBeUndefined();
    await expect(users.get(9999)).rejects.toMatchObject({ code: 'user.not_found' });
  });

  it('walks sessions through active, detached and dead', async () => {
    const { users, sessions } = repos();
    const alice = await users.create({ username: 'alice', now: t0 });
    const main = await sessions.create({ userId: alice.id, name: 'main', now: t0 });
    expect(main).toMatchObject({ status: 'detached', lastActivityAt: t0, endedAt: null });
    await sessions.setStatus(main.id, 'active');
    await sessions.touch(main.id, later(3));
    expect(await sessions.get(main.id)).toMatchObject({
      status: 'active',
      lastActivityAt: later(3),
    });

    await expect(
      sessions.create({ userId: alice.id, name: 'main', now: t0 }),
    ).rejects.toMatchObject({
      code: 'session.name_taken',
    });
    const other = await sessions.create({ userId: alice.id, name: 'build', now: later(1) });
    await expect(sessions.rename(other.id, 'main')).rejects.toMatchObject({
      code: 'session.name_taken',
    });
    expect((await sessions.rename(other.id, 'tests')).name).toBe('tests');

    expect(await sessions.detachAll()).toBe(1);
    expect((await sessions.listAll()).map((s) => s.status)).toEqual(['detached', 'detached']);

    const dead = await sessions.end(main.id, 'container removed', later(10));
    expect(dead).toMatchObject({
      status: 'dead',
      endedAt: later(10),
      endReason: 'container removed',
    });
    // A dead session's name is free again.
    await sessions.create({ userId: alice.id, name: 'main', now: later(11) });
    expect((await sessions.listByUser(alice.id)).map((s) => s.name)).toEqual(['tests', 'main']);
    expect(await sessions.listByUser(alice.id, { includeDead: true })).toHaveLength(3);
    expect(await sessions.endAllForUser(alice.id, 'idle', later(20))).toBe(2);
    expect(await sessions.listAll()).toEqual([]);
  });

  it('refuses unknown and malformed session ids and unknown users', async () => {
    const { sessions } = repos();
    await expect(sessions.get('../etc/passwd')).rejects.toMatchObject({
      code: 'session.not_found',
    });
    await expect(sessions.get('7b0e3d4c-1111-4222-8333-944445555666')).rejects.toMatchObject({
      code: 'session.not_found',
    });
    await expect(sessions.create({ userId: 424242, name: 'x', now: t0 })).rejects.toMatchObject({
      code: 'user.not_found',
    });
  });

  it('reports each user’s latest activity across sessions', async () => {
    const { users, sessions } = repos();
    const a = await users.create({ username: 'a', now: t0 });
    const b = await users.create({ username: 'b', now: t0 });
    await users.create({ username: 'idle', now: t0 });
    const a1 = await sessions.create({ userId: a.id, name: 'one', now: t0 });
    await sessions.create({ userId: a.id, name: 'two', now: later(1) });
    await sessions.touch(a1.id, later(30));
    const b1 = await sessions.create({ userId: b.id, name: 'one', now: later(2) });
    await sessions.end(b1.id, 'closed', later(4));
    const byUser = (rows: { userId: number; lastActivityAt: Date; live: boolean }[]) =>
      [...rows].sort((x, y) => x.userId - y.userId || Number(y.live) - Number(x.live));
    expect(byUser(await sessions.activityByUser())).toEqual([
      { userId: a.id, lastActivityAt: later(30), live: true },
      { userId: b.id, lastActivityAt: later(2), live: false },
    ]);
    await sessions.create({ userId: b.id, name: 'two', now: later(1) });
    expect(byUser(await sessions.activityByUser([b.id]))).toEqual([
      { userId: b.id, lastActivityAt: later(1), live: true },
      { userId: b.id, lastActivityAt: later(2), live: false },
    ]);
  });

  it('gives the sessions it ends its reason, also those another ended since a given time', async () => {
    const { users, sessions } = repos();
    const a = await users.create({ username: 'a', now: t0 });
    const early = await sessions.create({ userId: a.id, name: 'early', now: t0 });
    const seen = await sessions.create({ userId: a.id, name: 'seen', now: t0 });
    const live = await sessions.create({ userId: a.id, name: 'live', now: t0 });
    await sessions.end(early.id, 'closed by its user', later(1));
    await sessions.end(seen.id, 'workspace stopped (exit code 143)', later(5));
    expect(await sessions.endAllForUser(a.id, 'removed: idle', later(6), { since: later(4) })).toBe(
      2,
    );
    expect((await sessions.get(early.id)).endReason).toBe('closed by its user');
    expect((await sessions.get(seen.id)).endReason).toBe('removed: idle');
    expect((await sessions.get(live.id)).endReason).toBe('removed: idle');
  });

  it('logs cleanup runs and their decisions', async () => {
    const { cleanup } = repos();
    const run = await cleanup.start({ trigger: 'schedule', dryRun: false, now: t0 });
    expect(run.outcome).toBe('running');
    await cleanup.record(run.id, {
      containerName: 'claude-web-user-1',
      userId: 1,
      action: 'remove',
      reason: 'idle for 25 h (limit 24 h)',
      result: 'removed',
      decidedAt: t0,
    });
    await cleanup.record(run.id, {
      containerName: 'claude-web-user-2',
      action: 'remove',
      reason: 'crashed (exit code 137)',
      result: 'failed',
      error: 'podman: 500 boom',
      decidedAt: t0,
    });
    const done = await cleanup.finish(run.id, { outcome: 'partial', now: later(1) });
    expect(done).toMatchObject({ outcome: 'partial', finishedAt: later(1) });
    expect(await cleanup.latest()).toEqual(done);
    const decisions = await cleanup.decisions(run.id);
    expect(decisions.map((d) => [d.containerName, d.result, d.userId])).toEqual([
      ['claude-web-user-1', 'removed', 1],
      ['claude-web-user-2', 'failed', null],
    ]);
  });

  it('counts login attempts per username and per address, each limit in its window', async () => {
    const attempts = createLoginAttemptsRepository(database);
    const attempt = (address: string, minutes: number, max = 3) =>
      attempts.record({
        username: 'admin',
        address,
        now: later(minutes),
        since: later(minutes - 15),
        max,
      });
    expect(await attempt('a', 0)).toEqual({ recorded: true, forUsername: 0 });
    await attempt('b', 2);
    expect(await attempt('a', 4)).toEqual({ recorded: true, oldest: later(0), forUsername: 2 });
    await attempt('c', 6);
    // 'a' has two of its three; a third from 'a' fills them.
    expect(await attempt('a', 8)).toMatchObject({ recorded: true, oldest: later(0) });
    expect(await attempt('a', 10)).toEqual({ recorded: false, oldest: later(0), forUsername: 5 });
    // Out of the window, the first of 'a' no longer counts: the oldest is the next one.
    expect(await attempt('a', 16)).toEqual({ recorded: true, oldest: later(4), forUsername: 4 });
    await attempts.clear('admin', 'a');
    expect(await attempt('b', 16)).toEqual({ recorded: true, oldest: later(2), forUsername: 2 });
  });
});
