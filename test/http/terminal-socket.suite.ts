import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { systemClock } from '../../src/clock/clock.js';
import { startServer } from '../../src/http/server.js';
import { eventually } from '../support/eventually.js';
import { createTestApp, PUBLIC_ORIGIN } from '../support/test-app.js';

const PASSWORD = 'correct horse battery';
const KEEPALIVE_MS = 1_000;

/** Where the suite's workspaces live, and what their shell answers `R=$((6*7))`, `C=$(tput cols)` with. */
export interface Backend {
  name: string;
  workspaces: 'podman' | 'memory';
  shellAnswers: string[];
  removeWorkspace?: (userId: string) => Promise<void>;
}

/** The terminal WebSocket's behaviour, over real or in-memory workspaces. */
export function terminalSocketSuite(backend: Backend) {
  describe(`the terminal WebSocket (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof createTestApp>>;
    let server: Awaited<ReturnType<typeof startServer>>;
    const cookies: Record<string, string> = {};
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      t = await createTestApp({
        clock: { ...systemClock, advance: () => {} },
        workspaces: backend.workspaces,
      });
      server = await startServer(t.app, { host: '127.0.0.1', port: 0 });
      t.serveSockets(server.server, { keepaliveMs: KEEPALIVE_MS, recheckMs: 300 });
      for (const name of ['wsalice', 'wsbob']) {
        ids[name] = (await t.addUser(name, PASSWORD)).id;
        cookies[name] = await t.login(name, PASSWORD);
      }
    });
    afterAll(async () => {
      await server.close();
      for (const id of Object.values(ids)) await backend.removeWorkspace?.(String(id));
      await t.close();
    });

    const newSession = async (as: string, name: string) => {
      const res = await t.app.request('/api/sessions', {
        method: 'POST',
        headers: {
          cookie: cookies[as] ?? '',
          origin: PUBLIC_ORIGIN,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name }),
      });
      return ((await res.json()) as { session: { id: string } }).session.id;
    };
    const open = (path: string, headers: Record<string, string>) =>
      new WebSocket(`ws://127.0.0.1:${server.address.port}${path}`, { headers });
    const refusal = async (ws: WebSocket) => {
      // Aborting a refused handshake makes ws report "closed before established": expected.
      ws.on('error', () => {});
      const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
      ws.terminate();
      return res.statusCode;
    };

    it('refuses a foreign Origin, a missing login, and someone else’s session before upgrading', async () => {
      const id = await newSession('wsalice', 'guarded');
      const path = `/api/sessions/${id}/terminal`;
      expect(
        await refusal(
          open(path, { origin: 'https://evil.example', cookie: cookies.wsalice ?? '' }),
        ),
      ).toBe(403);
      expect(await refusal(open(path, { origin: PUBLIC_ORIGIN }))).toBe(401);
      expect(
        await refusal(open(path, { origin: PUBLIC_ORIGIN, cookie: cookies.wsbob ?? '' })),
      ).toBe(404);
      expect(
        await refusal(
          open('/api/sessions/..%2F..%2Fx/terminal', {
            origin: PUBLIC_ORIGIN,
            cookie: cookies.wsalice ?? '',
          }),
        ),
      ).toBe(404);
    });

    it('starts the workspace, attaches, runs commands, and tracks active and detached', async () => {
      const id = await newSession('wsalice', 'main');
      const ws = open(`/api/sessions/${id}/terminal?cols=100&rows=30`, {
        origin: PUBLIC_ORIGIN,
        cookie: cookies.wsalice ?? '',
      });
      let output = '';
      const states: string[] = [];
      ws.on('message', (data, binary) => {
        if (binary) output += data.toString();
        else states.push((JSON.parse(data.toString()) as { state?: string }).state ?? '');
      });
      await once(ws, 'open');
      ws.send(Buffer.from('echo "R=$((6*7))"; echo "C=$(tput cols)"\r'));
      await eventually(
        () => {
          for (const seen of backend.shellAnswers) expect(output).toContain(seen);
        },
        { withinMs: 30_000 },
      );
      expect(states[0]).toBe('starting');
      expect(states).toContain('attached');
      const repo = t.sessions;
      expect((await repo.get(id)).status).toBe('active');
      ws.close();
      await once(ws, 'close');
      await eventually(async () => expect((await repo.get(id)).status).toBe('detached'));
    });

    it('keeps a quiet terminal open with pings, and ends one whose peer stopped answering', async () => {
      const id = await newSession('wsalice', 'quiet');
      const ws = open(`/api/sessions/${id}/terminal`, {
        origin: PUBLIC_ORIGIN,
        cookie: cookies.wsalice ?? '',
      });
      let pings = 0;
      ws.on('ping', () => pings++);
      await eventually(async () => expect((await t.sessions.get(id)).status).toBe('active'));
      // Answering (ws answers pings by itself): still open after several intervals.
      await new Promise((r) => setTimeout(r, 3 * KEEPALIVE_MS + 200));
      expect(pings).toBeGreaterThanOrEqual(3);
      expect(ws.readyState).toBe(ws.OPEN);
      // A peer that stops reading answers nothing: two missed pongs close it.
      ws.pause();
      const stoppedAt = performance.now();
      await eventually(async () => expect((await t.sessions.get(id)).status).toBe('detached'), {
        withinMs: 5 * KEEPALIVE_MS,
      });
      expect(performance.now() - stoppedAt).toBeLessThan(3 * KEEPALIVE_MS + 500);
      ws.terminate();
    });

    it('closes an open terminal with 4401 once its user logs out, and keeps the shell', async () => {
      const id = await newSession('wsbob', 'leaving');
      const ws = open(`/api/sessions/${id}/terminal`, {
        origin: PUBLIC_ORIGIN,
        cookie: cookies.wsbob ?? '',
      });
      await once(ws, 'open');
      // Still logged in: several rechecks pass and the terminal stays open.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(ws.readyState).toBe(ws.OPEN);
      await t.app.request('/api/logout', {
        method: 'POST',
        headers: { cookie: cookies.wsbob ?? '', origin: PUBLIC_ORIGIN },
      });
      const [code] = (await once(ws, 'close')) as [number];
      expect(code).toBe(4401);
      await eventually(async () => expect((await t.sessions.get(id)).status).toBe('detached'));
    });
  });
}
