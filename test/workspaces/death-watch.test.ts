import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import type { WorkspaceDeath } from '../../src/workspaces/driver.js';
import { eventually } from '../support/eventually.js';
import { realPodman, testSocketPath, testWorkspaces } from '../support/podman.js';
import { missingDependency } from '../support/real-deps.js';

const podman = await realPodman();

/** The test account's Podman events log (the `file` events logger, rootless default paths). */
function eventsLog(): string | undefined {
  const path = join(dirname(dirname(testSocketPath())), 'libpod', 'tmp', 'events', 'events.log');
  if (existsSync(path)) return path;
  return missingDependency('Podman events in a file', `${path} does not exist`, 'see test/harness');
}
const log = podman && eventsLog();

/** Over Podman's `events_logfile_max_size` (1 MB by default): the next event rotates the log. */
const PAST_THE_LIMIT = 1_300_000;

describe.skipIf(!podman || !log)('the death watch when Podman rotates its events log', () => {
  if (!podman || !log) return;
  const file = log;
  const driver = testWorkspaces(podman);
  const id = `rot${randomBytes(3).toString('hex')}`;
  afterAll(async () => {
    await driver.remove(id).catch(() => {});
    await podman.volumes.remove(workspaceNames(id).volume, { force: true }).catch(() => {});
    await podman.close();
  });

  /** Makes the log so long that Podman rotates it at its next event, with copies of its end. */
  function fillLog() {
    const text = readFileSync(file, 'utf8');
    const end = text.slice(text.lastIndexOf('\n', text.length - 64 * 1024) + 1);
    const copies = Math.ceil((PAST_THE_LIMIT - text.length) / end.length);
    // One write of whole lines: Podman's own appends (one write per event) stay whole.
    if (copies > 0) appendFileSync(file, end.repeat(copies));
  }

  it('tells each death once, and none from before the watch, though Podman replays them', async () => {
    await driver.ensure(id);
    await driver.stop(id);
    const watch = new AbortController();
    const told: WorkspaceDeath[] = [];
    const deaths = await driver.deaths({ signal: watch.signal });
    const following = (async () => {
      for await (const death of deaths) if (death.userId === id) told.push(death);
    })();
    const deathCount = (n: number) =>
      eventually(() => expect(told.length).toBeGreaterThanOrEqual(n), {
        withinMs: 30_000,
        everyMs: 100,
      });
    await driver.ensure(id);
    await driver.stop(id);
    await deathCount(1);
    expect(told).toHaveLength(1);

    // The log's end, the first death and the one of this watch, many times over: the
    // rotation keeps its later half, and replays it into the watch.
    fillLog();
    const filled = statSync(file).size;
    await driver.ensure(id);
    await driver.stop(id);
    expect(statSync(file).size, 'Podman rotated its events log').toBeLessThan(filled);
    await deathCount(2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    watch.abort();
    await following;
    expect(told).toHaveLength(2);
    expect(new Set(told.map((d) => d.cursor)).size).toBe(2);
  });
});
