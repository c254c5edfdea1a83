import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import type { PodmanClient } from '../../src/podman/client.js';
import { scratchDatabase } from './databases.js';
import { growingText } from './screen.js';
import {
  freePort,
  SERVE_NODE_FLAGS,
  seedUsers,
  serverEnv,
  startServerProcess,
} from './server-process.js';

export const PASSWORD = 'correct horse battery';

/** A browser's terminal, as the page opens it: output, control messages, the close code. */
export interface TerminalClient {
  ws: WebSocket;
  /** Every control message (JSON text frames) received so far. */
  controls: { type: string; [key: string]: unknown }[];
  output(): string;
  /** Types `text` into the terminal. */
  type(text: string): void;
  /** Resolves when `pattern` matches the output; fails after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The close code, once closed. */
  closed: Promise<number>;
}

function terminalClient(ws: WebSocket): TerminalClient {
  const screen = growingText(30_000);
  const controls: TerminalClient['controls'] = [];
  ws.on('message', (data, binary) => {
    if (binary) screen.append(data.toString());
    else controls.push(JSON.parse(data.toString()));
  });
  ws.on('error', () => {});
  let closedWith: number | undefined;
  const closed = new Promise<number>((resolve) =>
    ws.once('close', (code) => {
      closedWith = code;
      resolve(code);
    }),
  );
  return {
    ws,
    controls,
    output: screen.text,
    type: (input) => ws.send(Buffer.from(input)),
    closed,
    // A terminal that shows nothing says why: what the server told it, and how it closed.
    waitFor: (pattern, timeoutMs) =>
      screen.waitFor(pattern, timeoutMs).catch((error: Error) => {
        const told = JSON.stringify(controls.slice(-5));
        const end = closedWith === undefined ? 'still open' : `closed with ${closedWith}`;
        throw new Error(`${error.message}; told ${told}; ${end}`);
      }),
  };
}

/**
 * The real server (`claude-web serve`, libpod driver, the embedded database unless given
 * a PostgreSQL server to make one on) on this machine's test Podman, with seeded users.
 * `inspect` opens Node's inspector on loopback, so that a test can collect garbage in the
 * server before measuring its memory. `close()` kills it and removes every workspace and
 * volume of its users, and the database it made.
 */
export async function startLiveServer(
  podman: PodmanClient,
  options: {
    users: string[];
    admins?: string[];
    env?: Record<string, string>;
    inspect?: boolean;
    /** Node's flags instead of production's (SERVE_NODE_FLAGS), for a baseline. */
    nodeFlags?: string[];
    /**
     * A PostgreSQL server's URL: the server gets a new database of its own there instead of
     * the embedded one, dropped at `close()`.
     */
    postgresServer?: string;
  },
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-live-'));
  const { admins } = options;
  const database = options.postgresServer
    ? await scratchDatabase(options.postgresServer)
    : undefined;
  const databaseUrl = database?.url;
  const ids = await seedUsers(dataDir, options.users, PASSWORD, { admins, databaseUrl });
  const port = await freePort();
  const inspectPort = options.inspect ? await freePort() : undefined;
  const env = {
    ...serverEnv(dataDir, port),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const nodeOptions = [
    ...(options.nodeFlags ?? SERVE_NODE_FLAGS),
    ...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : []),
  ];
  const log: string[] = [];
  const recent: string[] = [];
  const start = async () => {
    const keep = (lines: string[]) => {
      log.push(...lines.filter((l) => /"level":[4-6]0/.test(l)));
      log.splice(0, Math.max(0, log.length - 50));
      recent.push(...lines);
      recent.splice(0, Math.max(0, recent.length - 500));
    };
    const started = await startServerProcess(env, nodeOptions, (line) => keep([line]));
    started.stdout?.on('data', (chunk: Buffer) => keep(chunk.toString().split('\n')));
    return started;
  };
  let child: ChildProcess = await start();
  const origin = `http://127.0.0.1:${port}`;

  const api = async (method: string, path: string, cookie: string, body?: unknown) => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: {
        cookie,
        origin,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };

  return {
    origin,
    port,
    dataDir,
    /** Seeded user ids by username. */
    ids: Object.fromEntries(options.users.map((u, i) => [u, ids[i] as number])),
    child: () => child,
    /** The server's latest logged warnings and errors (JSON lines), to show beside a failure. */
    errors: () => log.join('\n'),
    /** The server's latest 500 log lines, whatever their level. */
    logLines: () => [...recent],
    async login(username: string): Promise<string> {
      const res = await fetch(`${origin}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      if (!res.ok) throw new Error(`login of ${username}: ${res.status}`);
      return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    },
    api,
    async newSession(cookie: string, name: string): Promise<string> {
      const { session } = (await api('POST', '/api/sessions', cookie, { name })) as {
        session: { id: string };
      };
      return session.id;
    },
    /** Opens the terminal of a session and resolves once the socket is open. */
    async terminal(cookie: string, sessionId: string, query = ''): Promise<TerminalClient> {
      const ws = new WebSocket(
        `ws://127.0.0.1:${port}/api/sessions/${sessionId}/terminal${query}`,
        { headers: { cookie, origin } },
      );
      const client = terminalClient(ws);
      await once(ws, 'open');
      return client;
    },
    /** Resident memory of the server process, from /proc. */
    rssBytes(): number {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
    },
    /** A full garbage collection in the server, through its inspector. */
    async collectGarbage(): Promise<void> {
      if (!inspectPort) throw new Error('start the server with { inspect: true }');
      const [target] = (await (
        await fetch(`http://127.0.0.1:${inspectPort}/json/list`)
      ).json()) as {
        webSocketDebuggerUrl: string;
      }[];
      const inspector = new WebSocket(target?.webSocketDebuggerUrl ?? '');
      await once(inspector, 'open');
      inspector.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
      await once(inspector, 'message');
      inspector.close();
    },
    /** kill -9, then (after `meanwhile`, run while it is down) the same server on the same data. */
    async restart(meanwhile: () => Promise<void> = async () => {}) {
      child.kill('SIGKILL');
      await once(child, 'exit');
      await meanwhile();
      child = await start();
    },
    async close() {
      // Gone before its workspaces are: a server still alive could start one again.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      for (const id of ids) {
        const names = workspaceNames(String(id));
        await podman.containers
          .remove(names.container, { force: true, timeoutSeconds: 0 })
          .catch(() => {});
        await podman.volumes.remove(names.volume, { force: true }).catch(() => {});
      }
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

export type LiveServer = Awaited<ReturnType<typeof startLiveServer>>;
