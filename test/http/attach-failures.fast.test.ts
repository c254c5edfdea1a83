import { once } from 'node:events';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { systemClock } from '../../src/clock/clock.js';
import { AppError } from '../../src/errors/app-error.js';
import { startServer } from '../../src/http/server.js';
import { createTestApp, PUBLIC_ORIGIN } from '../support/test-app.js';

type Line = { level: number; msg: string; code?: string; session?: string; err?: unknown };

describe('a terminal that could not be attached (in-memory workspaces)', () => {
  const lines: Line[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let server: Awaited<ReturnType<typeof startServer>>;
  let cookie = '';

  beforeAll(async () => {
    t = await createTestApp({
      clock: { ...systemClock, advance: () => {} },
      workspaces: 'memory',
      log,
    });
    server = await startServer(t.app, { host: '127.0.0.1', port: 0 });
    t.serveSockets(server.server, { keepaliveMs: 60_000 });
    await t.addUser('unlucky', 'correct horse battery');
    cookie = await t.login('unlucky', 'correct horse battery');
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  /** Opens a new session's terminal; resolves its id, control messages and close code. */
  async function attachOnce() {
    const res = await t.app.request('/api/sessions', {
      method: 'POST',
      headers: { cookie, origin: PUBLIC_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `try ${lines.length}` }),
    });
    const { session } = (await res.json()) as { session: { id: string } };
    const ws = new WebSocket(
      `ws://127.0.0.1:${server.address.port}/api/sessions/${session.id}/terminal`,
      {
        headers: { cookie, origin: PUBLIC_ORIGIN },
      },
    );
    const controls: { type: string; code?: string }[] = [];
    ws.on('message', (data, binary) => {
      if (!binary) controls.push(JSON.parse(data.toString()));
    });
    const [code] = (await once(ws, 'close')) as [number];
    return { id: session.id, controls, code };
  }

  it('tells the browser and the log what went wrong', async () => {
    t.memory?.failAttaches(
      new AppError('workspace.not_execable', 'the workspace takes no commands'),
    );
    const { id, controls } = await attachOnce();
    expect(controls.at(-1)).toMatchObject({ type: 'error', code: 'workspace.not_execable' });
    const logged = lines.filter((l) => l.msg === 'terminal not attached');
    expect(logged).toEqual([
      expect.objectContaining({ level: 40, code: 'workspace.not_execable', session: id }),
    ]);
    expect(JSON.stringify(logged[0]?.err)).toContain('the workspace takes no commands');
  });

  it('logs a bug once, as an error with its stack, and tells the browser only "internal"', async () => {
    lines.length = 0;
    t.memory?.failAttaches(new TypeError('a bug'));
    const { id, controls } = await attachOnce();
    expect(controls.at(-1)).toMatchObject({ type: 'error', code: 'internal' });
    const failed = lines.filter((l) => l.level >= 40);
    expect(failed).toEqual([
      expect.objectContaining({ level: 50, msg: 'terminal failed', session: id }),
    ]);
    expect(JSON.stringify(failed[0]?.err)).toContain('TypeError');
  });
});
