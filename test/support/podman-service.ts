import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { eventually } from './eventually.js';
import { TEST_USER, testSocketPath } from './podman.js';

/**
 * The test user's libpod API service (started by test/harness/provision-host.sh), stopped
 * and started again as an outage would: run as root, like the harness.
 */
const socketPath = testSocketPath();
const asUser = (args: string[]) => [
  '-u',
  TEST_USER,
  '--',
  'env',
  `XDG_RUNTIME_DIR=${dirname(dirname(socketPath))}`,
  `HOME=/home/${TEST_USER}`,
  'PATH=/usr/local/bin:/usr/bin:/bin',
  ...args,
];

/** Whether the socket answers a ping (curl: Node's fetch speaks no unix sockets). */
async function answers(): Promise<boolean> {
  try {
    execFileSync(
      'curl',
      ['-fsS', '--max-time', '2', '--unix-socket', socketPath, 'http://d/_ping'],
      {
        stdio: 'ignore',
      },
    );
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the service answers (`up`) or has stopped answering, within 20 s. */
function serviceIs(up: boolean): Promise<void> {
  return eventually(
    async () => {
      if ((await answers()) !== up)
        throw new Error(
          `the test Podman API service did not ${up ? 'answer' : 'stop'} within 20 s`,
        );
    },
    { withinMs: 20_000, everyMs: 100 },
  );
}

/** Kills the service (SIGKILL, as a crash would); resolves once the socket stops answering. */
export async function killTestPodmanService(): Promise<void> {
  execFileSync('pkill', ['-KILL', '-u', TEST_USER, '-f', 'podman system service']);
  await serviceIs(false);
}

/** Starts the service again, as the harness does; resolves once it answers. */
export async function startTestPodmanService(): Promise<void> {
  if (await answers()) return;
  rmSync(socketPath, { force: true });
  const service = spawn(
    'runuser',
    asUser(['setsid', 'podman', 'system', 'service', '--time=0', `unix://${socketPath}`]),
    // Not the checkout's directory, which the test user may not enter (a private clone).
    { detached: true, stdio: 'ignore', cwd: '/' },
  );
  service.unref();
  await serviceIs(true);
}

/**
 * Stops the service's process where it stands (SIGSTOP), as a stuck service would be:
 * its socket still takes connections, and nothing answers. `thawTestPodmanService` goes on.
 */
export function freezeTestPodmanService(): void {
  execFileSync('pkill', ['-STOP', '-u', TEST_USER, '-f', 'podman system service']);
}

/**
 * Lets a frozen service go on (SIGCONT); resolves once it answers. `runuser`, the parent of
 * a service `startTestPodmanService` started, stops itself when its child stops, and would
 * stay stopped: it goes on too (any user's process, not only the test user's).
 */
export async function thawTestPodmanService(): Promise<void> {
  execFileSync('pkill', ['-CONT', '-f', 'podman system service']);
  await serviceIs(true);
}
