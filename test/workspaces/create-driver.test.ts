import { describe, expect, it } from 'vitest';
import { userSystemdReachable } from '../../src/workspaces/create-driver.js';
import { systemctlFailed } from '../../src/workspaces/errors.js';
import type { Systemctl } from '../../src/workspaces/systemctl.js';
import { systemdHost } from '../support/systemd-host.js';

const host = await systemdHost();

/** `systemctl --user is-system-running` answering `state` with the exit code systemd uses. */
const answering =
  (state: string): Systemctl =>
  async (args) => {
    if (state === 'running') return 'running\n';
    throw systemctlFailed(args, 1, '', `${state}\n`);
  };

describe('detecting a user systemd manager', () => {
  it.each([
    ['running', true],
    ['degraded', true],
    ['starting', true],
    ['offline', false],
    ['', false],
  ])('a manager answering %j serves units: %s', async (state, serves) => {
    expect(await userSystemdReachable(answering(state))).toBe(serves);
  });

  it('treats a systemctl that cannot run at all as no manager', async () => {
    const missing: Systemctl = async (args) => {
      throw systemctlFailed(args, 'ENOENT', 'spawn systemctl ENOENT');
    };
    expect(await userSystemdReachable(missing)).toBe(false);
  });

  it.skipIf(!host)('finds the lingering user’s real manager on the systemd host', async () => {
    if (!host) return;
    expect(await userSystemdReachable(host.systemctl)).toBe(true);
  });
});
