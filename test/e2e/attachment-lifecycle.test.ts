import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_USER, workspaceNames } from '../../src/naming/workspace-names.js';
import { TERMINAL_USER, TMUX_SOCKET, tmuxClientsCommand } from '../../src/tmux/tmux.js';
import { eventually } from '../support/eventually.js';
import { type LiveServer, startLiveServer, type TerminalClient } from '../support/live-server.js';
import { realPodman, testWorkspaces } from '../support/podman.js';

const podman = await realPodman();
const CYCLES = Number(process.env.ATTACH_CYCLES ?? 200);
/** The workspace containers of this file, by id: their conmons are counted at the end. */
const cycled: string[] = [];

/** The conmon processes on this host that serve one of `ids` (the container's and each exec's). */
function conmonsOf(ids: string[]): number {
  let count = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('conmon') && ids.some((id) => args.includes(id))) count++;
    } catch {}
  }
  return count;
}
const attached = (t: TerminalClient) =>
  eventually(
    () => expect(t.controls).toContainEqual(expect.objectContaining({ state: 'attached' })),
    {
      withinMs: 120_000,
    },
  );

describe.skipIf(!podman).each(['exec', 'pty'])(
  'terminals of the real server, attached by %s',
  (attach) => {
    if (!podman) return;
    let server: LiveServer;
    let cookie = '';
    let container = '';
    const inWorkspace = async (cmd: string[]) =>
      (await podman.exec.run(container, cmd, { user: TERMINAL_USER })).stdout;

    beforeAll(async () => {
      server = await startLiveServer(podman, {
        users: [`cycler${attach}`],
        env: { TERMINAL_ATTACH: attach },
      });
      cookie = await server.login(`cycler${attach}`);
      container = workspaceNames(String(server.ids[`cycler${attach}`])).container;
    });
    afterAll(async () => {
      await server?.close();
    });

    it(`leaves as many tmux clients as terminals are open, over ${CYCLES} open/close cycles`, async () => {
      const session = await server.newSession(cookie, 'cycled');
      const clients = async () =>
        (await inWorkspace(tmuxClientsCommand(session))).split('\n').filter(Boolean).length;
      const kept = await server.terminal(cookie, session);
      await attached(kept);
      expect(await clients()).toBe(1);
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const terminal = await server.terminal(cookie, session);
        await attached(terminal);
        expect(await clients(), `cycle ${cycle}, open`).toBe(2);
        // Half the clients say goodbye, half vanish (a reset, as a sleeping laptop's).
        if (cycle % 2 === 0) terminal.ws.close();
        else terminal.ws.terminate();
        await terminal.closed;
        await eventually(async () => expect(await clients(), `cycle ${cycle}, closed`).toBe(1), {
          withinMs: 15_000,
        });
      }
      kept.type('echo "STILL=$((6*7))"\r');
      await kept.waitFor(/STILL=42/);
      const { Id } = await podman.containers.inspect(container);
      expect(conmonsOf([Id]), 'the conmons of the container and its terminals').toBeGreaterThan(0);
      cycled.push(Id);
    }, 1_800_000);

    it('leaves no tmux session behind a session deleted while its terminal was opening, 50 times', async () => {
      const deleted: string[] = [];
      for (let i = 0; i < 50; i++) {
        const session = await server.newSession(cookie, `brief ${i}`);
        const terminal = await server.terminal(cookie, session);
        await server.api('DELETE', `/api/sessions/${session}`, cookie);
        deleted.push(session);
        // The server ends the terminal; one it kept open is closed here, as a tab would be.
        await Promise.race([terminal.closed, sleep(10_000)]);
        terminal.ws.terminate();
      }
      await eventually(
        async () => {
          const left = await inWorkspace([
            'tmux',
            '-L',
            TMUX_SOCKET,
            'list-sessions',
            '-F',
            '#{session_name}',
          ]).catch(() => '');
          expect(deleted.filter((s) => left.includes(s))).toEqual([]);
        },
        { withinMs: 15_000 },
      );
    }, 600_000);
  },
);

describe.skipIf(!podman)('after six quiet minutes', () => {
  if (!podman) return;
  const userId = `t${randomBytes(3).toString('hex')}quiet`;
  const workspaces = testWorkspaces(podman);
  afterAll(async () => {
    await workspaces.remove(userId);
    await podman.volumes.remove(workspaceNames(userId).volume, { force: true }).catch(() => {});
  });

  it('has let every conmon go, and still hears a death on an event stream quiet all along', async () => {
    // Opened before the wait: nothing of this user dies for the six minutes.
    const abort = new AbortController();
    const events = await podman.events({
      filters: { type: ['container'], event: ['died'], label: [`${LABEL_USER}=${userId}`] },
      signal: abort.signal,
    });
    const next = events[Symbol.asyncIterator]().next();
    let ended = false;
    void next.then((result) => {
      ended = result.done === true;
    });
    const began = performance.now();
    // Each attach's exec keeps its conmon for Podman's retention (300 s) after it ends;
    // the cycled workspaces are gone now, so every conmon of theirs must go.
    expect(cycled).toHaveLength(2);
    await eventually(() => expect(conmonsOf(cycled)).toBe(0), {
      withinMs: 420_000,
      everyMs: 5_000,
    });
    await sleep(Math.max(0, 6 * 60_000 - (performance.now() - began)));
    expect(ended, 'the event stream ended while quiet').toBe(false);

    await workspaces.ensure(userId);
    await workspaces.stop(userId);
    const { value, done } = await next;
    expect(done).toBe(false);
    expect(value?.Actor.Attributes[LABEL_USER]).toBe(userId);
    abort.abort();
  }, 720_000);
});
