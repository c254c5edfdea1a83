import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { createLibpodDriver } from '../../src/workspaces/libpod-driver.js';
import { realPodman } from '../support/podman.js';
import { driverSettings, type Subject, workspaceDrivers } from '../support/workspace-drivers.js';

const drivers = await workspaceDrivers();
const podman = await realPodman();

/** A command in a user's workspace, as `developer` (the image's user), through a login shell. */
const run = (subject: Subject, userId: string, script: string) =>
  subject.podman.exec.run(workspaceNames(userId).container, ['bash', '-lc', script]);

describe.each(drivers)('what an AI coding agent finds in a fresh workspace: %s', (_kind, make) => {
  let subject: Subject;
  const userId = String(randomInt(2_000_000, 2_900_000));

  beforeAll(async () => {
    subject = await make();
    await subject.driver.ensure(userId);
  }, 240_000);
  afterAll(async () => {
    await subject.driver.remove(userId).catch(() => {});
    await subject.podman.volumes
      .remove(workspaceNames(userId).volume, { force: true })
      .catch(() => {});
  });

  it.each([
    ['node --version', /^v24\.\d+\.\d+$/],
    ['npm --version', /^\d+\.\d+\.\d+$/],
    ['python3 --version', /^Python 3\.\d+/],
    ['claude --version', /\(Claude Code\)/],
    ['vim --version | head -1', /^VIM - Vi IMproved/],
    ['nano --version | head -1', /GNU nano/],
    ['ssh -V 2>&1', /^OpenSSH_/],
    ['rg --version | head -1', /^ripgrep /],
    ['jq --version', /^jq-/],
    ['cc --version | head -1 && make --version | head -1', /^cc .*\d+\.\d+[\s\S]*GNU Make \d/],
    ['git --version', /^git version/],
    ['id -un && sudo -n true && sudo -n id -un', /^developer\nroot$/],
  ])('%s', async (script, expected) => {
    const { exitCode, stdout, stderr } = await run(subject, userId, script);
    expect({ exitCode, stderr }).toMatchObject({ exitCode: 0 });
    expect(stdout.trim()).toMatch(expected);
  });

  it('keeps ~/.claude in the home volume: a login survives removing the workspace', async () => {
    const written = await run(
      subject,
      userId,
      'mkdir -p ~/.claude && echo "{\\"token\\":\\"kept\\"}" > ~/.claude/credentials.json',
    );
    expect(written.exitCode).toBe(0);
    await subject.driver.remove(userId);
    expect((await subject.driver.status(userId)).state).toBe('absent');
    await subject.driver.ensure(userId);
    const read = await run(subject, userId, 'cat ~/.claude/credentials.json');
    expect(read.stdout.trim()).toBe('{"token":"kept"}');
  }, 120_000);
});

describe.skipIf(!podman)('WORKSPACE_SUDO=off', () => {
  if (!podman) return;
  const userId = String(randomInt(2_000_000, 2_900_000));
  const driver = createLibpodDriver({
    podman,
    clock: systemClock,
    settings: { ...driverSettings, sudo: false },
  });
  afterAll(async () => {
    await driver.remove(userId).catch(() => {});
    await podman.volumes.remove(workspaceNames(userId).volume, { force: true }).catch(() => {});
  });

  it('gives no way to become root: no capability, no new privileges', async () => {
    await driver.ensure(userId);
    const subject = { podman, driver };
    const sudo = await run(subject, userId, 'sudo -n true');
    expect(sudo.exitCode).not.toBe(0);
    const status = await run(subject, userId, 'grep -E "^(CapBnd|NoNewPrivs)" /proc/self/status');
    expect(status.stdout).toMatch(/CapBnd:\s+0000000000000000/);
    expect(status.stdout).toMatch(/NoNewPrivs:\s+1/);
  }, 120_000);
});
