import { once } from 'node:events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { statusByCode } from '../../src/http/errors.js';
import { CLOSE, PROTOCOL_ERROR_CODES } from '../../src/terminals/protocol.js';
import {
  type As,
  type ConnectCase,
  type FrameCase,
  type FuzzCase,
  frame,
  type HttpCase,
  httpCase,
  origin,
  raw,
  segment,
  as as someone,
  userRef,
} from '../support/fuzz-cases.js';
import { type LiveServer, startLiveServer, type TerminalClient } from '../support/live-server.js';
import { realPodman } from '../support/podman.js';
import { parseResponses, rawExchange } from '../support/raw-http.js';

const podman = await realPodman();
/** Replay a failure with FUZZ_SEED=<seed> and the path fast-check prints beside it. */
const SEED = Number(process.env.FUZZ_SEED ?? 424242);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

const documented = new Set([...Object.keys(statusByCode), 'internal']);
const closeCodes = new Set<number>([
  CLOSE.protocolError,
  CLOSE.invalidText,
  CLOSE.tooLarge,
  CLOSE.terminalEnded,
]);

let serverErrors = () => '';
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

function expectDocumentedError(status: number, contentType: string | null, text: string) {
  expect(status, `${text}\n${serverErrors()}`).toBeLessThan(500);
  if (status < 400) return;
  expect(contentType ?? '', text).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(documented, text).toContain(body.error?.code);
  expect(typeof body.error?.message).toBe('string');
}

describe.skipIf(!podman)('fuzzing every route and the terminal protocol of the real server', () => {
  if (!podman) return;
  let server: LiveServer;
  const cookies: Record<As, string> = { nobody: '', user: '', admin: '', garbage: '' };
  let sessionId = '';
  let terminal: TerminalClient | undefined;
  let pings = 0;

  beforeAll(async () => {
    server = await startLiveServer(podman, {
      users: ['fuzzadmin', 'fuzzuser', 'nocontainer'],
      admins: ['fuzzadmin'],
      inspect: true,
    });
    serverErrors = server.errors;
    cookies.user = await server.login('fuzzuser');
    cookies.admin = await server.login('fuzzadmin');
    cookies.garbage = 'claude_web_session=%ZZ\u00ff; other=1';
    sessionId = await server.newSession(cookies.user, 'fuzzed');
  }, 180_000);
  afterAll(async () => {
    await server?.close();
  });

  const headers = (c: { as: As; origin: HttpCase['origin'] }) => ({
    ...(cookies[c.as] ? { cookie: cookies[c.as] } : {}),
    ...(c.origin === 'none'
      ? {}
      : { origin: c.origin === 'same' ? server.origin : 'https://evil.example' }),
  });

  async function http(c: HttpCase) {
    const res = await fetch(`${server.origin}${c.path}${c.query}`, {
      method: c.method,
      headers: { ...headers(c), ...(c.contentType ? { 'content-type': c.contentType } : {}) },
      body: c.body,
      redirect: 'manual',
    });
    const text = await res.text();
    if (c.method !== 'HEAD')
      expectDocumentedError(res.status, res.headers.get('content-type'), text);
    else expect(res.status, serverErrors()).toBeLessThan(500);
  }

  async function rawRequest(bytes: Uint8Array) {
    const answer = await rawExchange(server.port, Buffer.from(bytes), 3_000);
    for (const { status, headers, body } of parseResponses(answer)) {
      if (status >= 400 && body !== '')
        expectDocumentedError(status, headers['content-type'] ?? null, body);
      else expect(status).toBeLessThan(500);
    }
  }

  /** The fuzzed session's terminal, (re)attached with its input going to a sink. */
  async function attached(): Promise<TerminalClient> {
    if (terminal) return terminal;
    const opened = await server.terminal(cookies.user, sessionId);
    // Whatever arrives from now on is read by cat, in raw mode: no signal, no shell.
    opened.type('stty raw -echo; exec cat > /dev/null\r');
    terminal = opened;
    void opened.closed.then(() => {
      if (terminal === opened) terminal = undefined;
    });
    return opened;
  }

  async function sendFrame(f: FrameCase) {
    const t = await attached();
    const seen = t.controls.length;
    const id = ++pings;
    t.ws.send(f.data, { binary: f.binary });
    t.ws.send(JSON.stringify({ type: 'ping', id }));
    const pong = new Promise<void>((resolve) => {
      const check = () => {
        if (!t.controls.some((m) => m.type === 'pong' && m.id === id)) return;
        t.ws.off('message', check);
        resolve();
      };
      t.ws.on('message', check);
    });
    const outcome = await Promise.race([pong.then(() => 'pong' as const), t.closed]);
    if (outcome !== 'pong') expect(closeCodes, `closed with ${outcome}`).toContain(outcome);
    for (const m of t.controls.slice(seen).filter((m) => m.type === 'error'))
      expect(PROTOCOL_ERROR_CODES as readonly unknown[]).toContain(m.code);
  }

  async function connect(c: ConnectCase) {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${c.path}`, { headers: headers(c) });
    ws.on('error', () => {});
    const [event, res] = await Promise.race([
      once(ws, 'open').then(() => ['open'] as const),
      once(ws, 'unexpected-response').then(([, r]) => ['refused', r] as const),
      once(ws, 'close').then(() => ['closed'] as const),
    ]);
    if (event === 'refused') {
      const answer = res as import('node:http').IncomingMessage;
      let text = '';
      for await (const chunk of answer) text += chunk;
      expectDocumentedError(answer.statusCode ?? 0, answer.headers['content-type'] ?? null, text);
    }
    ws.terminate();
  }

  const check = (c: FuzzCase) =>
    c.kind === 'http'
      ? http(c)
      : c.kind === 'raw'
        ? rawRequest(c.bytes)
        : c.kind === 'frame'
          ? sendFrame(c)
          : connect(c);

  function cases(): fc.Arbitrary<FuzzCase> {
    const id = fc.oneof(segment, fc.constant(sessionId));
    const removable = userRef(['nocontainer']);
    const route = fc.oneof(
      fc.constantFrom(
        { path: '/healthz' },
        { path: '/readyz' },
        { path: '/metrics' },
        { path: '/' },
        { path: '/admin' },
        { path: '/app.js' },
        { method: 'POST', path: '/api/login' },
        { method: 'POST', path: '/api/logout' },
        { path: '/api/me' },
        { path: '/api/sessions' },
        { method: 'POST', path: '/api/sessions' },
        { path: '/api/admin/containers' },
        { path: '/api/admin/volumes' },
        { path: '/api/admin/cleanup' },
        { method: 'POST', path: '/api/admin/cleanup/run' },
        { path: '/api/admin/sessions' },
        { path: '/api/admin/users' },
        { method: 'POST', path: '/api/admin/users' },
      ),
      segment.map((s) => ({ path: `/${s}` })),
      segment.map((s) => ({ path: `/api/${s}` })),
      id.map((s) => ({ method: 'PATCH', path: `/api/sessions/${s}` })),
      segment.map((s) => ({ method: 'DELETE', path: `/api/sessions/${s}` })),
      segment.map((s) => ({ path: `/api/sessions/${s}/terminal` })),
      userRef(['nocontainer', 'fuzzuser']).map((u) => ({ path: `/api/admin/logs/${u}` })),
      removable.map((u) => ({ method: 'DELETE', path: `/api/admin/containers/${u}` })),
      removable.map((u) => ({ method: 'POST', path: `/api/admin/containers/${u}/upgrade` })),
      removable.map((u) => ({ method: 'DELETE', path: `/api/admin/volumes/${u}` })),
      removable.map((u) => ({ method: 'POST', path: `/api/admin/users/${u}/disable` })),
    );
    const http = httpCase(route).filter((c) => !actsBeyond(c, sessionId));
    const connect = fc
      .record({
        id,
        as: someone,
        origin,
        query: fc.constantFrom('', '?cols=0&rows=9999', '?cols=%ZZ'),
      })
      .map(
        ({ id, query, ...c }): ConnectCase => ({
          kind: 'connect',
          path: `/api/sessions/${id}/terminal${query}`,
          ...c,
        }),
      );
    return fc.oneof(
      { arbitrary: http, weight: 60 },
      { arbitrary: raw, weight: 10 },
      { arbitrary: frame, weight: 25 },
      { arbitrary: connect, weight: 5 },
    );
  }

  it(`${RUNS} cases: no answer ≥ 500, every error the documented JSON, the same process, memory back within 20 %`, async () => {
    const pid = server.child().pid;
    await fc.assert(fc.asyncProperty(cases(), check), { seed: SEED + 1, numRuns: 500 });
    await server.collectGarbage();
    const before = server.rssBytes();
    await fc.assert(fc.asyncProperty(cases(), check), { seed: SEED, numRuns: RUNS });
    await server.collectGarbage();
    const after = server.rssBytes();
    console.info(`fuzz seed ${SEED}: ${RUNS} cases; server RSS ${mib(before)} → ${mib(after)} MiB`);
    expect(server.child().exitCode).toBeNull();
    expect(server.child().pid).toBe(pid);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    expect(after, `RSS ${before} → ${after} bytes`).toBeLessThanOrEqual(before * 1.2);
  }, 1_200_000);
});

/**
 * Requests that would act beyond this test: a real cleanup run, pruning or upgrading all acts on every
 * workspace of the shared test Podman, other tests' included; a logout or closing the
 * fuzzed session would end what the fuzzer itself uses. Their bad-input forms are sent.
 */
function actsBeyond(c: HttpCase, sessionId: string): boolean {
  if (c.method === 'DELETE') return c.path.includes(sessionId);
  if (c.method !== 'POST') return false;
  if (c.path === '/api/admin/containers/prune') return true;
  if (c.path === '/api/admin/containers/upgrade') return true;
  if (c.path === '/api/logout') return c.as === 'user' || c.as === 'admin';
  if (c.path !== '/api/admin/cleanup/run') return false;
  const text = new TextDecoder().decode(c.body ?? new Uint8Array());
  if (text.trim() === '') return true;
  try {
    const parsed = JSON.parse(text) as { dryRun?: unknown } | null;
    const object = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    return object && (parsed.dryRun === undefined || parsed.dryRun === false);
  } catch {
    return false;
  }
}
