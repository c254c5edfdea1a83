import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/cleanup/policy.js';
import type { SweepReport } from '../../src/cleanup/sweep.js';
import { createCleanupRunsRepository } from '../../src/db/cleanup-runs-repository.js';
import type { Database } from '../../src/db/create-db.js';
import { createSessionsRepository } from '../../src/db/sessions-repository.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { databaseTargets } from '../support/databases.js';
import { eventually } from '../support/eventually.js';
import { createFakeClock } from '../support/fake-clock.js';
import { scopedTo, testImage } from '../support/podman.js';
import { testSweep } from '../support/sweep.js';
import { HOST_USER } from '../support/systemd-host.js';
import { type Subject, workspaceDrivers } from '../support/workspace-drivers.js';

const postgres = (await databaseTargets()).find((t) => t.kind === 'postgres');
const drivers = postgres ? await workspaceDrivers() : [];
const ROLES = ['idle', 'recent', 'exited', 'crashed'] as const;
type Role = (typeof ROLES)[number];

describe.each(drivers)('one cleanup sweep over real workspaces: %s', (_kind, make) => {
  let subject: Subject;
  let database: Database;
  const clock = createFakeClock(new Date());
  const ids = {} as Record<Role, string>;
  const sessionOf = {} as Record<Role, string>;
  const unlabelled = `cwtest-${randomBytes(3).toString('hex')}-unlabelled`;
  let dryRun: SweepReport;
  let report: SweepReport;

  /** This test's workspaces only: other tests share the same Podman. */
  const sweep = () =>
    testSweep({
      workspaces: scopedTo(subject.driver, (userId) => Object.values(ids).includes(userId)),
      database,
      clock,
    });

  beforeAll(async () => {
    subject = await make();
    database = await (postgres as NonNullable<typeof postgres>).open();
    // Ids far from other tests': they name containers on a shared Podman.
    const start = 500_000 + Math.floor(Math.random() * 190_000);
    await database.db.execute(sql.raw(`alter table users alter column id restart with ${start}`));
    const users = createUsersRepository(database);
    const sessions = createSessionsRepository(database);
    for (const role of ROLES) {
      const user = await users.create({ username: `sweep-${role}`, now: clock.now() });
      ids[role] = String(user.id);
      sessionOf[role] = (
        await sessions.create({ userId: user.id, name: 'main', now: clock.now() })
      ).id;
    }
    // One at a time: Podman 4.3 sometimes fails concurrent keep-id creates.
    for (const role of ROLES) await subject.driver.ensure(ids[role]);
    await home(ids.idle, 'echo "my work" > ~/work.txt');
    await subject.driver.stop(ids.exited);
    await crash(ids.crashed);
    await subject.podman.containers.create({
      name: unlabelled,
      image: testImage,
      command: ['sleep', 'infinity'],
      labels: { 'claude-web.user': ids.idle },
    });
    await subject.podman.containers.start(unlabelled);
    // A day and an hour later, only `recent` has been used.
    clock.advance(25 * HOUR_MS);
    await sessions.touch(sessionOf.recent, clock.now());
  }, 240_000);

  afterAll(async () => {
    for (const id of Object.values(ids)) {
      await subject.driver.remove(id).catch(() => {});
      await subject.podman.volumes
        .remove(workspaceNames(id).volume, { force: true })
        .catch(() => {});
    }
    await subject.podman.containers
      .remove(unlabelled, { force: true, timeoutSeconds: 0 })
      .catch(() => {});
    if (subject.host)
      await subject.host.user(['rm', '-rf', dropInDir(ids.crashed)]).catch(() => {});
    await database?.close();
  });

  const home = (userId: string, script: string) =>
    subject.podman.exec.run(workspaceNames(userId).container, ['sh', '-c', script], {
      user: 'developer',
    });
  const dropInDir = (userId: string) =>
    `${HOST_USER.home}/.config/systemd/user/${workspaceNames(userId).containerService}.d`;

  /** A crash that is not restarted: SIGKILL (exit 137) with no restart left. */
  async function crash(userId: string) {
    const { host } = subject;
    if (host) {
      // Injected failure: the unit's restarts are used up, as after a crash loop.
      await host.user([
        'sh',
        '-c',
        `mkdir -p ${dropInDir(userId)} && printf '[Service]\\nRestart=no\\n' > ${dropInDir(userId)}/no-restart.conf`,
      ]);
      await host.systemctl(['daemon-reload']);
    }
    await subject.podman.containers.kill(workspaceNames(userId).container, 'SIGKILL');
    await eventually(
      async () => {
        if (!(await subject.driver.status(userId)).crashed)
          throw new Error(`${userId} did not end up crashed`);
      },
      { withinMs: 30_000, everyMs: 300 },
    );
  }

  const states = async () =>
    Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, (await subject.driver.status(ids[r])).state])),
    );
  const statuses = async () => {
    const sessions = createSessionsRepository(database);
    return Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, (await sessions.get(sessionOf[r])).status])),
    );
  };

  it('dry run: decides, changes nothing and records nothing', async () => {
    const before = { states: await states(), sessions: await statuses() };
    expect(before.states).toEqual({
      idle: 'running',
      recent: 'running',
      exited: 'stopped',
      crashed: 'stopped',
    });
    dryRun = await sweep().run({ dryRun: true });
    expect(
      Object.fromEntries(dryRun.decisions.map((d) => [d.userId, [d.action, d.rule, d.result]])),
    ).toEqual({
      [ids.idle]: ['remove', 'idle', 'dry_run'],
      [ids.recent]: ['keep', 'active', 'kept'],
      [ids.exited]: ['remove', 'exited_long_ago', 'dry_run'],
      [ids.crashed]: ['remove', 'crashed', 'dry_run'],
    });
    expect({ states: await states(), sessions: await statuses() }).toEqual(before);
    expect(dryRun.runId).toBeUndefined();
    expect(await createCleanupRunsRepository(database).latest()).toBeUndefined();
  });

  it('removes exactly the idle, long-exited and crashed workspaces, as the dry run said', async () => {
    report = await sweep().run({ trigger: 'schedule' });
    const brief = (r: SweepReport) =>
      r.decisions.map((d) => [d.container, d.action, d.rule, d.reason]);
    expect(brief(report)).toEqual(brief(dryRun));
    expect(report.outcome).toBe('ok');
    expect(await states()).toEqual({
      idle: 'absent',
      recent: 'running',
      exited: 'absent',
      crashed: 'absent',
    });
    expect(await subject.podman.containers.exists(unlabelled)).toBe(true);
    expect((await subject.podman.containers.inspect(unlabelled)).State.Running).toBe(true);
  });

  it('marks exactly the removed workspaces’ sessions dead, with the reason', async () => {
    expect(await statuses()).toEqual({
      idle: 'dead',
      recent: 'detached',
      exited: 'dead',
      crashed: 'dead',
    });
    const idle = await createSessionsRepository(database).get(sessionOf.idle);
    expect(idle.endReason).toMatch(
      /^workspace removed by cleanup: last session activity 25\.0 h ago/,
    );
  });

  it('writes the run and every decision to the cleanup-run table', async () => {
    const runs = createCleanupRunsRepository(database);
    const latest = await runs.latest();
    expect(latest).toMatchObject({
      id: report.runId,
      trigger: 'schedule',
      dryRun: false,
      outcome: 'ok',
    });
    const recorded = await runs.decisions(report.runId as number);
    const rows = recorded.map((d) => [d.containerName, d.action, d.reason, d.result]).sort();
    expect(rows).toEqual(
      report.decisions.map((d) => [d.container, d.action, d.reason, d.result]).sort(),
    );
  });

  it('keeps every volume; the returning user gets a new container on it, files intact', async () => {
    for (const role of ROLES)
      expect(await subject.podman.volumes.exists(workspaceNames(ids[role]).volume)).toBe(true);
    const back = await subject.driver.ensure(ids.idle);
    expect(back.state).toBe('running');
    expect((await home(ids.idle, 'cat ~/work.txt')).stdout).toBe('my work\n');
  });
});
