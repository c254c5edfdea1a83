import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../../src/db/create-db.js';
import { isAppError } from '../../src/errors/app-error.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import type { WorkspaceDeath, WorkspaceDriver } from '../../src/workspaces/driver.js';
import { scopeToInstallation } from '../../src/workspaces/installation.js';
import { createFakeClock } from '../support/fake-clock.js';
import { testSweep } from '../support/sweep.js';
import { type Factory, workspaceDrivers } from '../support/workspace-drivers.js';

const drivers: Factory[] = await workspaceDrivers({ memoryBytes: undefined });

describe.each(drivers)('two installations on one account: %s', (_kind, make) => {
  const run = randomBytes(3).toString('hex');
  const [one, older, stranger] = ['one', 'old', 'str'].map((s) => `i${run}${s}`) as [
    string,
    string,
    string,
  ];
  const [idA, idB] = [`a${run}`, `b${run}`];
  let a: WorkspaceDriver;
  let b: WorkspaceDriver;
  let unscoped: WorkspaceDriver;
  let database: Database;
  const made: WorkspaceDriver[] = [];

  beforeAll(async () => {
    // Each installation's driver as the server opens it: labelled, scoped, its own users.
    const open = async (installation: string | undefined, users: string[]) => {
      const { driver } = await make({ installation });
      made.push(driver);
      if (installation === undefined) return driver;
      return scopeToInstallation(driver, { id: installation, users: async () => new Set(users) });
    };
    // Both have the user `one`; A also has a user from before installations were labelled.
    a = await open(idA, [one, older]);
    b = await open(idB, [one]);
    unscoped = await open(undefined, []);
    database = await createDb({ kind: 'pglite' });
  });
  afterAll(async () => {
    for (const driver of [a, b, unscoped])
      for (const id of [one, older, stranger]) {
        await driver?.remove(id).catch(() => {});
        await driver?.homes.remove(id).catch(() => {});
      }
    await database?.close();
  });

  const users = async (driver: WorkspaceDriver) => (await driver.list()).map((w) => w.container);

  it('each creates user `one`: two workspaces, apart, on homes of their own', async () => {
    const first = await a.ensure(one);
    const second = await b.ensure(one);
    expect(first.container).toBe(workspaceNames(one).container);
    expect(second.container).toBe(workspaceNames(one, idB).container);
    expect(second.volume).toBe(workspaceNames(one, idB).volume);
    expect(second.containerId).not.toBe(first.containerId);
    expect((await a.status(one)).state).toBe('running');
    expect(await users(a)).toContain(first.container);
    expect(await users(a)).not.toContain(second.container);
    expect(await users(b)).toEqual(expect.arrayContaining([second.container]));
    expect(await users(b)).not.toContain(first.container);
    const homes = async (driver: WorkspaceDriver) =>
      (await driver.homes.list()).filter((h) => h.userId === one).map((h) => h.name);
    expect(await homes(a)).toEqual([first.volume]);
    expect(await homes(b)).toEqual([second.volume]);
    await b.run(one, ['sh', '-c', 'echo b > ~/mine']);
    const seen = await a.run(one, ['sh', '-c', 'cat ~/mine 2>/dev/null || echo none']);
    expect(seen?.stdout).toBe('none\n');
  });

  it('each one’s cleanup leaves the other’s untouched', async () => {
    // Two days on, with no session anywhere: every running workspace of B is idle.
    const clock = createFakeClock(new Date(Date.now() + 48 * 3_600_000));
    const sweep = testSweep({ workspaces: b, database, clock });
    const decisions = await sweep.run({ trigger: 'manual' });
    const containers = decisions.decisions.map((d) => d.container);
    expect(containers).toContain(workspaceNames(one, idB).container);
    expect(containers).not.toContain(workspaceNames(one).container);
    expect((await b.status(one)).state).toBe('absent');
    expect((await a.status(one)).state).toBe('running');
  });

  it('adopts an older, unlabelled workspace whose user it knows, and refuses one it does not', async () => {
    await unscoped.ensure(older);
    await unscoped.ensure(stranger);
    expect(await users(a)).toContain(workspaceNames(older).container);
    expect(await users(a)).not.toContain(workspaceNames(stranger).container);
    await a.stop(older);
    expect((await a.status(older)).state).toBe('stopped');
    const refused = await a.stop(stranger).catch((e: unknown) => e);
    expect(isAppError(refused, 'workspace.foreign')).toBe(true);
    expect((await unscoped.status(stranger)).state).toBe('running');
  });

  it('hears only the deaths of its own workspaces', async () => {
    await a.ensure(one);
    await b.ensure(one);
    const watch = new AbortController();
    // Subscribed once it resolves: both deaths below come after it.
    const deaths = await b.deaths({ signal: watch.signal });
    await a.stop(one);
    await b.stop(one);
    let first: WorkspaceDeath | undefined;
    for await (const death of deaths) {
      first = death;
      break;
    }
    watch.abort();
    expect(first).toMatchObject({ userId: one, installation: idB });
    expect(first?.container).toBe(workspaceNames(one, idB).container);
  });
});
