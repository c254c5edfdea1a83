import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/clock/clock.js';
import { createPodmanClient, type PodmanClient } from '../../src/podman/client.js';
import type { AttachKind } from '../../src/workspaces/attach-driver.js';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { createLibpodDriver } from '../../src/workspaces/libpod-driver.js';
import { missingDependency } from './real-deps.js';

export const TEST_USER = process.env.CLAUDE_WEB_TEST_USER ?? 'claude-web-test';
export const testImage =
  process.env.CLAUDE_WEB_TEST_IMAGE ?? 'localhost/claude-web-workspace:latest';
/** Marks everything the tests create, so a failed run's leftovers can be found and removed. */
export const TEST_LABEL = 'claude-web.test';

/** The socket of the rootless test user set up by test/harness/provision-host.sh. */
export function testSocketPath(): string {
  if (process.env.PODMAN_SOCKET) return process.env.PODMAN_SOCKET;
  try {
    const uid = execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim();
    return `/run/user/${uid}/podman/podman.sock`;
  } catch {
    return `${process.env.XDG_RUNTIME_DIR ?? `/run/user/${process.getuid?.()}`}/podman/podman.sock`;
  }
}

const HOW_TO_FIX = 'Run `sudo test/harness/provision-host.sh` (or set PODMAN_SOCKET).';

/** A client on the real rootless Podman with the workspace image present, or undefined. */
export async function realPodman(): Promise<PodmanClient | undefined> {
  const client = createPodmanClient({ socketPath: testSocketPath() });
  try {
    await client.ping();
  } catch (error) {
    await client.close();
    return missingDependency('a rootless Podman API', String((error as Error).message), HOW_TO_FIX);
  }
  if (!(await client.images.exists(testImage))) {
    await client.close();
    return missingDependency(`the image ${testImage}`, 'not built', HOW_TO_FIX);
  }
  return client;
}

/** Unique names per test file, and removal of whatever they named at the end. */
export function testResources(podman: PodmanClient) {
  const run = randomBytes(3).toString('hex');
  const containers = new Set<string>();
  const volumes = new Set<string>();
  return {
    run,
    container(suffix: string) {
      const name = `cwtest-${run}-${suffix}`;
      containers.add(name);
      return name;
    },
    volume(suffix: string) {
      const name = `cwtest-${run}-${suffix}`;
      volumes.add(name);
      return name;
    },
    labels: { [TEST_LABEL]: run },
    async removeAll() {
      for (const name of containers) {
        await podman.containers.remove(name, { force: true, timeoutSeconds: 0 }).catch(() => {});
      }
      for (const name of volumes)
        await podman.volumes.remove(name, { force: true }).catch(() => {});
    },
  };
}

/**
 * Workspaces on the test Podman, through the libpod driver, with quick stops; terminals
 * attach the `attach` way, as the server configured so would.
 */
export function testWorkspaces(podman: PodmanClient, attach: AttachKind = 'exec') {
  return createLibpodDriver({
    podman,
    clock: systemClock,
    attach: {
      kind: attach,
      scrollbackLines: 10_000,
      podmanBinary: 'podman',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    },
    settings: {
      image: testImage,
      stopTimeoutSeconds: 2,
      sudo: true,
      home: '/home/developer',
      uid: 1000,
      gid: 1000,
    },
  });
}

/**
 * `driver`, listing only the workspaces of the users `mine` accepts: other tests share the
 * same Podman, and a sweep must not see, let alone remove, their workspaces.
 */
export function scopedTo(driver: WorkspaceDriver, mine: (userId: string) => boolean) {
  return {
    ...driver,
    list: async () => (await driver.list()).filter((w) => mine(w.userId)),
  } satisfies WorkspaceDriver;
}
