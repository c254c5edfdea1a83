import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { hashPassword } from '../../src/auth/passwords.js';
import type { TrustedProxy } from '../../src/auth/trusted-proxy.js';
import type { Clock } from '../../src/clock/clock.js';
import { openParts } from '../../src/composition/parts.js';
import { composeServer } from '../../src/composition/server.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createDb } from '../../src/db/create-db.js';
import type { ReadinessCheck } from '../../src/http/readiness.js';
import type { Logger } from '../../src/log/logger.js';
import { createPodmanClient } from '../../src/podman/client.js';
import { createImageBuilder } from '../../src/workspaces/image-builder.js';
import { createFakeClock } from './fake-clock.js';
import { createMemoryWorkspaces } from './memory-workspaces.js';
import { scopedTo, testImage, testSocketPath, testWorkspaces } from './podman.js';

export const PUBLIC_ORIGIN = 'http://claude-web.test';
const containerfile = join(import.meta.dirname, '..', '..', 'Containerfile');

/**
 * The server as production composes it (src/composition), from a configuration of the
 * test host, with what a test must replace: an in-memory database with the real
 * migrations, the test user's real Podman with a driver that lists only this app's users,
 * the clock, and no watcher of the host's events.
 */
export async function createTestApp(
  options: {
    checks?: ReadinessCheck[];
    clock?: Clock & { advance(ms: number): void };
    proxy?: TrustedProxy;
    /** AUTH_PROXY_ADDRESSES: whose X-Forwarded-For names the client. */
    proxyAddresses?: string[];
    /** Workspaces on the test Podman (the default) or in memory (the fast layer). */
    workspaces?: 'podman' | 'memory';
    /** Where the server logs (default: nowhere). */
    log?: Logger;
  } = {},
) {
  const clock = options.clock ?? createFakeClock();
  const log = options.log ?? pino({ level: 'silent' });
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-web-app-'));
  const config = loadConfig({
    env: {
      PUBLIC_URL: PUBLIC_ORIGIN,
      PODMAN_SOCKET: testSocketPath(),
      WORKSPACE_IMAGE: testImage,
      DATA_DIR: dataDir,
      AUTH_PROXY_ADDRESSES: (options.proxyAddresses ?? []).join(','),
    },
    uid: process.getuid?.() ?? 0,
    homeDir: dataDir,
  });
  const database = await createDb({ kind: 'pglite' });
  // User ids name containers on the Podman other tests share: apart from theirs.
  const start = 1_000_000 + Math.floor(Math.random() * 900_000);
  await database.db.execute(sql.raw(`alter table users alter column id restart with ${start}`));
  const podman = createPodmanClient({ socketPath: testSocketPath() });
  // Administration sees only the workspaces of this app's own users: other tests share Podman.
  const own = new Set<string>();
  const memory = options.workspaces === 'memory' ? createMemoryWorkspaces({ clock }) : undefined;
  const workspaces = memory
    ? memory.driver
    : scopedTo(testWorkspaces(podman), (userId) => own.has(userId));
  const images = createImageBuilder({
    podman,
    log,
    containerfile,
    contextDir: join(dataDir, 'image-context'),
    buildArgs: {},
  });
  const parts = openParts(config, clock, log, {
    database,
    workspaces: { driver: workspaces, images, close: () => podman.close() },
  });
  const server = await composeServer(config, parts, {
    clock,
    log,
    version: '1.2.3',
    checks: options.checks ?? [],
    proxy: options.proxy,
    watch: false,
  });
  const { app, repos } = server;
  return {
    app,
    clock,
    podman,
    auth: server.auth,
    sessionsService: server.sessionsService,
    sessions: repos.sessions,
    users: repos.users,
    usage: parts.workspaceUsage,
    notices: parts.notices,
    sweep: server.sweep,
    cleanup: server.cleanup,
    serveSockets: server.serveSockets,
    /** Logs `username` in through the API; resolves the cookie header to send. */
    async login(username: string, password: string): Promise<string> {
      const res = await app.request('/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: PUBLIC_ORIGIN },
        body: JSON.stringify({ username, password }),
      });
      return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    },
    workspaces,
    /** The in-memory workspaces' controls, when the app has them. */
    memory,
    async addUser(username: string, password: string, isAdmin = false) {
      const user = await repos.users.create({
        username,
        passwordHash: await hashPassword(password),
        isAdmin,
        now: clock.now(),
      });
      own.add(String(user.id));
      return user;
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
