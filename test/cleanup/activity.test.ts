import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HEARTBEAT_MS, HOUR_MS } from '../../src/cleanup/policy.js';
import { startServer } from '../../src/http/server.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { watchWorkspaces } from '../../src/terminals/workspace-watcher.js';
import { eventually } from '../support/eventually.js';
import { createFakeClock } from '../support/fake-clock.js';
import { realPodman } from '../support/podman.js';
import { createTestApp, PUBLIC_ORIGIN } from '../support/test-app.js';

const podman = await realPodman();
const PASSWORD = 'correct horse battery';

/**
 * Activity as cleanup counts it, end to end: a real server on a fake clock, real terminals
 * in a real workspace, and the real sweep deciding (24 h idle limit).
 */
describe.skipIf(!podman)('cleanup and what users really do', () => {
  if (!podman) return;
  const clock = createFakeClock(new Date());
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let server: Awaited<ReturnType<typeof startServer>>;
  let cookie = '';
  let userId = '';

  beforeAll(async () => {
    t = await createTestApp({ clock });
    // Sweeps run when a test says, not whenever the fake clock passes the hour.
    t.cleanup.stop();
    server = await startServer(t.app, { host: '127.0.0.1', port: 0 });
    t.serveSockets(server.server, { keepaliveMs: 6 * HOUR_MS, recheckMs: HOUR_MS });
    userId = String((await t.addUser('watcher', PASSWORD)).id);
    cookie = await t.login('watcher', PASSWORD);
  });
  afterAll(async () => {
    await server?.close();
    await t.workspaces.remove(userId).catch(() => {});
    await podman.volumes.remove(workspaceNames(userId).volume, { force: true }).catch(() => {});
    await t.close();
  });

  const newSession = async (name: string) => {
    const res = await t.app.request('/api/sessions', {
      method: 'POST',
      headers: { cookie, origin: PUBLIC_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    return ((await res.json()) as { session: { id: string } }).session.id;
  };
  /** An attached terminal, with everything it received so far. */
  const attach = async (sessionId: string) => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${server.address.port}/api/sessions/${sessionId}/terminal`,
      { headers: { origin: PUBLIC_ORIGIN, cookie } },
    );
    const got = { output: '', controls: [] as { type: string; state?: string }[] };
    ws.on('message', (data, binary) => {
      if (binary) got.output += data.toString();
      else got.controls.push(JSON.parse(data.toString()));
    });
    await eventually(() => expect(got.controls.map((c) => c.state)).toContain('attached'), {
      withinMs: 60_000,
    });
    return { ws, got };
  };
  const close = async (ws: WebSocket) => {
    ws.close();
    await once(ws, 'close');
  };
  /** Moves the fake clock in heartbeat-sized steps, letting the server act on each. */
  const pass = async (ms: number) => {
    for (let left = ms; left > 0; left -= HEARTBEAT_MS) {
      clock.advance(Math.min(HEARTBEAT_MS, left));
      await sleep(15);
    }
  };
  const decisionFor = async () => {
    const report = await t.sweep.run();
    const decision = report.decisions.find((d) => d.userId === userId);
    expect(decision).toBeDefined();
    return decision as NonNullable<typeof decision>;
  };
  const containerId = async () => (await t.workspaces.status(userId)).containerId;

  it('keeps a workspace whose terminal stays attached, untyped, for 25 h', async () => {
    const session = await newSession('agent');
    const { ws, got } = await attach(session);
    const before = await containerId();
    await pass(25 * HOUR_MS);
    const decision = await decisionFor();
    expect(decision).toMatchObject({ action: 'keep', rule: 'active', result: 'kept' });
    expect(await containerId()).toBe(before);
    const used = (await t.sessions.get(session)).lastActivityAt;
    expect(clock.now().getTime() - used.getTime()).toBeLessThanOrEqual(HEARTBEAT_MS);
    ws.send(Buffer.from('echo "still=$((20+22))"\r'));
    await eventually(() => expect(got.output).toContain('still=42'));
    await close(ws);
  });

  it('keeps it for a user who comes back after 25 h, before any keystroke', async () => {
    const session = await newSession('back');
    await close((await attach(session)).ws);
    const before = await containerId();
    await pass(25 * HOUR_MS);
    const { ws } = await attach(session);
    expect(await decisionFor()).toMatchObject({ action: 'keep', rule: 'active' });
    expect(await containerId()).toBe(before);
    await close(ws);
  });

  it('removes it 25 h after its terminals closed, with its own reason on the sessions', async () => {
    const session = await newSession('gone');
    await close((await attach(session)).ws);
    await pass(25 * HOUR_MS);
    // The event watcher sees the container die while the sweep removes it.
    const watcher = watchWorkspaces({
      workspaces: t.workspaces,
      sessions: t.sessions,
      clock,
      log: pino({ level: 'silent' }),
    });
    await watcher.subscribed;
    try {
      const decision = await decisionFor();
      expect(decision).toMatchObject({ action: 'remove', rule: 'idle', result: 'removed' });
      expect((await t.workspaces.status(userId)).state).toBe('absent');
      await sleep(500);
      const ended = (await t.sessions.listByUser(Number(userId), { includeDead: true })).filter(
        (s) => s.status === 'dead',
      );
      expect(ended.map((s) => s.endReason)).toEqual(
        ended.map(() => `workspace removed by cleanup: ${decision.reason}`),
      );
      expect(ended.map((s) => s.id)).toContain(session);
    } finally {
      watcher.stop();
    }
  });
});
