import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer, type TerminalClient } from '../support/live-server.js';
import { realPodman } from '../support/podman.js';
import { rawConnection, sleep, upgradeRequest } from '../support/raw-http.js';

const podman = await realPodman();
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

/** Where a client cuts its upgrade short with a reset (RST, SO_LINGER 0). */
type Cut =
  | { at: 'request'; bytes: number }
  | { at: 'authorization'; afterMs: number }
  | { at: 'answer'; afterMs: number };
const resetCase = fc.record({
  loggedIn: fc.boolean(),
  ownSession: fc.boolean(),
  cut: fc.oneof(
    fc.record({ at: fc.constant('request' as const), bytes: fc.integer({ min: 0, max: 400 }) }),
    fc.record({
      at: fc.constant('authorization' as const),
      afterMs: fc.integer({ min: 0, max: 25 }),
    }),
    fc.record({ at: fc.constant('answer' as const), afterMs: fc.integer({ min: 0, max: 50 }) }),
  ),
});

describe.skipIf(!podman)('the real server under clients that reset their upgrades', () => {
  if (!podman) return;
  let server: LiveServer;
  let cookie = '';
  let sessionId = '';
  let watched: TerminalClient;

  beforeAll(async () => {
    server = await startLiveServer(podman, { users: ['resetter'] });
    cookie = await server.login('resetter');
    sessionId = await server.newSession(cookie, 'watched');
    watched = await server.terminal(cookie, sessionId);
    watched.type('echo "READY=$((40+2))"\r');
    await watched.waitFor(/READY=42/, 60_000);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function resetUpgrade(c: { loggedIn: boolean; ownSession: boolean; cut: Cut }) {
    const path = `/api/sessions/${c.ownSession ? sessionId : crypto.randomUUID()}/terminal`;
    const request = upgradeRequest(path, {
      origin: server.origin,
      cookie: c.loggedIn ? cookie : undefined,
      port: server.port,
    });
    const socket = await rawConnection(server.port);
    if (c.cut.at === 'request') {
      socket.write(request.subarray(0, Math.min(c.cut.bytes, request.length - 1)));
    } else {
      socket.write(request);
      if (c.cut.at === 'answer')
        await new Promise((resolve) => {
          socket.once('data', resolve);
          socket.once('close', resolve);
        });
    }
    await sleep(c.cut.at === 'request' ? 0 : c.cut.afterMs);
    socket.resetAndDestroy();
  }

  it('answers /healthz from the same process afterwards, and a terminal opened before still echoes', async () => {
    const pid = server.child().pid;
    const cases = fc.sample(resetCase, { seed: SEED, numRuns: 100 });
    for (let i = 0; i < cases.length; i += 10) {
      await Promise.all(cases.slice(i, i + 10).map(resetUpgrade));
    }
    const cuts = new Set(cases.map((c) => `${c.cut.at}:${c.loggedIn}`));
    expect(cuts.size, `seed ${SEED}: every kind of cut, with and without a login`).toBe(6);

    await sleep(500);
    expect(server.child().exitCode, `seed ${SEED}`).toBeNull();
    expect(server.child().pid).toBe(pid);
    const health = await fetch(`${server.origin}/healthz`);
    expect(health.status).toBe(200);
    watched.type('echo "AFTER=$((6*7))"\r');
    await watched.waitFor(/AFTER=42/);
  });
});
