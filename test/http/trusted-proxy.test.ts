import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTrustedProxy } from '../../src/auth/trusted-proxy.js';
import { systemClock } from '../../src/clock/clock.js';
import { startServer } from '../../src/http/server.js';
import { realPodman } from '../support/podman.js';
import { createTestApp, PUBLIC_ORIGIN } from '../support/test-app.js';

const podman = await realPodman();
const HEADER = 'X-Forwarded-User';

/** The real app behind a real socket, trusting a proxy on `addresses`. */
async function serveBehindProxy(addresses: string[]) {
  const proxy = createTrustedProxy({ header: HEADER, addresses });
  const t = await createTestApp({ clock: { ...systemClock, advance: () => {} }, proxy });
  const server = await startServer(t.app, { host: '127.0.0.1', port: 0 });
  if (podman) {
    t.serveSockets(server.server);
  }
  const url = (path: string) => `http://127.0.0.1:${server.address.port}${path}`;
  return { t, server, url };
}

describe.skipIf(!podman)('trusted reverse-proxy mode', () => {
  let running: Awaited<ReturnType<typeof serveBehindProxy>> | undefined;
  afterEach(async () => {
    await running?.server.close();
    await running?.t.close();
  });

  it('takes the proxy’s user, creating it without a password on first sight', async () => {
    running = await serveBehindProxy(['127.0.0.1']);
    const me = await fetch(running.url('/api/me'), { headers: { [HEADER]: 'carol' } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { username: 'carol', isAdmin: false } });
    const again = await fetch(running.url('/api/sessions'), { headers: { [HEADER]: 'carol' } });
    expect(again.status).toBe(200);
    const stored = await running.t.users.findByUsername('carol');
    expect(stored?.passwordHash).toBeNull();
    expect((await running.t.users.list()).filter((u) => u.username === 'carol')).toHaveLength(1);
  });

  it('refuses the header from an address that is not the proxy’s, over HTTP and WebSocket', async () => {
    running = await serveBehindProxy(['10.0.0.0/8']);
    const me = await fetch(running.url('/api/me'), { headers: { [HEADER]: 'carol' } });
    expect(me.status).toBe(403);
    expect(await me.json()).toMatchObject({ error: { code: 'auth.untrusted_proxy' } });
    expect(await running.t.users.findByUsername('carol')).toBeUndefined();

    const terminal = '/api/sessions/00000000-0000-4000-8000-000000000000/terminal';
    expect(await upgradeStatus(running.url(terminal), { [HEADER]: 'carol' })).toBe(403);
  });

  it('keeps a disabled user out and still accepts the login cookie without the header', async () => {
    running = await serveBehindProxy(['127.0.0.1']);
    const dave = await running.t.addUser('dave', 'correct horse battery');
    await running.t.users.disable(dave.id, new Date());
    const refused = await fetch(running.url('/api/me'), { headers: { [HEADER]: 'dave' } });
    expect(refused.status).toBe(401);

    await running.t.addUser('erin', 'correct horse battery');
    const cookie = await running.t.login('erin', 'correct horse battery');
    const me = await fetch(running.url('/api/me'), { headers: { cookie } });
    expect(await me.json()).toMatchObject({ user: { username: 'erin' } });
  });

  it('refuses a username that is not a valid one, creating nothing', async () => {
    running = await serveBehindProxy(['127.0.0.1']);
    const me = await fetch(running.url('/api/me'), { headers: { [HEADER]: '../Root' } });
    expect(me.status).toBe(400);
    expect(await me.json()).toMatchObject({ error: { code: 'user.invalid_username' } });
    expect(await running.t.users.list()).toEqual([]);
  });

  it('identifies the proxy’s user on WebSocket upgrades too', async () => {
    running = await serveBehindProxy(['127.0.0.1']);
    const missing = '/api/sessions/00000000-0000-4000-8000-000000000000/terminal';
    // 404 (no such session of theirs), not 401: the upgrade knew who was asking.
    expect(await upgradeStatus(running.url(missing), { [HEADER]: 'frank' })).toBe(404);
    expect(await upgradeStatus(running.url(missing), {})).toBe(401);
  });
});

async function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(url.replace('http', 'ws'), {
    headers: { origin: PUBLIC_ORIGIN, ...headers },
  });
  // Aborting a refused handshake makes ws report "closed before established": expected.
  ws.on('error', () => {});
  const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
  ws.terminate();
  return res.statusCode;
}
