import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { type LiveServer, startLiveServer, type TerminalClient } from '../support/live-server.js';
import { realPodman } from '../support/podman.js';
import {
  freezeTestPodmanService,
  killTestPodmanService,
  startTestPodmanService,
  thawTestPodmanService,
} from '../support/podman-service.js';

const podman = await realPodman();
const USERS = ['outage0', 'outage1'];
const PER_USER = 2;

describe.skipIf(!podman)('an outage of the Podman API service', () => {
  if (!podman) return;
  let server: LiveServer;

  beforeAll(async () => {
    server = await startLiveServer(podman, { users: USERS, env: { PODMAN_ANSWER_TIMEOUT: '3' } });
  });
  afterAll(async () => {
    // Whatever happened, the next tests find the service running.
    try {
      await thawTestPodmanService().catch(() => {});
      await startTestPodmanService();
    } finally {
      await server?.close();
    }
  });

  const readyz = async () => {
    const res = await fetch(`${server.origin}/readyz`);
    return {
      status: res.status,
      body: (await res.json()) as { checks: { name: string; ok: boolean }[] },
    };
  };

  it('is told to open terminals and on /readyz, and every user gets back in after it', async () => {
    const made: { cookie: string; id: string; mark: string }[] = [];
    for (const [u, user] of USERS.entries()) {
      const cookie = await server.login(user);
      for (let s = 0; s < PER_USER; s++)
        made.push({ cookie, id: await server.newSession(cookie, `s${s}`), mark: `o${u}s${s}` });
    }
    const terminals: TerminalClient[] = [];
    for (const { cookie, id, mark } of made) {
      const terminal = await server.terminal(cookie, id);
      terminal.type(`export MARK=${mark}; echo "SET=$MARK"\r`);
      await terminal.waitFor(new RegExp(`SET=${mark}`), 120_000);
      terminals.push(terminal);
    }

    await killTestPodmanService();
    // The open terminals end with the service (their streams went through it) ...
    await Promise.all(terminals.map((t) => t.closed));
    // ... and one opened meanwhile says why, as does /readyz.
    const [first] = made;
    if (!first) throw new Error('no session');
    const meanwhile = await server.terminal(first.cookie, first.id);
    await eventually(() =>
      expect(meanwhile.controls).toContainEqual(
        expect.objectContaining({ type: 'error', code: 'podman.unreachable' }),
      ),
    );
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.checks).toContainEqual(expect.objectContaining({ name: 'podman', ok: false }));
    // ... and /metrics counts the outage and the attach it failed.
    const metrics = await (await fetch(`${server.origin}/metrics`)).text();
    expect(metrics).toMatch(/^claude_web_runtime_outages_total [1-9]\d*$/m);
    expect(metrics).toMatch(
      /^claude_web_attach_failures_total\{code="podman.unreachable"\} [1-9]/m,
    );

    await startTestPodmanService();
    // No restart of claude-web: each session comes back with its shell as it was.
    await eventually(async () => expect((await readyz()).status).toBe(200), { withinMs: 30_000 });
    for (const { cookie, id, mark } of made) {
      const again = await server.terminal(cookie, id);
      again.type(`echo "GOT=$MARK"\r`);
      await again.waitFor(new RegExp(`GOT=${mark}`), 60_000);
      again.ws.close();
    }
  }, 300_000);

  it('is told to open terminals when the service is stuck, and they go on when it does', async () => {
    const cookie = await server.login(USERS[0] ?? '');
    const id = await server.newSession(cookie, 'stuck');
    const open = await server.terminal(cookie, id);
    open.type('export MARK=stuck; echo "SET=$MARK"\r');
    await open.waitFor(/SET=stuck/, 120_000);
    const told = (terminal: TerminalClient, message: RegExp) =>
      eventually(
        () =>
          expect(terminal.controls).toContainEqual(
            expect.objectContaining({
              type: 'error',
              code: 'podman.unreachable',
              message: expect.stringMatching(message),
            }),
          ),
        { withinMs: 40_000 },
      );

    // Stopped, not dead: its socket takes connections and nothing answers.
    freezeTestPodmanService();
    try {
      // The open terminal is told, and stays open ...
      await told(open, /Podman is not answering/);
      open.type('echo "DURING=$MARK"\r');
      // ... an attach meanwhile fails within the answer bound (3 s), not undici's 5 minutes ...
      const meanwhile = await server.terminal(cookie, id);
      await told(meanwhile, /did not answer .* within 3 s/);
      // ... and /readyz says so.
      const down = await readyz();
      expect(down.status).toBe(503);
      expect(down.body.checks).toContainEqual(
        expect.objectContaining({ name: 'podman', ok: false }),
      );
    } finally {
      await thawTestPodmanService();
    }
    // Going on, the service delivers what was typed meanwhile: the same terminal, no reconnect.
    await open.waitFor(/DURING=stuck/, 60_000);
    await eventually(
      () => expect(open.controls.at(-1)).toMatchObject({ type: 'status', state: 'attached' }),
      { withinMs: 30_000 },
    );
    expect(open.ws.readyState).toBe(open.ws.OPEN);
    open.ws.close();
  }, 240_000);
});
