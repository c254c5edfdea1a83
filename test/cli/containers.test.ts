import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { realPodman, testSocketPath } from '../support/podman.js';
import { seedUsers } from '../support/server-process.js';

const podman = await realPodman();
const bin = join(import.meta.dirname, '../../bin/claude-web.js');

describe.skipIf(!podman)('claude-web containers (libpod driver, real Podman)', () => {
  if (!podman) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-containers-'));
  const username = `cli${randomBytes(3).toString('hex')}`;
  let user = '';
  let other = '';
  const env = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    PODMAN_SOCKET: testSocketPath(),
    WORKSPACE_DRIVER: 'libpod',
    CONTAINER_STOP_TIMEOUT: '2',
  };
  beforeAll(async () => {
    [user = '', other = ''] = (
      await seedUsers(dataDir, [username, `${username}img`], 'unused password')
    ).map(String);
  });
  const cli = async (...args: string[]) =>
    (await promisify(execFile)(process.execPath, [bin, ...args], { env, encoding: 'utf8' })).stdout;
  afterAll(async () => {
    await podman.containers.remove(workspaceNames(user).container, { force: true }).catch(() => {});
    await podman.volumes.remove(workspaceNames(user).volume, { force: true }).catch(() => {});
    await podman.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, lists, stops and removes a workspace, keeping its volume', async () => {
    expect(await cli('containers', 'start', username)).toBe(`claude-web-user-${user}: running\n`);
    const listed = JSON.parse(await cli('containers', 'ls', '--json')) as {
      userId: string;
      state: string;
    }[];
    expect(listed.find((w) => w.userId === user)).toMatchObject({ state: 'running' });
    const table = await cli('containers', 'ls');
    expect(table).toMatch(
      new RegExp(`^${user} +${username} +claude-web-user-${user} +running +current +\\d{4}-`, 'm'),
    );
    expect(await cli('containers', 'upgrade', username)).toBe('already on the current image\n');
    const both = await cli('containers', 'upgrade', username, '--all').catch((e) => e);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(
      /^claude-web: containers upgrade takes <user> or --all, one of them/,
    );
    expect(await cli('containers', 'stop', user)).toBe(`claude-web-user-${user}: stopped\n`);
    expect(await cli('containers', 'rm', user)).toBe(
      `claude-web-user-${user}: removed (volume kept); 0 session(s) ended\n`,
    );
    expect(await podman.volumes.exists(workspaceNames(user).volume)).toBe(true);
  }, 300_000);

  it('builds a missing workspace image on first start, showing progress on stderr', async () => {
    const image = `localhost/claude-web-workspace:cli-${user}`;
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
      expect(progress).toContain('fetching @anthropic-ai/claude-code-linux-x64@latest from npm');
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
  }, 300_000);

  it('refuses an unknown or unsafe user with a clear message and exit status 4', async () => {
    const error = await cli('containers', 'start', '../etc').catch((e) => e);
    expect(error.code).toBe(4);
    expect(error.stderr).toBe('claude-web: no user or workspace "../etc"\n');
  });
});
