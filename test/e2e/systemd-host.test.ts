import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/create-db.js';
import { type WorkspaceNames, workspaceNames } from '../../src/naming/workspace-names.js';
import { createPodmanClient, type PodmanClient } from '../../src/podman/client.js';
import { scratchDatabase } from '../support/databases.js';
import { HOST_USER, type SystemdHost, systemdHost } from '../support/systemd-host.js';
import { type InstalledServer, installServer } from './installed-server.js';

const host = await systemdHost();

/**
 * The real target: the server as a `systemctl --user` unit of a lingering user on a
 * systemd host, each workspace a quadlet unit of that user.
 */
describe.skipIf(!host)('workspaces on a real systemd host outlive the server and the host', () => {
  if (!host) return;
  const h: SystemdHost = host;
  const username = `e2e${randomBytes(3).toString('hex')}`;
  let userId = '';
  let names: WorkspaceNames;
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  const unitDir = join(h.root, HOST_USER.home, '.config/containers/systemd');
  let server: InstalledServer;
  let podman: PodmanClient;
  const connect = () => {
    podman = createPodmanClient({ socketPath: h.podmanSocket() });
  };
  const inWorkspace = async (script: string) =>
    (await podman.exec.run(names.container, ['sh', '-c', script], { user: 'developer' })).stdout;
  const unitActive = async () =>
    (
      await h.user(['systemctl', '--user', 'is-active', names.containerService]).catch((e) => e)
    ).stdout.trim();

  beforeAll(async () => {
    // PostgreSQL, as the README advises for production: the commands below run beside the
    // server (the host shares this machine's network). Ids far from other tests' too.
    scratch = await scratchDatabase();
    const database = await createDb({ kind: 'postgres', url: scratch.url });
    const start = 100_000 + Math.floor(Math.random() * 190_000);
    await database.db.execute(sql.raw(`alter table users alter column id restart with ${start}`));
    await database.close();
    // This host has no delegated memory, CPU or pids controller to enforce limits with.
    server = await installServer(h, {
      DATABASE_URL: scratch.url,
      CONTAINER_MEMORY: 'none',
      CONTAINER_CPUS: 'none',
      CONTAINER_PIDS_LIMIT: 'none',
    });
    userId = String(JSON.parse(await server.cli(['users', 'add', username, '--json'])).id);
    names = workspaceNames(userId);
    connect();
  });
  afterAll(async () => {
    await server?.cli(['containers', 'rm', userId]).catch(() => {});
    if (names) await podman?.volumes.remove(names.volume, { force: true }).catch(() => {});
    await server?.uninstall();
    await podman?.close();
    await scratch?.drop();
  });

  it('installs as the README says: a valid user unit that runs and chose the quadlet driver', async () => {
    await h.user([
      'systemd-analyze',
      '--user',
      'verify',
      `${HOST_USER.home}/.config/systemd/user/claude-web.service`,
    ]);
    expect((await h.systemctl(['is-active', 'claude-web.service'])).trim()).toBe('active');
    expect((await server.logs()).find((l) => l.msg === 'workspace driver chosen')).toMatchObject({
      driver: 'quadlet',
    });
  });

  it('brings a new user’s workspace up as a quadlet unit, with a home that keeps files', async () => {
    expect(await server.cli(['containers', 'start', username])).toBe(
      `${names.container}: running\n`,
    );
    expect(await unitActive()).toBe('active');
    expect(existsSync(join(unitDir, names.containerUnitFile))).toBe(true);
    await inWorkspace('echo "still here" > ~/proof');
    expect(await inWorkspace('cat ~/proof')).toBe('still here\n');
  });

  it('keeps the workspace running through kill -9 of the server, and finds it again', async () => {
    const before = await podman.containers.inspect(names.container);
    const killed = await server.mainPid();
    await h.user(['kill', '-9', String(killed)]);
    // Between the kill and the restart (RestartSec) the unit has no main process: 0.
    const restarted = async () => ![0, killed].includes(await server.mainPid());
    await expect.poll(restarted, { timeout: 30_000, interval: 250 }).toBe(true);
    await server.waitReady();
    const after = await podman.containers.inspect(names.container);
    expect(after.Id).toBe(before.Id);
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
    const found = (await server.logs()).filter(
      (l) => l.msg === 'workspace found' && l.user === userId,
    );
    expect(found.at(-1)).toMatchObject({ containerId: before.Id, state: 'running' });
    expect(await inWorkspace('cat ~/proof')).toBe('still here\n');
  });

  it('brings the workspace back by itself after a reboot of the host, with the file', async () => {
    await podman.close();
    await h.reboot();
    connect();
    await expect.poll(unitActive, { timeout: 60_000, interval: 500 }).toBe('active');
    expect(await inWorkspace('cat ~/proof')).toBe('still here\n');
    await server.waitReady();
  });

  it('retires a workspace: unit stopped, unit files gone, volume kept; ensure re-attaches it', async () => {
    expect(await server.cli(['containers', 'rm', username])).toBe(
      `${names.container}: removed (volume kept); 0 session(s) ended\n`,
    );
    expect(await unitActive()).not.toBe('active');
    expect(existsSync(join(unitDir, names.containerUnitFile))).toBe(false);
    expect(existsSync(join(unitDir, names.volumeUnitFile))).toBe(false);
    expect(await podman.containers.exists(names.container)).toBe(false);
    expect(await podman.volumes.exists(names.volume)).toBe(true);
    await server.cli(['containers', 'start', username]);
    expect(await inWorkspace('cat ~/proof')).toBe('still here\n');
  });
});
