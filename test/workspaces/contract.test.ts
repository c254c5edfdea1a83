import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import type { PodmanClient } from '../../src/podman/client.js';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { workspaceDrivers } from '../support/workspace-drivers.js';

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
    expect(volume.Labels).toMatchObject({ 'claude-web.managed': 'true', 'claude-web.user': id });
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

  it('refuses an unsafe user id before touching anything', async () => {
    for (const bad of ['../x', 'a b', 'x.service', '']) {
      const error = await driver.ensure(bad).catch((e) => e);
      expect(isAppError(error, 'workspace.invalid_user_id')).toBe(true);
    }
    const leaked = await podman.containers.list({ labels: ['claude-web.user=../x'] });
    expect(leaked).toEqual([]);
  });
});
