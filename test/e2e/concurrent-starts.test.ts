import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../support/live-server.js';
import { realPodman } from '../support/podman.js';

const podman = await realPodman();
const USERS = Array.from({ length: 30 }, (_, i) => `newcomer${i}`);

describe.skipIf(!podman)('30 new users opening their first terminal at the same moment', () => {
  if (!podman) return;
  let server: LiveServer;

  beforeAll(async () => {
    server = await startLiveServer(podman, { users: USERS });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('gives every one a prompt, their starts in line, and the Podman service stays up', async () => {
    const cookies = await Promise.all(USERS.map((u) => server.login(u)));
    const sessions = await Promise.all(cookies.map((c) => server.newSession(c, 'first')));
    const terminals = await Promise.all(
      cookies.map((cookie, i) => server.terminal(cookie, sessions[i] ?? '')),
    );
    await Promise.all(
      terminals.map(async (terminal, i) => {
        terminal.type(`echo "HELLO-$((${i}+1000))"\r`);
        await terminal.waitFor(new RegExp(`HELLO-${i + 1000}`), 240_000);
      }),
    );
    const waited = terminals.filter((t) =>
      t.controls.some((c) => /other workspaces? to start first/.test(String(c.detail ?? ''))),
    );
    expect(waited.length, server.errors()).toBeGreaterThan(0);
    await expect(podman.ping()).resolves.toBeUndefined();
    for (const terminal of terminals) terminal.ws.close();
  }, 300_000);
});
