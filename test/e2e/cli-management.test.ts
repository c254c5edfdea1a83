import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../../src/db/create-db.js';
import { createSessionsRepository } from '../../src/db/sessions-repository.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { databaseTargets, scratchDatabase } from '../support/databases.js';
import { realPodman, testSocketPath } from '../support/podman.js';

const podman = await realPodman();
const hasPostgres = (await databaseTargets()).some((t) => t.kind === 'postgres');
const bin = join(import.meta.dirname, '../../bin/claude-web.js');
const HOUR = 3_600_000;

// In the e2e project, which runs after the integration tests and one file at a time: a
// real cleanup run here sees only this file's workspaces.
describe.skipIf(!podman || !hasPostgres)(
  'claude-web management commands (real Podman and PostgreSQL)',
  () => {
    if (!podman) return;
    let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
    let database: Database;
    const ids: Record<string, string> = {};
    let env: Record<string, string> = {};

    const cli = async (args: string[], extra: Record<string, string> = {}) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
          env: { ...env, ...extra },
          encoding: 'utf8',
        });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    const json = async <T>(...args: string[]) =>
      JSON.parse((await cli([...args, '--json'])).stdout) as T;
    const state = async (name: string) =>
      (await json<{ userId: string; state: string }[]>('containers', 'ls')).find(
        (w) => w.userId === ids[name],
      )?.state ?? 'absent';

    beforeAll(async () => {
      scratch = await scratchDatabase();
      database = await createDb({ kind: 'postgres', url: scratch.url });
      const start = 300_000 + Math.floor(Math.random() * 190_000);
      await database.db.execute(sql.raw(`alter table users alter column id restart with ${start}`));
      env = {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: scratch.url,
        PODMAN_SOCKET: testSocketPath(),
        WORKSPACE_DRIVER: 'libpod',
        CONTAINER_STOP_TIMEOUT: '1',
        CONTAINER_CLEANUP_HOURS: '0.5',
        LOG_LEVEL: 'warn',
      };
      for (const name of ['idler', 'worker', 'crasher']) {
        const added = await json<{ id: number; password: string }>('users', 'add', name);
        ids[name] = String(added.id);
        expect(added.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      }
    }, 120_000);

    afterAll(async () => {
      for (const id of Object.values(ids)) {
        const names = workspaceNames(id);
        await podman.containers
          .remove(names.container, { force: true, timeoutSeconds: 0 })
          .catch(() => {});
        await podman.volumes.remove(names.volume, { force: true }).catch(() => {});
      }
      await database?.close();
      await scratch?.drop();
    });

    it('lists users in an aligned table, or as JSON', async () => {
      const table = (await cli(['users', 'ls'])).stdout.split('\n');
      expect(table[0]).toMatch(/^ID +USERNAME +ADMIN +LOGIN +CREATED +DISABLED$/);
      expect(table[1]).toMatch(new RegExp(`^${ids.idler} +idler +no +password +\\d{4}-`));
    });

    it('starts workspaces by username and lists them with user, state, times and activity', async () => {
      for (const name of ['idler', 'worker', 'crasher'])
        expect((await cli(['containers', 'start', name])).stdout).toBe(
          `claude-web-user-${ids[name]}: running\n`,
        );
      const sessions = createSessionsRepository(database);
      const now = Date.now();
      const idle = await sessions.create({
        userId: Number(ids.idler),
        name: 'main',
        now: new Date(now - HOUR),
      });
      await sessions.create({ userId: Number(ids.worker), name: 'main', now: new Date(now) });
      expect(idle.status).toBe('detached');
      await podman.containers.kill(workspaceNames(ids.crasher as string).container, 'SIGKILL');

      const table = (await cli(['containers', 'ls'])).stdout.split('\n');
      expect(table[0]).toMatch(
        /^USER +NAME +CONTAINER +STATE +IMAGE +CREATED +STARTED +FINISHED +LAST ACTIVITY$/,
      );
      const row = table.find((l) => l.startsWith(`${ids.idler} `));
      expect(row).toMatch(/ idler +claude-web-user-\d+ +running +current +\S+Z +\S+Z +\S+Z$/);
      expect(table.find((l) => l.startsWith(`${ids.crasher} `))).toMatch(/stopped \(crashed\)/);
      const listed = (await cli(['sessions', 'ls'])).stdout;
      expect(listed).toMatch(/^ID +USER +NAME +STATUS +CREATED +LAST ACTIVITY +ENDED +WHY$/m);
      expect(listed).toMatch(/ idler +main +detached /);
    });

    it('shows a workspace’s recent output with logs', async () => {
      await podman.exec.run(workspaceNames(ids.worker as string).container, [
        'sh',
        '-c',
        'echo hello from the workspace > /proc/1/fd/1',
      ]);
      const { stdout } = await cli(['logs', 'worker', '--tail', '5']);
      expect(stdout).toContain('hello from the workspace');
    });

    it('cleanup run --dry-run changes nothing and prints what the real run then does', async () => {
      const dry = await cli(['cleanup', 'run', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/^CONTAINER +USER +DECISION +RESULT +REASON$/m);
      expect(dry.stdout).toMatch(
        /dry run, nothing changed: 2 of 3 workspace\(s\) would be removed/,
      );
      expect([await state('idler'), await state('worker'), await state('crasher')]).toEqual([
        'running',
        'running',
        'stopped',
      ]);

      const real = await cli(['cleanup', 'run']);
      expect(real.code).toBe(0);
      const decisions = (out: string) =>
        out
          .split('\n')
          .filter((l) => l.startsWith('claude-web-user-'))
          .map((l) => l.replace(/ (dry_run|removed|kept) /, ' · '));
      expect(decisions(real.stdout)).toEqual(decisions(dry.stdout));
      expect(decisions(real.stdout)).toHaveLength(3);
      expect(real.stdout).toMatch(
        new RegExp(
          `claude-web-user-${ids.idler} +${ids.idler} +remove +removed +last session activity 1\\.0 h ago, more than 0\\.5 h`,
        ),
      );
      expect(real.stdout).toMatch(
        new RegExp(
          `claude-web-user-${ids.crasher} +${ids.crasher} +remove +removed +crashed \\(it exited with code 137\\)`,
        ),
      );
      expect(real.stdout).toMatch(
        new RegExp(`claude-web-user-${ids.worker} +${ids.worker} +keep +kept `),
      );
      expect([await state('idler'), await state('worker'), await state('crasher')]).toEqual([
        'absent',
        'running',
        'absent',
      ]);
      expect((await cli(['sessions', 'ls', '--all'])).stdout).toMatch(
        / idler +main +dead .*workspace removed by cleanup/,
      );
    });

    it('lists volumes with their size, and which are orphaned', async () => {
      type Row = { userId: string; container: string; orphaned: boolean; sizeBytes: number };
      const all = await json<Row[]>('volumes', 'ls');
      const mine = all.filter((v) => Object.values(ids).includes(v.userId));
      expect(mine.map((v) => [v.userId, v.container, v.orphaned]).sort()).toEqual(
        [
          [ids.idler, 'absent', true],
          [ids.worker, 'running', false],
          [ids.crasher, 'absent', true],
        ].sort(),
      );
      expect(mine.every((v) => v.sizeBytes > 0)).toBe(true);
      const orphaned = await json<Row[]>('volumes', 'ls', '--orphaned');
      expect(orphaned.map((v) => v.userId)).not.toContain(ids.worker);
      expect((await cli(['volumes', 'ls'])).stdout).toMatch(
        /^USER +NAME +VOLUME +SIZE +CONTAINER +LAST ACTIVITY +ORPHANED$/m,
      );
    });

    it('deletes a volume only when confirmed, and never under a container', async () => {
      const unconfirmed = await cli(['volumes', 'rm', 'idler']);
      expect(unconfirmed.code).toBe(5);
      expect(unconfirmed.stderr).toBe(
        'claude-web: nothing deleted: confirm at the prompt, or pass --yes\n',
      );
      expect(await podman.volumes.exists(workspaceNames(ids.idler as string).volume)).toBe(true);
      const inUse = await cli(['volumes', 'rm', 'worker', '--yes']);
      expect(inUse.code).toBe(1);
      expect(inUse.stderr).toMatch(
        /still has a container; remove it first \(claude-web containers rm worker\)/,
      );
      const confirmed = await cli(['volumes', 'rm', 'idler', '--yes']);
      expect(confirmed.stdout).toBe(`claude-web-user-${ids.idler}-data: deleted\n`);
      expect(await podman.volumes.exists(workspaceNames(ids.idler as string).volume)).toBe(false);
    });

    it('prunes stopped containers and removes one by hand, keeping volumes', async () => {
      await cli(['containers', 'stop', 'worker']);
      const pruned = await cli(['containers', 'prune']);
      expect(pruned.stdout).toMatch(
        new RegExp(`claude-web-user-${ids.worker}: removed \\(volume kept\\)`),
      );
      await cli(['containers', 'start', 'worker']);
      const removed = await cli(['containers', 'rm', 'worker']);
      expect(removed.stdout).toBe(
        `claude-web-user-${ids.worker}: removed (volume kept); 0 session(s) ended\n`,
      );
      expect(await podman.volumes.exists(workspaceNames(ids.worker as string).volume)).toBe(true);
    });

    it('disables a user', async () => {
      expect((await cli(['users', 'disable', 'worker'])).stdout).toMatch(
        /^worker: disabled since \S+Z; logged out everywhere\n$/,
      );
      expect((await cli(['users', 'ls'])).stdout).toMatch(/ worker +no +password +\S+Z +\S+Z/);
    });

    it('says what went wrong, with an exit status per kind of failure', async () => {
      const unknown = await cli(['containers', 'rm', 'nobody']);
      expect([unknown.code, unknown.stderr]).toEqual([
        4,
        'claude-web: no user or workspace "nobody"\n',
      ]);
      const noSocket = await cli(['containers', 'ls'], {
        PODMAN_SOCKET: '/nonexistent/podman.sock',
      });
      expect(noSocket.code).toBe(3);
      expect(noSocket.stderr).toMatch(
        /^claude-web: cannot reach the Podman API at \/nonexistent\/podman.sock/,
      );
      const noDb = await cli(['users', 'ls'], {
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      });
      expect(noDb.code).toBe(3);
      expect(noDb.stderr).toMatch(/^claude-web: cannot reach the database at 127\.0\.0\.1:1\/none/);
      const usage = await cli(['logs']);
      expect(usage.code).toBe(2);
    });
  },
);
