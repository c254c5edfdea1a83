import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { systemClock } from '../../src/clock/clock.js';
import { AppError } from '../../src/errors/app-error.js';
import { type BridgeOptions, bridgeTerminal } from '../../src/terminals/bridge.js';
import type { Terminal } from '../../src/tmux/terminal.js';
import { stubTerminal } from '../support/stub-terminal.js';
import { webSocketServer } from '../support/websocket-server.js';

/** A terminal that takes everything and whose resizes fail, as a broken tmux client's would. */
const unresizable = (): Terminal =>
  stubTerminal({ resize: () => Promise.reject(new Error('tmux went away')) });

describe('what the bridge reports for counting (in-memory terminals, real ws)', () => {
  const told: string[] = [];
  let next: Promise<Terminal> = Promise.resolve(unresizable());
  const options: BridgeOptions = {
    clock: systemClock,
    onAttachFailed: (code) => told.push(`attach failed: ${code}`),
    onResizeFailed: () => told.push('resize failed'),
    onInternalError: () => {},
  };
  let url = '';
  let server: Awaited<ReturnType<typeof webSocketServer>> | undefined;
  beforeAll(async () => {
    server = await webSocketServer((socket) => bridgeTerminal(socket, next, options));
    url = server.url;
  });
  afterAll(() => server?.close());

  /** Connects; resolves the control messages once the socket has closed or `until` holds. */
  async function session(send: string[], until: (controls: { code?: string }[]) => boolean) {
    const client = new WebSocket(url);
    const controls: { code?: string }[] = [];
    const done = new Promise<void>((resolve) => {
      client.on('message', (data, binary) => {
        if (!binary) controls.push(JSON.parse(data.toString()));
        if (until(controls)) resolve();
      });
      client.on('close', () => resolve());
    });
    await once(client, 'open');
    for (const text of send) client.send(text);
    await done;
    client.close();
    return controls;
  }

  it.each([
    [new AppError('podman.unreachable', 'down'), 'attach failed: podman.unreachable'],
    [new Error('a bug'), 'attach failed: internal'],
  ])('reports a failed attach by the code the browser is told (%s)', async (error, expected) => {
    told.length = 0;
    next = Promise.reject(error);
    next.catch(() => {});
    const controls = await session([], () => false);
    expect(controls.at(-1)?.code).toBe(expected.split(': ')[1]);
    expect(told).toEqual([expected]);
  });

  it('reports a failed resize', async () => {
    told.length = 0;
    next = Promise.resolve(unresizable());
    const resize = JSON.stringify({ type: 'resize', cols: 100, rows: 30 });
    const controls = await session([resize], (c) => c.some((m) => m.code !== undefined));
    expect(controls).toContainEqual(expect.objectContaining({ code: 'terminal.resize_failed' }));
    expect(told).toEqual(['resize failed']);
  });
});
