import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type LiveServer, startLiveServer } from '../support/live-server.js';
import { realPodman } from '../support/podman.js';
import { growingText } from '../support/screen.js';

const podman = await realPodman();

describe.skipIf(!podman)('compression of terminal output (permessage-deflate)', () => {
  if (!podman) return;
  let server: LiveServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  /** A terminal opened as browsers do: offering permessage-deflate. */
  async function browserLikeTerminal(env: Record<string, string>) {
    server = await startLiveServer(podman as NonNullable<typeof podman>, {
      users: ['squeezer'],
      env,
    });
    const cookie = await server.login('squeezer');
    const session = await server.newSession(cookie, 'zipped');
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/sessions/${session}/terminal`, {
      headers: { cookie, origin: server.origin },
      perMessageDeflate: true,
    });
    const screen = growingText(200_000);
    ws.on('message', (data, binary) => binary && screen.append(data.toString()));
    await once(ws, 'open');
    return { ws, screen };
  }

  it('is accepted, and big output arrives whole through it', async () => {
    const { ws, screen } = await browserLikeTerminal({});
    expect(ws.extensions).toMatch(/^permessage-deflate/);
    ws.send(Buffer.from('seq 1 30000 | tail -n 3; echo "END-$((20+3))"\r'));
    await screen.waitFor(/29999\r\n30000\r\nEND-23/, 60_000);
    ws.close();
  }, 120_000);

  it('is declined with TERMINAL_DEFLATE_THRESHOLD=none', async () => {
    const { ws, screen } = await browserLikeTerminal({ TERMINAL_DEFLATE_THRESHOLD: 'none' });
    expect(ws.extensions).toBe('');
    ws.send(Buffer.from('echo "PLAIN-$((40+2))"\r'));
    await screen.waitFor(/PLAIN-42/, 60_000);
    ws.close();
  }, 120_000);
});
