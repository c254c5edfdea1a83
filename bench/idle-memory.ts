/**
 * Resident memory of an idle server (no terminal open, garbage collected), on the embedded
 * database and on PostgreSQL, in one run. The PostgreSQL one needs `BENCH_DATABASE_URL`
 * (an empty database it may migrate). Run as root after test/harness/provision-host.sh:
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench node --import tsx bench/idle-memory.ts
 */
import { createPodmanClient } from '../src/podman/client.js';
import { startLiveServer } from '../test/support/live-server.js';
import { testSocketPath } from '../test/support/podman.js';

const podman = createPodmanClient({ socketPath: testSocketPath() });

async function idleRss(env: Record<string, string>): Promise<number> {
  const server = await startLiveServer(podman, { users: ['idler'], env, inspect: true });
  try {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await server.collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return server.rssBytes() / 1024 / 1024;
  } finally {
    await server.close();
  }
}

const rows: [string, number, number][] = [['embedded (PGlite)', await idleRss({}), 150]];
if (process.env.BENCH_DATABASE_URL)
  rows.push(['PostgreSQL', await idleRss({ DATABASE_URL: process.env.BENCH_DATABASE_URL }), 60]);
for (const [name, mb, target] of rows)
  console.log(
    `${name.padEnd(18)} idle RSS ${mb.toFixed(1)} MB (target ≤ ${target} MB: ${(mb / target).toFixed(2)}×)`,
  );
await podman.close();
