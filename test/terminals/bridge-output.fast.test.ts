import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { bridgeTerminal } from '../../src/terminals/bridge.js';
import type { Terminal } from '../../src/tmux/terminal.js';
import { eventually } from '../support/eventually.js';
import { createFakeClock } from '../support/fake-clock.js';
import { stubTerminal } from '../support/stub-terminal.js';
import { webSocketServer } from '../support/websocket-server.js';

/** A terminal whose output the test writes, chunk by chunk, once the bridge listens. */
function steered() {
  let write: ((chunk: Buffer) => void) | undefined;
  const terminal = stubTerminal({
    onData(listener) {
      write = listener;
    },
  });
  return {
    terminal,
    listening: () => write !== undefined,
    write: (...chunks: string[]) => {
      for (const chunk of chunks) write?.(Buffer.from(chunk));
    },
  };
}

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
  const clock = createFakeClock();
  let url = '';
  let server: Awaited<ReturnType<typeof webSocketServer>> | undefined;
  beforeAll(async () => {
    server = await webSocketServer((socket) =>
      bridgeTerminal(socket, Promise.resolve(next), { clock, spacingMs: 4 }),
    );
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

  it('sends output at once after a quiet moment, and output that streams at most every 4 ms', async () => {
    const output = steered();
    next = output.terminal;
    const client = new WebSocket(url);
    const messages: string[] = [];
    client.on('message', (data, binary) => binary && messages.push(data.toString()));
    await once(client, 'open');
    await eventually(() => expect(output.listening()).toBe(true));
    output.write('echo');
    await eventually(() => expect(messages).toEqual(['echo']));
    output.write('one ', 'two ');
    await new Promise((resolve) => setTimeout(resolve, 50));
    output.write('three');
    expect(messages).toEqual(['echo']);
    clock.advance(3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(messages).toEqual(['echo']);
    clock.advance(1);
    await eventually(() => expect(messages).toEqual(['echo', 'one two three']));
    clock.advance(10);
    output.write('typed');
    await eventually(() => expect(messages).toEqual(['echo', 'one two three', 'typed']));
    client.close();
    await once(client, 'close');
  });
});
