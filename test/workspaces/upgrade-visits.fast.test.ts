import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../../src/db/create-db.js';
import { createSessionsRepository } from '../../src/db/sessions-repository.js';
import type { WorkspaceDriver } from '../../src/workspaces/driver.js';
import { createImageUpgrades } from '../../src/workspaces/upgrade.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createMemoryWorkspaces } from '../support/memory-workspaces.js';

describe('visits asking for the current image (memory driver)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createDb({ kind: 'pglite' });
  });
  afterAll(() => database.close());

  /** Upgrades over the memory driver, counting its asks for the current image. */
  async function counted() {
    const memory = createMemoryWorkspaces({ clock: createFakeClock() });
    const asks = { count: 0 };
    const workspaces: WorkspaceDriver = {
      ...memory.driver,
      currentImage() {
        asks.count++;
        return memory.driver.currentImage();
      },
    };
    await workspaces.ensure('1');
    const sessions = createSessionsRepository(database);
    const upgrades = createImageUpgrades({ workspaces, sessions, clock: createFakeClock() });
    return { upgrades, asks, workspaces };
  }
  const idle = async () => false;

  it('share one ask while it is on its way, and ask afresh after it', async () => {
    const { upgrades, asks } = await counted();
    const visits = await Promise.all(Array.from({ length: 5 }, () => upgrades.onVisit('1', idle)));
    expect(visits).toEqual([false, false, false, false, false]);
    expect(asks.count).toBe(1);
    await upgrades.onVisit('1', idle);
    expect(asks.count).toBe(2);
  });

  it('never share with an upgrade or a listing, which ask afresh', async () => {
    const { upgrades, asks, workspaces } = await counted();
    const list = [await workspaces.status('1')];
    await Promise.all([upgrades.onVisit('1', idle), upgrades.imageStates(list)]);
    await Promise.all([upgrades.onVisit('1', idle), upgrades.upgrade(list)]);
    expect(asks.count).toBe(4);
  });
});
