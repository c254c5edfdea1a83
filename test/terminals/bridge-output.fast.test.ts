import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { bridgeTerminal } from '../../src/terminals/bridge.js';
import type { Terminal } from '../../src/tmux/terminal.js';
import { stubTerminal } from '../support/stub-terminal.js';
import { webSocketServer } from '../support/websocket-server.js';

/** A terminal that, once the bridge listens, writes `chunks` in one go and then perhaps exits. */
function scripted(chunks: string[], exits: boolean): Terminal {
  let exit = () => {};
  return stubTerminal({
    onData(listener) {
      setImmediate(() => {
        for (const chunk of chunks) listener(Buffer.from(chunk));
        if (exits) exit();
      });
    },
    onExit(listener) {
      exit = listener;
    },
  });
}

describe("the bridge's output (in-memory terminals, real ws)", () => {
  let next: Terminal = scripted([], false);
  let url = '';
  let server: Awaited<ReturnType<typeof webSocketServer>> | undefined;
  beforeAll(async () => {
    server = await webSocketServer((socket) => bridgeTerminal(socket, Promise.resolve(next)));
    url = server.url;
  });
  afterAll(() => server?.close());

  /** The binary messages received until the socket closed (or `count` arrived). */
  async function received(count?: number) {
    const client = new WebSocket(url);
    const messages: string[] = [];
    const closed = once(client, 'close');
    await new Promise<void>((resolve) => {
      client.on('message', (data, binary) => {
        if (binary) messages.push(data.toString());
        if (messages.join('').length >= (count ?? Number.POSITIVE_INFINITY)) resolve();
      });
      client.on('close', () => resolve());
    });
    client.close();
    await closed;
    return messages;
  }

  it('sends the output of one read as one message, in order', async () => {
    next = scripted(['one ', 'two ', 'three'], false);
    expect(await received('one two three'.length)).toEqual(['one two three']);
  });

  it('sends the last output before the socket closes when the terminal ends at once', async () => {
    next = scripted(['last words', ' and more'], true);
    expect((await received()).join('')).toBe('last words and more');
  });
});
