/**
 * Terminal paths measured in one run on one machine, for both attach drivers beside raw
 * `podman exec`: time for `cat` of a 100 MB file to finish behind a WebSocket client,
 * keystroke echo latency (p50/p99), and host memory per attached idle terminal.
 * Run as root after test/harness/provision-host.sh:  node --import tsx bench/terminals.ts
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
import { systemClock } from '../src/clock/clock.js';
import { deflateOptions } from '../src/http/terminal-socket.js';
import { workspaceNames } from '../src/naming/workspace-names.js';
import { createPodmanClient } from '../src/podman/client.js';
import { bridgeTerminal } from '../src/terminals/bridge.js';
import { type AttachToContainer, createAttach } from '../src/workspaces/attach-driver.js';
import { createLibpodDriver } from '../src/workspaces/libpod-driver.js';
import { quantile } from './quantile.js';
import { rawPodmanExec } from './raw-exec.js';

const socketPath =
  process.env.PODMAN_SOCKET ??
  `/run/user/${(await promisify(execFile)('id', ['-u', 'claude-web-test'])).stdout.trim()}/podman/podman.sock`;
const podman = createPodmanClient({ socketPath });
const workspaces = createLibpodDriver({
  podman,
  clock: systemClock,
  settings: {
    image: 'localhost/claude-web-workspace:latest',
    stopTimeoutSeconds: 1,
    sudo: true,
    home: '/home/developer',
    uid: 1000,
    gid: 1000,
  },
});
const userId = 'benchterm';
const { container } = workspaceNames(userId);
const MB = 1_000_000;

/** Sum of resident memory of every process on the host, in kB. */
function hostRssKb(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {}
  }
  return total;
}

/** A WebSocket server bridging to `driver`, and a client; resolves the client and its output. */
async function wsTerminal(driver: AttachToContainer, deflate = false) {
  const http = createServer();
  // The server's own compression settings, as a browser (which always offers it) gets them.
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: deflate ? deflateOptions(1024) : false,
  });
  wss.on('connection', (ws) =>
    bridgeTerminal(
      ws,
      driver(container, { session: randomUUID(), size: { rows: 40, cols: 120 } }),
      { clock: systemClock },
    ),
  );
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    perMessageDeflate: deflate,
  });
  let tail = '';
  const waiters: (() => void)[] = [];
  client.on('message', (data, binary) => {
    if (!binary) return;
    tail = (tail + data.toString()).slice(-4096);
    for (const w of waiters.splice(0)) w();
  });
  await once(client, 'open');
  const waitFor = async (text: string) => {
    while (!tail.includes(text)) await new Promise<void>((r) => waiters.push(r));
    tail = '';
  };
  const reset = () => {
    tail = '';
  };
  const close = () => {
    client.close();
    wss.close();
    http.close();
  };
  return { client, waitFor, reset, close };
}

async function catThroughput(driver: AttachToContainer, deflate = false): Promise<number> {
  const t = await wsTerminal(driver, deflate);
  t.client.send(Buffer.from('echo READY-$((1+1))\r'));
  await t.waitFor('READY-2');
  const start = performance.now();
  t.client.send(Buffer.from('cat ~/big; echo DONE-$((2+2))\r'));
  await t.waitFor('DONE-4');
  const seconds = (performance.now() - start) / 1000;
  t.close();
  return 100 / seconds;
}

/**
 * Pairs of `cat` without and with permessage-deflate, each pair in the other order than the
 * one before: on two shared cores one pair alone says little, and three gave 0.99-1.23x.
 */
const DEFLATE_PAIRS = 9;

async function deflateCost(driver: AttachToContainer) {
  const plain: number[] = [];
  const deflated: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < DEFLATE_PAIRS; i++) {
    const deflateFirst = i % 2 === 1;
    const first = await catThroughput(driver, deflateFirst);
    const second = await catThroughput(driver, !deflateFirst);
    const [without, withIt] = deflateFirst ? [second, first] : [first, second];
    plain.push(without);
    deflated.push(withIt);
    ratios.push(without / withIt);
  }
  const median = (values: number[]) => quantile(values, 0.5);
  return { plain: median(plain), deflated: median(deflated), ratio: median(ratios) };
}

/**
 * Each sample clears the line (Ctrl-U), lets that output settle, then times one `x` from
 * the client's send to its echo arriving back, so no earlier output can be taken for it.
 */
async function echoLatency(driver: AttachToContainer, samples = 200): Promise<number[]> {
  const t = await wsTerminal(driver);
  t.client.send(Buffer.from('echo READY-$((1+1))\r'));
  await t.waitFor('READY-2');
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    t.client.send(Buffer.from('\x15'));
    await new Promise((r) => setTimeout(r, 20));
    t.reset();
    const start = performance.now();
    t.client.send(Buffer.from('x'));
    await t.waitFor('x');
    times.push(performance.now() - start);
  }
  t.close();
  return times.sort((a, b) => a - b);
}

async function memoryPerTerminal(driver: AttachToContainer, count = 10): Promise<number> {
  const before = hostRssKb();
  const terminals = await Promise.all(
    Array.from({ length: count }, () =>
      driver(container, { session: randomUUID(), size: { rows: 24, cols: 80 } }),
    ),
  );
  await new Promise((r) => setTimeout(r, 2_000));
  const after = hostRssKb();
  for (const t of terminals) t.close();
  await new Promise((r) => setTimeout(r, 1_000));
  return (after - before) / count / 1024;
}

/** Echo through a bare `podman exec -it … sh` in a local pty: no tmux, no WebSocket. */
async function rawEchoLatency(samples = 200): Promise<number[]> {
  const pty = rawPodmanExec(socketPath, container, ['sh']);
  let tail = '';
  let wake = () => {};
  pty.onData((d) => {
    tail += d;
    wake();
  });
  const waitFor = async (text: string) => {
    while (!tail.includes(text)) await new Promise<void>((r) => (wake = r));
  };
  pty.write('echo READY-$((1+1))\r');
  await waitFor('READY-2');
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    pty.write('\x15');
    await new Promise((r) => setTimeout(r, 20));
    tail = '';
    const start = performance.now();
    pty.write('x');
    await waitFor('x');
    times.push(performance.now() - start);
  }
  pty.kill();
  return times.sort((a, b) => a - b);
}

async function rawExec(): Promise<{ mbps: number; memMb: number }> {
  const start = performance.now();
  await promisify(execFile)(
    'podman',
    ['--remote', '--url', `unix://${socketPath}`, 'exec', container, 'cat', '/home/developer/big'],
    { maxBuffer: 200 * MB, encoding: 'buffer' },
  );
  const mbps = 100 / ((performance.now() - start) / 1000);
  const before = hostRssKb();
  const clients = Array.from({ length: 10 }, () =>
    spawn(
      'podman',
      ['--remote', '--url', `unix://${socketPath}`, 'exec', '-i', container, 'sleep', '30'],
      { stdio: 'pipe' },
    ),
  );
  await new Promise((r) => setTimeout(r, 3_000));
  const memMb = (hostRssKb() - before) / 10 / 1024;
  for (const c of clients) c.kill('SIGKILL');
  return { mbps, memMb };
}

try {
  await workspaces.ensure(userId);
  await podman.exec.run(
    container,
    ['sh', '-c', 'head -c 100000000 /dev/zero | tr "\\0" a | fold -w 99 > ~/big'],
    { user: 'developer' },
  );
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const rows: string[][] = [];
  let deflated = { plain: Number.NaN, deflated: Number.NaN, ratio: Number.NaN };
  for (const kind of ['exec', 'pty'] as const) {
    const driver = createAttach({
      kind,
      podman,
      podmanBinary: 'podman',
      env,
      clock: systemClock,
      scrollbackLines: 10_000,
    });
    const mbps = await catThroughput(driver);
    if (kind === 'exec') deflated = await deflateCost(driver);
    const latency = await echoLatency(driver);
    const mem = await memoryPerTerminal(driver);
    rows.push([
      `${kind} driver (WebSocket, tmux)`,
      mbps.toFixed(1),
      quantile(latency, 0.5).toFixed(1),
      quantile(latency, 0.99).toFixed(1),
      mem.toFixed(1),
    ]);
  }
  const raw = await rawExec();
  const rawEcho = await rawEchoLatency();
  rows.push([
    'raw podman exec (no tmux, no WebSocket)',
    raw.mbps.toFixed(1),
    quantile(rawEcho, 0.5).toFixed(1),
    quantile(rawEcho, 0.99).toFixed(1),
    raw.memMb.toFixed(1),
  ]);
  const header = [
    'path',
    'cat 100 MB (MB/s)',
    'echo p50 (ms)',
    'echo p99 (ms)',
    'host MB per idle terminal',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const r of [header, ...rows])
    console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
  console.log('\nmedian ratios to raw podman exec (throughput, echo p50, memory):');
  for (const r of rows.slice(0, 2)) {
    const ratio = (a: string | undefined, b: string | number) => (Number(a) / Number(b)).toFixed(2);
    console.log(
      `  ${r[0]}: ${ratio(r[1], raw.mbps)}x, ${ratio(r[2], quantile(rawEcho, 0.5).toFixed(1))}x, ${ratio(r[4], raw.memMb)}x`,
    );
  }
  console.log(
    `\ncat 100 MB, exec driver, ${DEFLATE_PAIRS} pairs: with permessage-deflate ${deflated.deflated.toFixed(1)} MB/s, ` +
      `without ${deflated.plain.toFixed(1)} MB/s (medians): ${deflated.ratio.toFixed(2)}x the time (median of the pairs' ratios)`,
  );
} finally {
  await workspaces.remove(userId).catch(() => {});
  await podman.volumes.remove(workspaceNames(userId).volume, { force: true }).catch(() => {});
  await podman.close();
}
