import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.js';
import type { WorkspaceDriver, WorkspaceStatus } from '../../src/workspaces/driver.js';
import { serializePerUser } from '../../src/workspaces/serialized.js';
import { createMemoryWorkspaces } from '../support/memory-workspaces.js';

/** A driver whose operations finish only when the test says so, and that records the order. */
function controlledDriver() {
  const log: string[] = [];
  const pending = new Map<string, () => void>();
  const op = (name: string) => (userId: string) =>
    new Promise<WorkspaceStatus>((resolve) => {
      log.push(`start ${name} ${userId}`);
      pending.set(`${name} ${userId}`, () => {
        log.push(`end ${name} ${userId}`);
        resolve({
          userId,
          container: `c-${userId}`,
          volume: `v-${userId}`,
          state: 'running',
          crashed: false,
        });
      });
    });
  const driver: WorkspaceDriver = {
    ...createMemoryWorkspaces({ clock: systemClock }).driver,
    ensure: op('ensure'),
    stop: async (u) => void (await op('stop')(u)),
    remove: async (u) => void (await op('remove')(u)),
    status: op('status'),
    list: async () => [],
  };
  const finish = async (key: string) => {
    await new Promise((r) => setImmediate(r));
    const done = pending.get(key);
    if (!done) throw new Error(`${key} has not started; log: ${log.join(', ')}`);
    pending.delete(key);
    done();
    await new Promise((r) => setImmediate(r));
  };
  return { driver, log, finish };
}

describe('serializePerUser', () => {
  it('lets concurrent ensure calls for one user share one run', async () => {
    const { driver, log, finish } = controlledDriver();
    const serial = serializePerUser(driver);
    const calls = Array.from({ length: 50 }, () => serial.ensure('a'));
    await finish('ensure a');
    const results = await Promise.all(calls);
    expect(log).toEqual(['start ensure a', 'end ensure a']);
    expect(new Set(results).size).toBe(1);
  });

  it('runs one user’s operations one after another', async () => {
    const { driver, log, finish } = controlledDriver();
    const serial = serializePerUser(driver);
    const ensured = serial.ensure('a');
    const removed = serial.remove('a');
    await finish('ensure a');
    await finish('remove a');
    await Promise.all([ensured, removed]);
    expect(log).toEqual(['start ensure a', 'end ensure a', 'start remove a', 'end remove a']);
  });

  it('never makes one user wait for another', async () => {
    const { driver, log, finish } = controlledDriver();
    const serial = serializePerUser(driver);
    const slow = serial.ensure('a');
    const fast = serial.ensure('b');
    await finish('ensure b');
    await fast;
    expect(log).toEqual(['start ensure a', 'start ensure b', 'end ensure b']);
    await finish('ensure a');
    await slow;
  });

  it('goes on after a failed operation', async () => {
    const { driver } = controlledDriver();
    let calls = 0;
    const failing: WorkspaceDriver = {
      ...driver,
      ensure: async (u) => {
        calls++;
        if (calls === 1) throw new Error('podman said no');
        return { userId: u, container: 'c', volume: 'v', state: 'running', crashed: false };
      },
    };
    const serial = serializePerUser(failing);
    await expect(serial.ensure('a')).rejects.toThrow('podman said no');
    await expect(serial.ensure('a')).resolves.toMatchObject({ state: 'running' });
  });
});
