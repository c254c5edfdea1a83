import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../support/live-server.js';
import { realPodman } from '../support/podman.js';

const podman = await realPodman();
const USERS = [0, 1, 2, 3, 4].map((i) => `user${i}`);

describe.skipIf(!podman)(
  'recovery: 20 sessions across 5 users survive kill -9 of the server',
  () => {
    if (!podman) return;
    let server: LiveServer;

    beforeAll(async () => {
      server = await startLiveServer(podman, { users: USERS });
    });
    afterAll(async () => {
      await server?.close();
      await podman.close();
    });

    /** Opens a session's terminal, types, and resolves the terminal once `expected` shows up. */
    async function typeInto(cookie: string, id: string, keys: string, expected: string) {
      const terminal = await server.terminal(cookie, id);
      terminal.type(keys);
      await terminal.waitFor(new RegExp(expected), 60_000).catch((error: Error) => {
        throw new Error(`${id}: ${error.message}\nserver: ${server.errors()}`);
      });
      return terminal;
    }

    it('all 20 are detached after the restart, and each has its shell state', async () => {
      const cookies = await Promise.all(USERS.map((user) => server.login(user)));
      const made: { cookie: string; id: string; mark: string }[] = [];
      for (const [u, cookie] of cookies.entries())
        for (let s = 0; s < 4; s++)
          made.push({ cookie, id: await server.newSession(cookie, `s${s}`), mark: `u${u}s${s}` });
      const terminals = await Promise.all(
        made.map(({ cookie, id, mark }) =>
          typeInto(cookie, id, `export MARK=${mark}; echo "SET=$MARK"\r`, `SET=${mark}`),
        ),
      );
      expect(terminals).toHaveLength(20);

      await server.restart();

      for (const cookie of cookies) {
        const { sessions } = (await server.api('GET', '/api/sessions', cookie)) as {
          sessions: { status: string }[];
        };
        expect(sessions.map((s) => s.status)).toEqual([
          'detached',
          'detached',
          'detached',
          'detached',
        ]);
      }
      for (const { cookie, id, mark } of made) {
        const terminal = await typeInto(cookie, id, 'echo "GOT=$MARK"\r', `GOT=${mark}`);
        terminal.ws.close();
      }
    }, 300_000);
  },
);
