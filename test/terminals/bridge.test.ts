import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { systemClock } from '../../src/clock/clock.js';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { type Bridge, bridgeTerminal } from '../../src/terminals/bridge.js';
import { CLOSE, MAX_INPUT_BYTES } from '../../src/terminals/protocol.js';
import type { Terminal } from '../../src/tmux/terminal.js';
import { TMUX_SOCKET } from '../../src/tmux/tmux.js';
import { eventually } from '../support/eventually.js';
import { realPodman, testWorkspaces } from '../support/podman.js';

const podman = await realPodman();

describe.skipIf(!podman)('a terminal over a WebSocket (real ws, real workspace)', () => {
  if (!podman) return;
  const userId = `t${randomBytes(3).toString('hex')}ws`;
  const { container, volume } = workspaceNames(userId);
  const workspaces = testWorkspaces(podman);
  const http = createServer();
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_INPUT_BYTES });
  const opened: {
    session: string;
    bridge: Bridge;
    pauses: number;
    pausesTold: number;
    errors: Error[];
  }[] = [];
  let url = '';

  beforeAll(async () => {
    await workspaces.ensure(userId);
    wss.on('connection', (socket, req) => {
      const session = randomUUID();
      const query = new URL(req.url ?? '/', 'http://test').searchParams;
      const size = { cols: Number(query.get('cols') ?? 80), rows: Number(query.get('rows') ?? 24) };
      const entry = {
        session,
        bridge: undefined as unknown as Bridge,
        pauses: 0,
        pausesTold: 0,
        errors: [] as Error[],
      };
      // The real terminal, counting the pauses the bridge asks for.
      const attaching = workspaces.attach(userId, { session, size }).then(
        (terminal): Terminal => ({
          ...terminal,
          pause: () => {
            entry.pauses++;
            terminal.pause();
          },
        }),
      );
      entry.bridge = bridgeTerminal(socket, attaching, {
        clock: systemClock,
        highWaterBytes: 256 * 1024,
        lowWaterBytes: 64 * 1024,
        onError: (error) => entry.errors.push(error),
        onPaused: () => entry.pausesTold++,
      });
      opened.push(entry);
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    wss.close();
    http.close();
    await workspaces.remove(userId);
    await podman.volumes.remove(volume, { force: true }).catch(() => {});
  });

  async function connect(query = '') {
    const client = new WebSocket(`${url}/${query}`);
    let output = '';
    const controls: Record<string, unknown>[] = [];
    client.on('message', (data, isBinary) => {
      if (isBinary) output += data.toString();
      else controls.push(JSON.parse(data.toString()));
    });
    await once(client, 'open');
    const until = (check: () => boolean, what: string, timeoutMs = 20_000) =>
      eventually(
        () => {
          if (!check())
            throw new Error(`no ${what}; output ends ${JSON.stringify(output.slice(-300))}`);
        },
        { withinMs: timeoutMs, everyMs: 25 },
      );
    return { client, output: () => output, controls, until };
  }

  it('carries keystrokes in and output back', async () => {
    const c = await connect();
    c.client.send(Buffer.from('echo "R=$((6*7))"\r'));
    await c.until(() => c.output().includes('R=42'), 'R=42');
    c.client.close();
  });

  it('answers bad control messages with an error and keeps serving', async () => {
    const c = await connect();
    c.client.send('not json');
    c.client.send(JSON.stringify({ type: 'resize', cols: 10_000, rows: 24 }));
    c.client.send(JSON.stringify({ type: 'ping', id: 3 }));
    await c.until(() => c.controls.length >= 3, 'three answers');
    expect(c.controls.map((m) => m.code ?? m.type)).toEqual([
      'protocol.malformed',
      'protocol.invalid_resize',
      'pong',
    ]);
    c.client.send(Buffer.from('echo "STILL=$((1+1))"\r'));
    await c.until(() => c.output().includes('STILL=2'), 'output after bad messages');
    c.client.close();
  });

  it('closes an oversized frame with 1009 and keeps serving others', async () => {
    const c = await connect();
    const closed = once(c.client, 'close');
    c.client.send(Buffer.alloc(MAX_INPUT_BYTES + 1));
    const [code] = await closed;
    expect(code).toBe(CLOSE.tooLarge);
    expect(opened.at(-1)?.errors.map((e) => (e as { code?: string }).code)).toEqual([
      'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
    ]);
    const other = await connect();
    other.client.send(Buffer.from('echo "OK=$((2+2))"\r'));
    await other.until(() => other.output().includes('OK=4'), 'another client served');
    other.client.close();
  });

  it('pauses the terminal while the browser is not reading, and catches up after', async () => {
    // The loopback's socket buffers absorb megabytes before the browser's stall is felt
    // here: a flood of long lines fills them fast, even on a busy machine.
    const c = await connect('?cols=1000&rows=300');
    c.client.send(Buffer.from('yes "$(seq -s . 1 400)"\r'));
    await c.until(() => c.output().length > 10_000, 'the flood to start');
    c.client.pause();
    const entry = opened.at(-1);
    if (!entry) throw new Error('no server side');
    await c.until(() => entry.pauses > 0, 'the terminal to be paused', 45_000);
    expect(entry.pausesTold).toBe(entry.pauses);
    await new Promise((r) => setTimeout(r, 1_000));
    // Bounded: the high-water mark plus what was in flight when it was crossed.
    expect(entry.bridge.queuedBytes()).toBeLessThan(256 * 1024 + 128 * 1024);
    c.client.send(Buffer.from('\x03'));
    c.client.resume();
    c.client.send(Buffer.from('echo "FLOOD=$((5+5))"\r'));
    await c.until(() => c.output().includes('FLOOD=10'), 'the prompt after the flood', 60_000);
    c.client.close();
  }, 120_000);

  it('detaches the terminal when the socket closes; the session lives on', async () => {
    const c = await connect();
    c.client.send(Buffer.from('echo "HERE=$((3*3))"\r'));
    await c.until(() => c.output().includes('HERE=9'), 'HERE=9');
    const session = opened.at(-1)?.session ?? '';
    c.client.close();
    await once(c.client, 'close');
    const lives = await podman.exec.run(
      container,
      ['tmux', '-L', TMUX_SOCKET, 'has-session', '-t', session],
      {
        user: 'developer',
      },
    );
    expect(lives.exitCode).toBe(0);
  });
});
