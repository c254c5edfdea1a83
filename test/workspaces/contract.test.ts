import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import type { PodmanClient } from '../../src/podman/client.js';
import type { WorkspaceDeath, WorkspaceDriver } from '../../src/workspaces/driver.js';
import { eventually } from '../support/eventually.js';
import { watch } from '../support/screen.js';
import { driverSettings, workspaceDrivers } from '../support/workspace-drivers.js';

const INSTALLATION = driverSettings.installation;

const drivers = await workspaceDrivers();

describe.each(drivers)('workspace driver contract: %s', (_kind, make) => {
  let driver: WorkspaceDriver;
  let podman: PodmanClient;
  beforeAll(async () => {
    ({ driver, podman } = await make());
  });
  const run = randomBytes(3).toString('hex');
  const used = new Set<string>();
  const user = (suffix: string) => {
    const id = `t${run}${suffix}`;
    used.add(id);
    return id;
  };
  const sh = (userId: string, script: string) =>
    podman.exec.run(workspaceNames(userId).container, ['sh', '-c', script], { user: 'developer' });

  afterAll(async () => {
    for (const id of used) {
      await driver.remove(id).catch(() => {});
      await podman.volumes.remove(workspaceNames(id).volume, { force: true }).catch(() => {});
    }
  });

  it('brings up a new user’s workspace: running, exec-able, home seeded, labelled', async () => {
    const id = user('new');
    expect((await driver.status(id)).state).toBe('absent');
    const up = await driver.ensure(id);
    expect(up).toMatchObject({ userId: id, container: `claude-web-user-${id}`, state: 'running' });
    expect(up.startedAt?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const home = await sh(id, 'id -un; echo $HOME; ls -A ~');
    expect(home.stdout.split('\n')).toEqual(
      expect.arrayContaining(['developer', '/home/developer', '.bashrc']),
    );
    const volume = await podman.volumes.inspect(workspaceNames(id).volume);
    const labels = {
      'claude-web.managed': 'true',
      'claude-web.user': id,
      'claude-web.installation': INSTALLATION,
    };
    expect(volume.Labels).toMatchObject(labels);
    expect(up.labels).toMatchObject(labels);
    const listed = await driver.list();
    expect(listed.find((w) => w.userId === id)).toMatchObject({
      state: 'running',
      containerId: up.containerId,
    });
  });

  it('is idempotent: ensure on a running workspace changes nothing, and runs nothing in it', async () => {
    const id = user('idem');
    const first = await driver.ensure(id);
    const execs: string[] = [];
    const { create, run } = podman.exec;
    podman.exec.create = (container, options) => {
      execs.push(container);
      return create(container, options);
    };
    podman.exec.run = (container, cmd, options) => {
      execs.push(container);
      return run(container, cmd, options);
    };
    try {
      const again = await driver.ensure(id);
      expect(again.containerId).toBe(first.containerId);
      expect(again.startedAt).toEqual(first.startedAt);
    } finally {
      Object.assign(podman.exec, { create, run });
    }
    expect(execs).toEqual([]);
  });

  it('stops gracefully and starts again with the home intact', async () => {
    const id = user('stop');
    await driver.ensure(id);
    await sh(id, 'echo kept > ~/notes.txt');
    await driver.stop(id);
    const stopped = await driver.status(id);
    expect(stopped.state).toBe('stopped');
    expect(stopped.finishedAt).toBeInstanceOf(Date);
    expect(stopped.crashed).toBe(false);
    expect(stopped.labels).toMatchObject({ 'claude-web.installation': INSTALLATION });
    await driver.stop(id); // already stopped: no error
    expect((await driver.ensure(id)).state).toBe('running');
    expect((await sh(id, 'cat ~/notes.txt')).stdout).toBe('kept\n');
  });

  it('removes the container but never the volume; ensure re-attaches the same home', async () => {
    const id = user('rm');
    const first = await driver.ensure(id);
    await sh(id, 'echo survives > ~/file');
    await driver.remove(id);
    expect((await driver.status(id)).state).toBe('absent');
    expect(await podman.volumes.exists(workspaceNames(id).volume)).toBe(true);
    await driver.remove(id); // nothing left: no error
    const second = await driver.ensure(id);
    expect(second.containerId).not.toBe(first.containerId);
    expect((await sh(id, 'cat ~/file')).stdout).toBe('survives\n');
  });

  it('runs a command to completion as the user asked for, and nothing where none runs', async () => {
    const id = user('run');
    expect(await driver.run(id, ['true'])).toBeUndefined();
    await driver.ensure(id);
    const result = await driver.run(id, ['sh', '-c', 'id -un; echo oops >&2; exit 3'], {
      user: 'developer',
    });
    expect(result).toEqual({ exitCode: 3, stdout: 'developer\n', stderr: 'oops\n' });
    await driver.stop(id);
    expect(await driver.run(id, ['true'])).toBeUndefined();
  });

  it('gives 50 concurrent ensure calls for one user exactly one container', async () => {
    const id = user('race');
    const results = await Promise.all(Array.from({ length: 50 }, () => driver.ensure(id)));
    expect(new Set(results.map((r) => r.containerId)).size).toBe(1);
    const containers = await podman.containers.list({ name: workspaceNames(id).container });
    expect(containers).toHaveLength(1);
  });

  it('attaches a terminal to a tmux session that outlives the terminal', async () => {
    const id = user('term');
    await driver.ensure(id);
    const session = randomUUID();
    const size = { rows: 24, cols: 80 };
    const first = await driver.attach(id, { session, size });
    const screen = watch(first);
    first.write('export KEPT=$((6*7)); echo "R=$KEPT"\r');
    await screen.waitFor(/R=42/);
    first.close();
    const again = await driver.attach(id, { session, size });
    const restored = watch(again);
    again.write('echo "K=$KEPT"\r');
    await restored.waitFor(/K=42/);
    again.close();
  });

  it('tells what the workspace’s init wrote, and nothing of a workspace that is absent', async () => {
    const id = user('logs');
    expect(await driver.logs(id, { tail: 5 })).toBeUndefined();
    await driver.ensure(id);
    await driver.run(id, ['sh', '-c', 'echo said-to-the-log > /proc/1/fd/1']);
    await eventually(async () =>
      expect(await driver.logs(id, { tail: 5 })).toContain('said-to-the-log'),
    );
  });

  it('keeps homes apart from workspaces: listed, kept by remove, deleted only when asked', async () => {
    const id = user('home');
    expect(await driver.homes.get(id)).toBeUndefined();
    await driver.ensure(id);
    await sh(id, 'head -c 300000 /dev/urandom > ~/blob');
    await driver.remove(id);
    const kept = { userId: id, name: workspaceNames(id).volume, installation: INSTALLATION };
    expect(await driver.homes.get(id)).toMatchObject(kept);
    const home = (await driver.homes.list()).find((h) => h.userId === id);
    expect(home).toMatchObject(kept);
    if (home?.sizeBytes !== undefined) expect(home.sizeBytes).toBeGreaterThan(300_000);
    await driver.homes.remove(id);
    expect(await driver.homes.get(id)).toBeUndefined();
  });

  it('reports deaths as they happen, and after a cursor only those that came later', async () => {
    const id = user('death');
    await driver.ensure(id);
    const ofMine = async (deaths: AsyncIterable<WorkspaceDeath>) => {
      for await (const death of deaths) if (death.userId === id) return death;
      return undefined;
    };
    const watch1 = new AbortController();
    const first = ofMine(await driver.deaths({ signal: watch1.signal }));
    await driver.stop(id);
    const died = await first;
    watch1.abort();
    expect(died).toMatchObject({
      userId: id,
      container: workspaceNames(id).container,
      installation: INSTALLATION,
    });
    if (!died) return;
    expect(Math.abs(died.at.getTime() - Date.now())).toBeLessThan(60_000);

    await driver.ensure(id);
    const watch2 = new AbortController();
    const resumed = () => driver.deaths({ after: died.cursor, signal: watch2.signal });
    const later = ofMine(await resumed());
    await driver.stop(id);
    // A resumed watch may end (Podman ends one when it rotates its events log); resuming
    // again after the same cursor still tells the death.
    let next = await later;
    for (let again = 0; !next && again < 3; again++) next = await ofMine(await resumed());
    watch2.abort();
    expect(next, 'the resumed watch told the second death').toBeDefined();
    expect(next?.cursor).not.toBe(died.cursor);
    expect(next?.at.getTime()).toBeGreaterThanOrEqual(died.at.getTime());
  });

  it('answers a ping and knows the image new workspaces get', async () => {
    await driver.ping();
    const id = user('image');
    const up = await driver.ensure(id);
    expect(await driver.currentImage()).toBe(up.imageId);
  });

  it('refuses an unsafe user id before touching anything', async () => {
    for (const bad of ['../x', 'a b', 'x.service', '']) {
      const error = await driver.ensure(bad).catch((e) => e);
      expect(isAppError(error, 'workspace.invalid_user_id')).toBe(true);
    }
    const leaked = await podman.containers.list({ labels: ['claude-web.user=../x'] });
    expect(leaked).toEqual([]);
  });
});
