/**
 * Opening terminals on the real server (libpod driver, exec attach), in one run:
 * - 200 terminals across 20 running workspaces, all opened at once: the time until every
 *   one shows its prompt, and the p50/p99 of each terminal's own wait; beside it, as a
 *   baseline of what Podman alone costs, 200 execs of `true` at once in the same workspaces;
 * - reconnecting to a session until its prompt shows, beside a raw `podman exec -it` of
 *   the same `tmux attach` in a local pty (no server, no WebSocket), as a ratio of p50s.
 * The server's database is the embedded one, or, with `BENCH_DATABASE_URL`, a new database
 * made (and dropped after) on that PostgreSQL server.
 * Run as root after test/harness/provision-host.sh:
 *   [BENCH_DATABASE_URL=postgres://…] node --import tsx bench/open-terminals.ts
 */

import { workspaceNames } from '../src/naming/workspace-names.js';
import { createPodmanClient } from '../src/podman/client.js';
import { TMUX_SOCKET } from '../src/tmux/tmux.js';
import { startLiveServer } from '../test/support/live-server.js';
import { testSocketPath } from '../test/support/podman.js';
import { OUTPUT_PROMPT } from '../test/support/screen.js';
import { quantile } from './quantile.js';
import { rawPodmanExec } from './raw-exec.js';

const WORKSPACES = 20;
const PER_WORKSPACE = 10;
const RECONNECTS = 20;

const socketPath = testSocketPath();
const podman = createPodmanClient({ socketPath });
const usernames = Array.from({ length: WORKSPACES }, (_, i) => `opener${i}`);
const postgresServer = process.env.BENCH_DATABASE_URL;
const server = await startLiveServer(podman, { users: usernames, postgresServer });

/** Opens a session's terminal and resolves the milliseconds until its prompt shows. */
async function untilPrompt(cookie: string, id: string): Promise<number> {
  const start = performance.now();
  const terminal = await server.terminal(cookie, id);
  try {
    await Promise.race([
      terminal.waitFor(OUTPUT_PROMPT, 180_000),
      terminal.closed.then((code) => {
        throw new Error(`closed (${code}): ${JSON.stringify(terminal.controls.slice(-2))}`);
      }),
    ]);
    return performance.now() - start;
  } finally {
    terminal.ws.close();
    await terminal.closed;
  }
}

/** Milliseconds for PER_WORKSPACE execs of `true` in each container, all at once. */
async function execBurst(containers: string[]): Promise<number> {
  const start = performance.now();
  await Promise.all(
    containers.flatMap((container) =>
      Array.from({ length: PER_WORKSPACE }, () => podman.exec.run(container, ['true'])),
    ),
  );
  return performance.now() - start;
}

/** The same attach without claude-web: `podman exec -it … tmux attach` in a local pty. */
function rawAttach(container: string, session: string): Promise<number> {
  const start = performance.now();
  const pty = rawPodmanExec(
    socketPath,
    container,
    ['tmux', '-L', TMUX_SOCKET, 'attach', '-t', session],
    {
      cols: 80,
      rows: 24,
    },
  );
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no prompt: ${JSON.stringify(seen.slice(-200))}`)),
      60_000,
    );
    pty.onData((data) => {
      seen += data;
      if (!OUTPUT_PROMPT.test(seen)) return;
      clearTimeout(timer);
      const ms = performance.now() - start;
      pty.kill();
      resolve(ms);
    });
  });
}

try {
  const sessions: { cookie: string; id: string; user: number }[] = [];
  for (const username of usernames) {
    const cookie = await server.login(username);
    for (let s = 0; s < PER_WORKSPACE; s++)
      sessions.push({
        cookie,
        id: await server.newSession(cookie, `t${s}`),
        user: server.ids[username] ?? 0,
      });
  }
  // Every workspace running first, each with one session made: the bench is about terminals.
  for (let w = 0; w < WORKSPACES; w++) {
    const first = sessions[w * PER_WORKSPACE];
    if (first) await untilPrompt(first.cookie, first.id);
  }

  const start = performance.now();
  const failures: string[] = [];
  const waits = (
    await Promise.all(
      sessions.map((s) =>
        untilPrompt(s.cookie, s.id).catch((error: Error) => {
          failures.push(error.message);
          return undefined;
        }),
      ),
    )
  ).filter((ms) => ms !== undefined);
  const allMs = performance.now() - start;
  if (failures.length > 0)
    console.log(`${failures.length} terminals never showed a prompt; first: ${failures[0]}`);
  console.log(
    `${sessions.length} terminals in ${WORKSPACES} workspaces, opened at once (database ${postgresServer ? 'PostgreSQL' : 'embedded'}):`,
  );
  console.log(
    `  all prompts after ${(allMs / 1000).toFixed(1)} s (target ≤ 10 s); each: p50 ${(quantile(waits, 0.5) / 1000).toFixed(2)} s, p99 ${(quantile(waits, 0.99) / 1000).toFixed(2)} s`,
  );
  const containers = usernames.map((u) => workspaceNames(String(server.ids[u])).container);
  const rawMs = await execBurst(containers);
  console.log(
    `  Podman's own part, as a baseline: ${sessions.length} execs of \`true\` at once in the same workspaces took ${(rawMs / 1000).toFixed(1)} s (the terminals: ${(allMs / rawMs).toFixed(2)}×)`,
  );

  const [one] = sessions;
  if (!one) throw new Error('no session');
  const { container } = workspaceNames(String(one.user));
  const reconnect: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < RECONNECTS; i++) {
    reconnect.push(await untilPrompt(one.cookie, one.id));
    raw.push(await rawAttach(container, one.id));
  }
  const ratio = quantile(reconnect, 0.5) / quantile(raw, 0.5);
  console.log(
    `reconnect → prompt, ${RECONNECTS} each: claude-web p50 ${quantile(reconnect, 0.5).toFixed(0)} ms, raw podman exec + tmux attach p50 ${quantile(raw, 0.5).toFixed(0)} ms: ${ratio.toFixed(2)}× (target ≤ 1.1×)`,
  );
} finally {
  await server.close();
  await podman.close();
}
