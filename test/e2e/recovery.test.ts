import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { hashPassword } from '../../src/auth/passwords.js';
import { createDb } from '../../src/db/create-db.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { workspaceNames } from '../../src/quadlet/names.js';
import { realPodman, testSocketPath } from '../support/podman.js';

const podman = await realPodman();
const bin = join(import.meta.dirname, '../../bin/claude-web.js');
const PASSWORD = 'correct horse battery';

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** Runs `claude-web serve` and resolves once it listens. */
async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!child.stdout) throw new Error('no stdout');
  for await (const line of createInterface({ input: child.stdout })) {
    if ((JSON.parse(line) as { msg?: string }).msg === 'listening') break;
  }
  child.stdout.resume();
  return child;
}

describe.skipIf(!podman)(
  'recovery: 20 sessions across 5 users survive kill -9 of the server',
  () => {
    if (!podman) return;
    const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-recovery-'));
    const userIds: number[] = [];
    let server: ChildProcess | undefined;
    let origin = '';
    let env: Record<string, string> = {};

    beforeAll(async () => {
      const database = await createDb({ kind: 'pglite', dataDir: join(dataDir, 'db') });
      // Ids far from other tests' workspaces: they name containers on the shared Podman.
      await database.db.execute(
        sql.raw(
          `alter table users alter column id restart with ${800_000 + Math.floor(Math.random() * 90_000)}`,
        ),
      );
      const users = createUsersRepository(database);
      const hash = await hashPassword(PASSWORD);
      for (let i = 0; i < 5; i++)
        userIds.push(
          (await users.create({ username: `user${i}`, passwordHash: hash, now: new Date() })).id,
        );
      await database.close();
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      env = {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        LISTEN_PORT: String(port),
        PUBLIC_URL: origin,
        PODMAN_SOCKET: testSocketPath(),
        WORKSPACE_DRIVER: 'libpod',
        CONTAINER_STOP_TIMEOUT: '1',
        LOG_LEVEL: 'warn',
      };
      env.LOG_LEVEL = 'info';
      server = await startServer(env);
    });
    afterAll(async () => {
      server?.kill('SIGKILL');
      for (const id of userIds) {
        await podman.containers
          .remove(workspaceNames(String(id)).container, { force: true, timeoutSeconds: 0 })
          .catch(() => {});
        await podman.volumes
          .remove(workspaceNames(String(id)).volume, { force: true })
          .catch(() => {});
      }
      await podman.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const login = async (i: number) => {
      const res = await fetch(`${origin}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ username: `user${i}`, password: PASSWORD }),
      });
      return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    };
    /** Opens a session's terminal, types, and resolves when `expect` shows up. */
    const typeInto = async (cookie: string, id: string, keys: string, expected: string) => {
      const ws = new WebSocket(`ws://${origin.slice(7)}/api/sessions/${id}/terminal`, {
        headers: { origin, cookie },
      });
      let output = '';
      ws.on('message', (data, binary) => {
        if (binary) output += data.toString();
      });
      await once(ws, 'open');
      ws.send(Buffer.from(keys));
      const deadline = Date.now() + 60_000;
      while (!output.includes(expected) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(output).toContain(expected);
      return ws;
    };

    it('all 20 are detached after the restart, and each has its shell state', async () => {
      const cookies = await Promise.all([0, 1, 2, 3, 4].map(login));
      const made: { cookie: string; id: string; mark: string }[] = [];
      for (const [u, cookie] of cookies.entries()) {
        for (let s = 0; s < 4; s++) {
          const res = await fetch(`${origin}/api/sessions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin, cookie },
            body: JSON.stringify({ name: `s${s}` }),
          });
          const { session } = (await res.json()) as { session: { id: string } };
          made.push({ cookie, id: session.id, mark: `u${u}s${s}` });
        }
      }
      const sockets = await Promise.all(
        made.map(({ cookie, id, mark }) =>
          typeInto(cookie, id, `export MARK=${mark}; echo "SET=$MARK"\r`, `SET=${mark}`),
        ),
      );
      expect(sockets).toHaveLength(20);

      server?.kill('SIGKILL');
      await once(server as ChildProcess, 'exit');
      server = await startServer(env);

      for (const cookie of cookies) {
        const res = await fetch(`${origin}/api/sessions`, { headers: { cookie } });
        const { sessions } = (await res.json()) as { sessions: { status: string }[] };
        expect(sessions.map((s) => s.status)).toEqual([
          'detached',
          'detached',
          'detached',
          'detached',
        ]);
      }
      for (const { cookie, id, mark } of made) {
        const ws = await typeInto(cookie, id, 'echo "GOT=$MARK"\r', `GOT=${mark}`);
        ws.close();
      }
    }, 300_000);
  },
);
