/**
 * A cleanup sweep over many labelled workspaces (cheap real containers: `sleep` and `true`
 * without a volume), counting libpod calls: deciding must cost one list call, however many
 * workspaces there are. Run against the test Podman (bench/run.sh cleanup does):
 *   PODMAN_SOCKET=… node --import tsx bench/cleanup.ts [count]
 */
import { homedir } from 'node:os';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { EXITED_HOURS, HOUR_MS } from '../src/cleanup/policy.js';
import { createCleanupSweep } from '../src/cleanup/sweep.js';
import type { Clock } from '../src/clock/clock.js';
import { loadConfig } from '../src/config/load-config.js';
import { createCleanupRunsRepository } from '../src/db/cleanup-runs-repository.js';
import { createDb } from '../src/db/create-db.js';
import { createSessionsRepository } from '../src/db/sessions-repository.js';
import { createUsersRepository } from '../src/db/users-repository.js';
import { workspaceLabels, workspaceNames } from '../src/naming/workspace-names.js';
import { createPodmanClient } from '../src/podman/client.js';
import { workspaceSettings } from '../src/workspaces/create-driver.js';
import type { WorkspaceDriver } from '../src/workspaces/driver.js';
import { createLibpodDriver } from '../src/workspaces/libpod-driver.js';
import { createWorkspaceUsage } from '../src/workspaces/usage.js';

const count = Number(process.argv[2] ?? 500);
const config = loadConfig({ env: process.env, uid: process.getuid?.() ?? 0, homeDir: homedir() });
const calls: string[] = [];
const podman = createPodmanClient({
  socketPath: config.podman.socketPath,
  onCall: (c) => calls.push(c),
});
let offsetMs = 0;
const clock: Clock = {
  now: () => new Date(Date.now() + offsetMs),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};
const database = await createDb({ kind: 'pglite' });
await database.db.execute(
  sql.raw(
    `alter table users alter column id restart with ${900_000_000 + Math.floor(Math.random() * 1e8)}`,
  ),
);
const users = createUsersRepository(database);
const sessions = createSessionsRepository(database);
const ids = new Set<string>();
const settings = workspaceSettings(config.workspace);
const base = createLibpodDriver({ podman, clock, settings });
// Only this run's workspaces: anything else on this Podman is left alone.
const driver: WorkspaceDriver = {
  ...base,
  list: async () => (await base.list()).filter((w) => ids.has(w.userId)),
};

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function createWorkspaces() {
  const indexes = Array.from({ length: count }, (_, i) => i);
  const started = performance.now();
  await inBatches(indexes, 8, async (i) => {
    const user = await users.create({ username: `bench${i}`, now: clock.now() });
    const id = String(user.id);
    ids.add(id);
    const running = i % 2 === 0;
    await podman.containers.create({
      name: workspaceNames(id).container,
      image: settings.image,
      command: running ? ['sleep', 'infinity'] : ['true'],
      labels: workspaceLabels(id),
    });
    await podman.containers.start(workspaceNames(id).container);
    if (i % 3 === 0) await sessions.create({ userId: user.id, name: 'main', now: clock.now() });
  });
  return performance.now() - started;
}

async function measuredSweep(label: string, dryRun: boolean) {
  const sweep = createCleanupSweep({
    workspaces: driver,
    sessions,
    runs: createCleanupRunsRepository(database),
    database,
    clock,
    log: pino({ level: 'silent' }),
    config: { idleHours: config.cleanup.idleHours, exitedHours: EXITED_HOURS },
    usage: createWorkspaceUsage(),
    concurrency: 8,
  });
  calls.length = 0;
  const started = performance.now();
  const report = await sweep.run({ dryRun });
  const ms = performance.now() - started;
  const removed = report.decisions.filter((d) => d.result === 'removed').length;
  const kinds = Object.entries(
    calls.reduce<Record<string, number>>((n, c) => {
      const kind = c.replace(/claude-web-user-\d+/, '{name}');
      n[kind] = (n[kind] ?? 0) + 1;
      return n;
    }, {}),
  ).map(([k, n]) => `${n} × ${k}`);
  console.log(
    `${label}: ${report.decisions.length} decisions, ${removed} removed, ${(ms / 1000).toFixed(2)} s, ${calls.length} libpod calls (${kinds.join(', ')})`,
  );
}

try {
  console.log(`creating ${count} labelled workspaces (half running, half exited)…`);
  console.log(`created in ${((await createWorkspaces()) / 1000).toFixed(1)} s`);
  await measuredSweep('dry run, now', true);
  await measuredSweep('sweep, now (nothing due)', false);
  offsetMs = 25 * HOUR_MS;
  await measuredSweep('dry run, 25 h later', true);
  await measuredSweep('sweep, 25 h later (everything due)', false);
} finally {
  calls.length = 0;
  await inBatches([...ids], 8, async (id) => {
    await podman.containers
      .remove(workspaceNames(id).container, { force: true, timeoutSeconds: 0 })
      .catch(() => {});
  });
  await podman.close();
  await database.close();
}
