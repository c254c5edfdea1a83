import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { eventually } from '../support/eventually.js';
import { realPodman } from '../support/podman.js';
import { freePort, seedUsers, serverEnv, startServerProcess } from '../support/server-process.js';

const podman = await realPodman();
const PASSWORD = 'correct horse battery';

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
      userIds.push(
        ...(await seedUsers(
          dataDir,
          [0, 1, 2, 3, 4].map((i) => `user${i}`),
          PASSWORD,
        )),
      );
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      env = serverEnv(dataDir, port);
      server = await startServerProcess(env);
    });
    afterAll(async () => {
      if (server && server.exitCode === null) {
        server.kill('SIGKILL');
        await once(server, 'exit');
      }
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
      await eventually(() => expect(output).toContain(expected), { withinMs: 60_000, everyMs: 50 });
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
      server = await startServerProcess(env);

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
