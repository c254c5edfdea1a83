import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { scopeToInstallation } from '../../src/workspaces/installation.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createMemoryWorkspaces } from '../support/memory-workspaces.js';

/** The memory driver, counting the status calls made of it. */
function counted() {
  const { driver } = createMemoryWorkspaces({ clock: createFakeClock() });
  let statuses = 0;
  const counting: WorkspaceDriver = {
    ...driver,
    status: (userId) => {
      statuses++;
      return driver.status(userId);
    },
  };
  return { driver: counting, statuses: () => statuses };
}

const size = { cols: 80, rows: 24 };

describe("an installation's view of the workspaces", () => {
  it('asks whose a workspace is once, not at every attach, and again after its removal', async () => {
    const { driver, statuses } = counted();
    const scoped = scopeToInstallation(driver, { id: 'a1', users: async () => new Set(['7']) });
    await scoped.ensure('7', {});
    const before = statuses();
    for (let i = 0; i < 5; i++) await scoped.attach('7', { session: randomUUID(), size });
    await scoped.run('7', ['true']);
    expect(statuses() - before).toBeLessThanOrEqual(1);

    await scoped.remove('7');
    const removed = statuses();
    await scoped.ensure('7', {});
    await scoped.attach('7', { session: randomUUID(), size });
    expect(statuses()).toBeGreaterThan(removed);
  });

  it('keeps refusing an unlabelled workspace of a user it does not have', async () => {
    const { driver } = counted();
    await driver.ensure('8', {});
    const scoped = scopeToInstallation(driver, { id: 'a1', users: async () => new Set(['7']) });
    for (let i = 0; i < 2; i++)
      await expect(scoped.attach('8', { session: randomUUID(), size })).rejects.toMatchObject({
        code: 'workspace.foreign',
      });
  });
});
