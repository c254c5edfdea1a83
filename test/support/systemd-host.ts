import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { systemctlFailed } from '../../src/workspaces/errors.js';
import type { Systemctl } from '../../src/workspaces/systemctl.js';
import { missingDependency } from './real-deps.js';

const run = promisify(execFile);
const script = join(import.meta.dirname, '..', 'harness', 'systemd-host.sh');
const stateDir = process.env.CLAUDE_WEB_SYSTEMD_HOST_DIR ?? '/var/lib/claude-web-test/systemd-host';
/** The lingering user of the host, as made by systemd-host.sh. */
export const HOST_USER = { name: 'cw', uid: 1000, home: '/home/cw' };

export interface SystemdHost {
  /** The host's root file system, as seen from this machine. */
  root: string;
  /** Runs a command as the host's lingering user, inside that user's systemd manager. */
  user(args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** The user's real `systemctl --user`, reached from this machine. */
  systemctl: Systemctl;
  /** The user's Podman API socket, reached from this machine through the host's root. */
  podmanSocket(): string;
  /** Powers the host off and boots it again; resolves when its user manager runs. */
  reboot(): Promise<void>;
}

function createHost(): SystemdHost {
  const user: SystemdHost['user'] = (args) =>
    run('bash', [script, 'user', ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 ** 2 });
  return {
    root: join(stateDir, 'root'),
    user,
    systemctl: async (args) => {
      try {
        return (await user(['systemctl', '--user', ...args])).stdout;
      } catch (error) {
        const e = error as { code?: unknown; stderr?: string; stdout?: string };
        throw systemctlFailed(args, e.code, e.stderr ?? String(error), e.stdout);
      }
    },
    async reboot() {
      await run('bash', [script, 'poweroff']);
      await run('bash', [script, 'boot']);
    },
    podmanSocket: () => {
      const leader = readFileSync(join(stateDir, 'leader'), 'utf8').trim();
      return `/proc/${leader}/root/run/user/${HOST_USER.uid}/podman/podman.sock`;
    },
  };
}

/** The booted systemd test host of test/harness/systemd-host.sh, or undefined. */
export async function systemdHost(): Promise<SystemdHost | undefined> {
  const host = createHost();
  try {
    // A failed workspace unit leaves the manager `degraded` (exit 1); it still serves.
    await host.user([
      'sh',
      '-c',
      'systemctl --user is-system-running | grep -qx -e running -e degraded',
    ]);
    return host;
  } catch (error) {
    return missingDependency(
      'the systemd test host',
      String((error as { stderr?: string }).stderr ?? error).trim(),
      'Run `test/harness/systemd-host.sh boot` as root (test/harness/provision-host.sh does).',
    );
  }
}
