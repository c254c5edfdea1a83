/**
 * Resident memory of an idle server (no terminal open), as it stands after 5 s and once
 * garbage collected, on the embedded database and on PostgreSQL, in one run: with the
 * Node flags `npm start` gives, and beside it with none, as a baseline. The PostgreSQL one
 * needs `BENCH_DATABASE_URL`, a server on which each run makes a new database (and drops it
 * after). Run as root after test/harness/provision-host.sh:
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench node --import tsx bench/idle-memory.ts
 */
import { createPodmanClient } from '../src/podman/client.js';
import { startLiveServer } from '../test/support/live-server.js';
import { testSocketPath } from '../test/support/podman.js';

const podman = createPodmanClient({ socketPath: testSocketPath() });

const mb = (bytes: number) => bytes / 1024 / 1024;

/** MB resident after 5 s idle, and after a garbage collection. */
async function idleRss(
  postgresServer: string | undefined,
  nodeFlags?: string[],
): Promise<[number, number]> {
  const server = await startLiveServer(podman, {
    users: ['idler'],
    postgresServer,
    inspect: true,
    nodeFlags,
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const idle = mb(server.rssBytes());
    await server.collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return [idle, mb(server.rssBytes())];
  } finally {
    await server.close();
  }
}

const databases: [string, string | undefined, number][] = [['embedded (PGlite)', undefined, 150]];
if (process.env.BENCH_DATABASE_URL)
  databases.push(['PostgreSQL', process.env.BENCH_DATABASE_URL, 60]);
for (const [name, postgresServer, target] of databases) {
  const [idle, collected] = await idleRss(postgresServer);
  const [plainIdle, plainCollected] = await idleRss(postgresServer, []);
  console.log(
    `${name.padEnd(18)} idle RSS ${idle.toFixed(1)} MB, ${collected.toFixed(1)} MB collected (target ≤ ${target} MB: ${(idle / target).toFixed(2)}×, ${(collected / target).toFixed(2)}×)`,
  );
  console.log(
    `${''.padEnd(18)} without npm start's Node flags: ${plainIdle.toFixed(1)} MB, ${plainCollected.toFixed(1)} MB collected (flags: ${(idle / plainIdle).toFixed(2)}×, ${(collected / plainCollected).toFixed(2)}×)`,
  );
}
await podman.close();
