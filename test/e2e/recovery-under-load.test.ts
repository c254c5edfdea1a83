import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer, type TerminalClient } from '../support/live-server.js';
import { realPodman } from '../support/podman.js';
import { killTestPodmanService, startTestPodmanService } from '../support/podman-service.js';

const podman = await realPodman();
const USERS = ['loaded0', 'loaded1'];
const PER_USER = 5;

/** What happens while the terminals stream output and take keys; every case ends in kill -9. */
const outages: { name: string; mark: string; outage: (server: LiveServer) => Promise<void> }[] = [
  { name: 'kill -9 of the server', mark: 'k', outage: (server) => server.restart() },
  {
    name: 'an outage of the Podman API service, then kill -9 of the server',
    mark: 'p',
    outage: async (server) => {
      await killTestPodmanService();
      await startTestPodmanService();
      await server.restart();
    },
  },
];

describe.skipIf(!podman)('recovery while 10 terminals stream output and take keys', () => {
  if (!podman) return;
  let server: LiveServer;

  beforeAll(async () => {
    server = await startLiveServer(podman, { users: USERS });
  });
  afterAll(async () => {
    // Whatever happened, the next tests find the service running.
    try {
      await startTestPodmanService();
    } finally {
      await server?.close();
    }
  });

  /** Ten sessions, each with an exported variable, a background job and a running stream. */
  async function busySessions(prefix: string) {
    const made: { cookie: string; id: string; mark: string }[] = [];
    for (const [u, user] of USERS.entries()) {
      const cookie = await server.login(user);
      for (let s = 0; s < PER_USER; s++) {
        const mark = `${prefix}u${u}s${s}`;
        made.push({ cookie, id: await server.newSession(cookie, `busy ${mark}`), mark });
      }
    }
    const terminals = await Promise.all(made.map((m) => server.terminal(m.cookie, m.id)));
    await Promise.all(
      terminals.map(async (t, i) => {
        const { mark } = made[i] ?? { mark: '' };
        t.type(`export MARK=${mark}; sleep 1000 & echo "SET=$MARK"\r`);
        await t.waitFor(new RegExp(`SET=${mark}`), 120_000);
        // The stream runs in the background, so the shell takes keys while it flows.
        t.type(`(while :; do echo "tick $MARK $RANDOM"; sleep 0.02; done) &\r`);
        await t.waitFor(new RegExp(`tick ${mark} \\d+\\r\\ntick ${mark}`), 60_000);
      }),
    );
    return { made, terminals };
  }

  it.each(outages)(
    'brings every shell back, with its variable and its background job, after $name',
    async ({ mark: prefix, outage }) => {
      const { made, terminals } = await busySessions(prefix);
      // Keys keep arriving while the output streams, up to the moment of the outage.
      const typing = setInterval(() => {
        for (const t of terminals) if (t.ws.readyState === t.ws.OPEN) t.type('x');
      }, 50);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      try {
        await outage(server);
      } finally {
        clearInterval(typing);
      }

      const answers = await Promise.all(
        made.map(async ({ cookie, id, mark }) => {
          const again: TerminalClient = await server.terminal(cookie, id);
          // Ctrl-U first: the keys typed before the outage wait on the prompt's line.
          again.type('\x15echo "GOT=$MARK JOBS=$(jobs -p | wc -l)"\r');
          try {
            await again.waitFor(new RegExp(`GOT=${mark} JOBS=2`), 60_000);
            return 'answered';
          } catch {
            return `${mark} did not answer: ${JSON.stringify(again.output().slice(-300))}`;
          } finally {
            again.ws.close();
          }
        }),
      );
      expect(
        answers.filter((a) => a !== 'answered'),
        server.errors(),
      ).toEqual([]);
    },
    300_000,
  );
});
