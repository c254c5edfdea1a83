import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestsInTurns } from '../../src/http/request-turns.js';
import { startServer } from '../../src/http/server.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));
const fake = (n: number) => [{ n } as unknown as IncomingMessage, {} as ServerResponse] as const;

/** 100 connections, then one request on each, written in one go; prints how many got "ok". */
const BURST = `
const net = require('node:net');
const port = Number(process.argv[1]);
const sockets = Array.from({ length: 100 }, () => net.connect(port, '127.0.0.1'));
let connected = 0, ok = 0, done = 0;
for (const s of sockets) {
  let text = '';
  s.on('data', (d) => { text += d; });
  s.on('end', () => { if (text.endsWith('ok')) ok++; if (++done === 100) console.log(ok + ' ok'); });
  s.on('connect', () => {
    if (++connected < 100) return;
    for (const t of sockets) t.write('GET / HTTP/1.1\\r\\nHost: test\\r\\nConnection: close\\r\\n\\r\\n');
  });
}
`;

describe('requests in turns', () => {
  it('starts the requests that came together one per event-loop turn, in order', async () => {
    const started: number[] = [];
    const listener = requestsInTurns((request) => {
      started.push((request as unknown as { n: number }).n);
    });
    for (const n of [1, 2, 3]) listener(...fake(n));
    expect(started).toEqual([]);
    await turn();
    expect(started).toEqual([1]);
    await turn();
    expect(started).toEqual([1, 2]);
    listener(...fake(4));
    await turn();
    await turn();
    expect(started).toEqual([1, 2, 3, 4]);
    await turn();
    listener(...fake(5));
    await turn();
    expect(started).toEqual([1, 2, 3, 4, 5]);
  });

  it('serves other sockets between the starts of a burst of 100 requests', async () => {
    let turns = 0;
    const starts: number[] = [];
    const app = new Hono().get('/', (c) => {
      starts.push(turns);
      return c.text('ok');
    });
    const running = await startServer(app, { host: '127.0.0.1', port: 0 });
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    tick();
    try {
      // From another process, connected first, then all written at once: they reach the
      // server together, as a burst from other machines does.
      const client = spawn(process.execPath, ['-e', BURST, String(running.address.port)]);
      let out = '';
      client.stdout.on('data', (chunk) => {
        out += chunk;
      });
      await once(client, 'exit');
      expect(out.trim()).toBe('100 ok');
      // No two requests started in the same turn of the event loop.
      expect(new Set(starts).size).toBe(100);
    } finally {
      ticking = false;
      await running.close();
    }
  });
});
