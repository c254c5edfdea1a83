import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/quadlet/names.js';
import { realPodman, testSocketPath } from '../support/podman.js';

const podman = await realPodman();
const bin = join(import.meta.dirname, '../../bin/claude-web.js');

describe.skipIf(!podman)('claude-web containers (libpod driver, real Podman)', () => {
  if (!podman) return;
  const user = `t${randomBytes(3).toString('hex')}cli`;
  const env = {
    PATH: process.env.PATH ?? '',
    PODMAN_SOCKET: testSocketPath(),
    WORKSPACE_DRIVER: 'libpod',
    CONTAINER_STOP_TIMEOUT: '2',
  };
  const cli = async (...args: string[]) =>
    (await promisify(execFile)(process.execPath, [bin, ...args], { env, encoding: 'utf8' })).stdout;
  afterAll(async () => {
    await podman.containers.remove(workspaceNames(user).container, { force: true }).catch(() => {});
    await podman.volumes.remove(workspaceNames(user).volume, { force: true }).catch(() => {});
    await podman.close();
  });

  it('starts, lists, stops and removes a workspace, keeping its volume', async () => {
    expect(await cli('containers', 'start', user)).toBe(`claude-web-user-${user}: running\n`);
    const listed = JSON.parse(await cli('containers', 'ls', '--json')) as {
      userId: string;
      state: string;
    }[];
    expect(listed.find((w) => w.userId === user)).toMatchObject({ state: 'running' });
    const table = await cli('containers', 'ls');
    expect(table.split('\n')[0]).toMatch(/^USER +CONTAINER +STATE +STARTED +FINISHED +EXIT$/);
    expect(table).toMatch(new RegExp(`^${user} +claude-web-user-${user} +running +\\d{4}-`, 'm'));
    expect(await cli('containers', 'stop', user)).toBe(`claude-web-user-${user}: stopped\n`);
    expect(await cli('containers', 'rm', user)).toBe(
      `claude-web-user-${user}: absent (volume kept)\n`,
    );
    expect(await podman.volumes.exists(workspaceNames(user).volume)).toBe(true);
  });

  it('builds a missing workspace image on first start, showing progress on stderr', async () => {
    const image = `localhost/claude-web-workspace:cli-${user}`;
    const other = `${user}img`;
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [bin, 'containers', 'start', other],
        {
          env: {
            ...env,
            WORKSPACE_IMAGE: image,
            WORKSPACE_BASE_IMAGE: 'localhost/claude-web-base:bookworm',
          },
          encoding: 'utf8',
        },
      );
      expect(stdout).toBe(`claude-web-user-${other}: running\n`);
      const progress = stderr
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === 'building the workspace image')
        .map((l) => l.line);
      expect(progress[0]).toBe(`${image} is missing; building it from Containerfile`);
      expect(progress.at(-1)).toBe(`${image} is ready`);
      expect((await podman.containers.inspect(workspaceNames(other).container)).ImageName).toBe(
        image,
      );
    } finally {
      await podman.containers
        .remove(workspaceNames(other).container, { force: true })
        .catch(() => {});
      await podman.volumes.remove(workspaceNames(other).volume, { force: true }).catch(() => {});
      await podman.images.remove(image).catch(() => {});
    }
  });

  it('refuses an unsafe user id with a clear message and exit code 1', async () => {
    const error = await cli('containers', 'start', '../etc').catch((e) => e);
    expect(error.code).toBe(1);
    expect(error.stderr).toBe(
      'claude-web: user id "../etc" cannot name a workspace: use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit\n',
    );
  });

  it('says which socket it cannot reach', async () => {
    const error = await promisify(execFile)(process.execPath, [bin, 'containers', 'ls'], {
      env: { ...env, PODMAN_SOCKET: '/nonexistent/podman.sock' },
    }).catch((e) => e);
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(
      /^claude-web: cannot reach the Podman API at \/nonexistent\/podman.sock \(ENOENT\)/,
    );
  });
});
